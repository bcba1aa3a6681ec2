import { strict as assert } from "assert";
import { stack, StackBuilder } from "../test/harness/stackBuilder";
import { istioGatewayServiceNlbAnnotations as policy } from "./istioGatewayServiceNlbAnnotations";
import { evaluateStack } from "./lib/evaluate";

async function run(s: StackBuilder) {
    return evaluateStack(s.build(), { policies: [policy] });
}
const T = "service.beta.kubernetes.io/aws-load-balancer-type";

describe("policy istio-gateway-service-nlb-annotations", () => {
    it("flags a LoadBalancer gateway Service without NLB annotations (Classic ELB), as advisory with remediation", async () => {
        const s = stack();
        s.gatewayService("istio-ingressgateway", { type: "LoadBalancer" });
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.equal(vs[0].enforcementLevel, "advisory");
        assert.match(vs[0].message, /without NLB annotations/);
        assert.match(vs[0].message, /Classic ELB/);
        assert.match(vs[0].message, /Remediation: annotate the gateway Service/);
    });

    it("flags an invalid aws-load-balancer-type such as alb", async () => {
        const s = stack();
        s.gatewayService("istio-ingressgateway", { type: "LoadBalancer", annotations: { [T]: "alb" } });
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.match(vs[0].message, /invalid service.beta.kubernetes.io\/aws-load-balancer-type "alb"/);
    });

    it("flags gateway chart values (service.type defaults to LoadBalancer) without annotations", async () => {
        const s = stack();
        s.helmRelease("gw", { releaseName: "edge" });
        s.helmChart("gw4", {
            releaseName: "edge4",
            values: { service: { type: "LoadBalancer", annotations: { [T]: "alb" } } },
        });
        const vs = await run(s);
        assert.deepEqual(vs.map((v) => v.urn!.split("::").pop()).sort(), ["gw", "gw4"]);
        assert.match(vs.find((v) => v.urn!.endsWith("gw"))!.message, /values.service.annotations/);
    });

    it("passes NLB annotations, loadBalancerClass, ClusterIP gateways and non-gateway Services", async () => {
        const s = stack();
        s.gatewayService("a", { type: "LoadBalancer", annotations: { [T]: "external" } });
        s.gatewayService("b", { type: "LoadBalancer", annotations: { [T]: "nlb-ip" } });
        s.gatewayService("c", { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" });
        s.gatewayService("d", { type: "ClusterIP" });
        s.service("shop", { ns: "apps", type: "LoadBalancer" });
        s.helmRelease("gw", { releaseName: "edge", values: { service: { type: "ClusterIP" } } });
        assert.deepEqual(await run(s), []);
    });
});
