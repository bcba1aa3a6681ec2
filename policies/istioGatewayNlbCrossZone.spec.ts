import { strict as assert } from "assert";
import { stack, StackBuilder } from "../test/harness/stackBuilder";
import { istioGatewayNlbCrossZone as policy } from "./istioGatewayNlbCrossZone";
import { evaluateStack } from "./lib/evaluate";

async function run(s: StackBuilder) {
    return evaluateStack(s.build(), { policies: [policy] });
}
const ANN = "service.beta.kubernetes.io/";

function nlbToGateway(s: StackBuilder, props: Record<string, unknown> = {}) {
    const gw = s.gatewayService();
    const nlb = s.nlb("gw-nlb", props);
    const tg = s.targetGroup("gw-tg", { protocol: "TCP" });
    s.listener("l80", nlb, [tg], { protocol: "TCP", port: 80 });
    s.listener("l443", nlb, [tg], { protocol: "TCP", port: 443 });
    s.tgb("gw-tgb", tg, gw.name, { ns: "istio-system" });
}

describe("policy istio-gateway-nlb-cross-zone", () => {
    it("flags an NLB to the gateway without enableCrossZoneLoadBalancing, once per NLB", async () => {
        const s = stack({ preview: true });
        nlbToGateway(s);
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.ok(vs[0].urn!.endsWith("::gw-nlb"));
        assert.match(vs[0].message, /enableCrossZoneLoadBalancing unset/);
        assert.match(vs[0].message, /Remediation: set enableCrossZoneLoadBalancing: true/);
    });

    it("flags an NLB gateway Service whose attributes annotation lacks cross-zone", async () => {
        const s = stack();
        s.helmRelease("gw", {
            releaseName: "edge",
            values: {
                service: {
                    annotations: {
                        [`${ANN}aws-load-balancer-type`]: "external",
                        [`${ANN}aws-load-balancer-attributes`]: "deletion_protection.enabled=true",
                    },
                },
            },
        });
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.ok(vs[0].urn!.endsWith("::gw"));
    });

    it("passes cross-zone enabled (resource or annotation), ALBs and NLBs to other apps", async () => {
        const s = stack();
        nlbToGateway(s, { enableCrossZoneLoadBalancing: true });
        s.gatewayService("gw2", {
            type: "LoadBalancer",
            annotations: {
                [`${ANN}aws-load-balancer-type`]: "external",
                [`${ANN}aws-load-balancer-attributes`]:
                    "deletion_protection.enabled=true,load_balancing.cross_zone.enabled=true",
            },
        });
        const apps = s.nlb("apps-nlb");
        const tg = s.targetGroup("apps-tg");
        s.listener("apps-l", apps, [tg], { protocol: "TCP" });
        s.tgb("apps-tgb", tg, "shop", { ns: "apps" });
        assert.deepEqual(await run(s), []);
    });

    it("flags the NLB Istio provisions for a Gateway of class istio without cross-zone; passes it with", async () => {
        const s = stack();
        const nlb = { [`${ANN}aws-load-balancer-type`]: "external" };
        const a = s.gateway("a", "istio", { ns: "edge" });
        s.props(a).spec.infrastructure = { annotations: nlb };
        const b = s.gateway("b", "istio", { ns: "edge" });
        s.props(b).spec.infrastructure = {
            annotations: {
                ...nlb,
                [`${ANN}aws-load-balancer-attributes`]: "load_balancing.cross_zone.enabled=true",
            },
        };
        const vs = await run(s);
        assert.deepEqual(
            vs.map((v) => v.urn!.split("::").pop()),
            ["a"],
        );
        assert.match(
            vs[0].message,
            /spec\.infrastructure\.annotations lacks load_balancing\.cross_zone\.enabled=true/,
        );
    });
});
