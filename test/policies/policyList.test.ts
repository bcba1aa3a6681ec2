// The pack's policy list is well-formed.
import { strict as assert } from "assert";
import { policies } from "../../policies/policies";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";

describe("the policy list", () => {
    it("has unique, valid names, descriptions, remediation steps and a configSchema per policy", () => {
        const names = policies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        assert.ok(names.length >= 5);
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9-]+$/);
            assert.notEqual(p.name, "all");
            assert.ok(p.description.length > 20, p.name);
            assert.ok((p.remediationSteps ?? "").length > 20, p.name);
            assert.ok(p.configSchema?.properties, p.name);
            assert.ok(!("enforcementLevel" in p.configSchema!.properties), p.name);
            for (const k of ["gatewayServiceNames", "gatewayLabels", "exemptions"])
                assert.ok(k in p.configSchema!.properties, `${p.name} ${k}`);
            assert.equal(typeof (p as any).validateStack, "function", p.name);
        }
    });

    it("makes only the chain policy mandatory by default", () => {
        const levels = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
        assert.equal(levels[NO_ALB_POLICY_NAME], "mandatory");
        for (const [n, l] of Object.entries(levels))
            if (n !== NO_ALB_POLICY_NAME) assert.equal(l, "advisory", n);
    });
});
