// Conformance: evaluateStack must report exactly what @pulumi/policy 1.21's own analyzer code
// (server.js makeAnalyzeStackRpcFun, fed AnalyzeStackRequest protobufs) reports for the same stack:
// unknown-checking proxies, resolved dependencies, object-form violations (exemptions), and the
// "can't run policy during preview" downgrade.
import { strict as assert } from "assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policies/policies";
import { evaluateStack, PolicyList } from "../../policies/lib/evaluate";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, PACK_VERSION } from "../../policies/lib/pack";
import { UNKNOWN, type StackResource, type Violation } from "../../policies/lib/types";
import {
    makeNoAlbInFrontOfIstioGateway,
    NO_ALB_POLICY_NAME,
} from "../../policies/noAlbInFrontOfIstioGateway";
import { toAnalyzeStackRequest, toViolations } from "../harness/analyzerWire";
import { albToGateway, stack } from "../harness/stackBuilder";

const { makeAnalyzeStackRpcFun } = require("@pulumi/policy/server");

async function engine(resources: StackResource[], list: PolicyList): Promise<Violation[]> {
    const fn = makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, PACK_ENFORCEMENT_LEVEL, list);
    const resp: any = await new Promise((resolve, reject) =>
        fn({ request: toAnalyzeStackRequest(resources) }, (err: unknown, res: unknown) =>
            err ? reject(err) : resolve(res),
        ),
    );
    return toViolations(resp);
}

describe("conformance with @pulumi/policy's analyzer (makeAnalyzeStackRpcFun)", () => {
    it("yields the same violations as evaluateStack for a preview stack with exempted, unknown and trap cases", async () => {
        const s = stack({ preview: true });
        albToGateway(s); // web-alb: mandatory chain, ARNs unknown
        const legacy = s.alb("legacy-alb");
        const tg = s.targetGroup("legacy-tg");
        s.listener("legacy-https", legacy, [tg]);
        s.tgb("legacy-tgb", tg, "istio-ingressgateway", { ns: "istio-system" });
        s.ingress("web", {
            ns: "istio-system",
            className: "alb",
            backends: [{ service: "istio-ingressgateway" }],
        });
        s.service("public-gw", {
            ns: "istio-ingress",
            type: "LoadBalancer",
            selector: { istio: "ingressgateway" },
        });
        const resources = s.build();

        // Without a config RPC the engine hands getConfig() {}: bake the exemption into the policy's defaults.
        const exempting = makeNoAlbInFrontOfIstioGateway({
            exemptions: [{ resource: "legacy-*", reason: "migrating to the NLB in Q3" }],
        });
        // A naive policy that reads an ARN: the engine downgrades it to advisory at preview.
        const naive: StackValidationPolicy = {
            name: "naive-arn-reader",
            description: "reads listener ARNs",
            enforcementLevel: "mandatory",
            validateStack: (args, report) => {
                for (const r of args.resources) {
                    if (r.type === "aws:lb/listener:Listener" && String(r.props.loadBalancerArn).length > 0) {
                        report("listener", r.urn);
                    }
                }
            },
        };
        const list: PolicyList = [exempting, ...policies.filter((p) => p.name !== NO_ALB_POLICY_NAME), naive];

        const expected = await engine(resources, list);
        const actual = await evaluateStack(resources, { policies: list });
        assert.deepEqual(actual, expected);

        // And the comparison is not vacuous:
        const summary = expected.map(
            (v) => `${v.policyName}:${v.enforcementLevel}:${v.urn?.split("::").pop()}`,
        );
        assert.ok(summary.includes(`${NO_ALB_POLICY_NAME}:mandatory:web-alb`), summary.join("\n"));
        assert.ok(summary.includes(`${NO_ALB_POLICY_NAME}:mandatory:web`), summary.join("\n"));
        assert.ok(summary.includes(`${NO_ALB_POLICY_NAME}:advisory:legacy-alb`), summary.join("\n"));
        assert.ok(
            summary.includes("istio-gateway-service-nlb-annotations:advisory:public-gw"),
            summary.join("\n"),
        );
        const trap = expected.find((v) => v.policyName === "naive-arn-reader")!;
        assert.equal(trap.enforcementLevel, "advisory");
        assert.match(
            trap.message,
            /^can't run policy 'naive-arn-reader' from policy pack '.+' during preview: string value at \.loadBalancerArn/,
        );
        assert.match(
            expected.find((v) => v.urn?.endsWith("legacy-alb"))!.message,
            /migrating to the NLB in Q3/,
        );
    });
});

describe("the unknown-value proxy the evaluator loads", () => {
    it("is the very module @pulumi/policy exports, so UnknownValueError instances match the analyzer's", () => {
        const pkg = require("@pulumi/policy");
        const own = require("../../policies/lib/unknowns");
        assert.equal(own.UnknownValueError, pkg.UnknownValueError);
        assert.equal(own.unknownCheckingProxy, pkg.unknownCheckingProxy);
        const props = own.unknownCheckingProxy({ arn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
        assert.throws(() => props.arn, pkg.UnknownValueError);
        // Seven distinct sentinels, the string one among them being the contract's UNKNOWN.
        assert.equal(own.UNKNOWN_SENTINELS.size, 7);
        assert.ok(own.UNKNOWN_SENTINELS.has(UNKNOWN));
    });
});
