// The plan's traffic path on hand-built stacks (no recording): it follows the same links as the
// pack, so what the pack flags is on the path the plan draws.
import { strict as assert } from "assert";
import { evaluateStack } from "../../policies/lib/evaluate";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";
import { PlanResource, trafficPath } from "../../tools/plan/model";
import { stack } from "../harness/stackBuilder";

describe("plan model: traffic path", () => {
    it("lists a target group a listener rule forwards to, where the pack finds the chain", async () => {
        const s = stack();
        const gw = s.gatewayService();
        const alb = s.alb("web-alb");
        const apps = s.targetGroup("apps-tg");
        const mesh = s.targetGroup("mesh-tg");
        const l = s.listener("web-https", alb, [apps]);
        s.listenerRule("api-rule", l, [mesh]);
        s.listenerRule("api-rule-2", l, [mesh]);
        s.tgb("mesh-tgb", mesh, gw.name, { ns: "istio-system" });
        const resources = s.build();
        const vs = await evaluateStack(resources);
        assert.match(
            vs.find((v) => v.policyName === NO_ALB_POLICY_NAME)?.message ?? "",
            /"api-rule"[\s\S]*"mesh-tg"/,
        );

        const recorded: PlanResource[] = resources.map((r) => ({ ...r, custom: true, inputs: r.props }));
        const [lb] = trafficPath(recorded).loadBalancers;
        assert.deepEqual(
            lb.listeners.map((x) => x.targetGroups.map((tg) => [tg.name, tg.bindings.map((b) => b.name)])),
            [
                [
                    ["apps-tg", []],
                    ["mesh-tg", ["mesh-tgb"]],
                ],
            ],
        );
    });
});
