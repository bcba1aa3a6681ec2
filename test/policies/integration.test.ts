// Integration: the platform (index.ts -> components/) recorded under mocks goes through the pack with
// every recorded resource and its dependencies: zero mandatory violations, at a full run (dev) and at
// preview (prod). The same program with an ALB put in front of its gateway is rejected, chain named.
import { strict as assert } from "assert";
import { evaluateStack } from "../../policies/lib/evaluate";
import type { StackResource } from "../../policies/lib/types";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";
import { recordStack } from "../../tools/mocks/pulumiMocks";
import { albInFront } from "../harness/albInFront";
import { PROD_DECISIONS } from "../harness/decisions";

describe("integration: the platform under mocks through the policy pack", function () {
    this.timeout(60000);

    for (const [stackName, preview] of [
        ["dev", false],
        ["prod", true],
    ] as const) {
        const label = `${stackName}${preview ? " (preview)" : ""}`;
        let withAlb: StackResource[];
        let platform: StackResource[];
        before(async () => {
            // One recording per stack: the platform alone is the recording minus the user's front-* resources.
            // prod as shipped asks who may reach the Kubernetes API: answer as a user would.
            const overrides = stackName === "prod" ? PROD_DECISIONS : undefined;
            withAlb = (await recordStack(stackName, { preview, extend: albInFront, overrides })).resources;
            platform = withAlb.filter((r) => !r.name.startsWith("front-"));
            assert.equal(withAlb.length - platform.length, 4);
        });

        it(`${label}: zero mandatory violations`, async () => {
            assert.ok(
                platform.some((r) => r.type === "aws:lb/loadBalancer:LoadBalancer"),
                "the platform has its NLB",
            );
            const vs = await evaluateStack(platform);
            const mandatory = vs.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                mandatory.map((v) => v.message),
                [],
            );
            assert.deepEqual(
                vs.filter((v) => v.message.startsWith("can't run")).map((v) => v.message),
                [],
            );
        });

        it(`${label}: an ALB in front of the same gateway is rejected, chain named`, async () => {
            const vs = (await evaluateStack(withAlb)).filter(
                (v) => v.policyName === NO_ALB_POLICY_NAME && v.enforcementLevel === "mandatory",
            );
            assert.equal(vs.length, 1, vs.map((v) => v.message).join("\n---\n"));
            assert.ok(vs[0].urn!.endsWith("::front-alb"), vs[0].urn);
            for (const hop of [
                '"front-alb"',
                '"front-https"',
                '"front-tg"',
                '"front-tgb"',
                "kubernetes:core/v1:Service",
            ]) {
                assert.ok(vs[0].message.includes(hop), `${hop} missing:\n${vs[0].message}`);
            }
        });
    }
});
