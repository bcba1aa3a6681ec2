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

    describe("the Service Istio provisions for a Gateway API Gateway of class istio", () => {
        it("flags it without NLB annotations, read where Istio copies them from", async () => {
            const s = stack();
            s.gateway("mesh", "istio", { ns: "edge" });
            const infra = s.gateway("infra", "istio", { ns: "edge", annotations: { [T]: "external" } });
            s.props(infra).spec.infrastructure = { annotations: { [T]: "alb" } };
            const vs = await run(s);
            assert.deepEqual(vs.map((v) => v.urn!.split("::").pop()).sort(), ["infra", "mesh"]);
            const mesh = vs.find((v) => v.urn!.endsWith("::mesh"))!.message;
            assert.match(
                mesh,
                /without NLB annotations \(metadata\.annotations \(Istio copies them to the Service\)\)/,
            );
            assert.match(
                mesh,
                /Gateway "mesh" \(edge\/mesh; Istio provisions its Service from this Gateway\)/,
            );
            assert.match(mesh, /-> kubernetes:core\/v1:Service "mesh-istio"/);
            // spec.infrastructure.annotations win over the Gateway's own annotations.
            assert.match(
                vs.find((v) => v.urn!.endsWith("::infra"))!.message,
                /invalid service\.beta\.kubernetes\.io\/aws-load-balancer-type "alb" in spec\.infrastructure\.annotations/,
            );
        });

        it("passes an NLB asked for, a ClusterIP service-type, a parametersRef overlay, a declared Service, other classes", async () => {
            const s = stack();
            const a = s.gateway("a", "istio", { ns: "edge" });
            s.props(a).spec.infrastructure = { annotations: { [T]: "external" } };
            s.gateway("b", "istio", {
                ns: "edge",
                annotations: { "networking.istio.io/service-type": "ClusterIP" },
            });
            const c = s.gateway("c", "istio", { ns: "edge" });
            s.props(c).spec.infrastructure = {
                parametersRef: { group: "", kind: "ConfigMap", name: "gw-options" },
            };
            s.gateway("d", "istio", { ns: "edge" });
            s.service("d-istio", {
                ns: "edge",
                type: "LoadBalancer",
                selector: { "istio.io/gateway-name": "d" },
                annotations: { [T]: "external" },
            });
            s.gatewayClass("eg", "gateway.envoyproxy.io/gatewayclass-controller");
            s.gateway("e", "eg", { ns: "edge" });
            assert.deepEqual(await run(s), []);
        });
    });

    it("passes EKS Auto Mode's NLB class (loadBalancerClass eks.amazonaws.com/nlb), not a look-alike", async () => {
        const s = stack();
        s.gatewayService("auto", { type: "LoadBalancer", loadBalancerClass: "eks.amazonaws.com/nlb" });
        assert.deepEqual(await run(s), []);
        s.gatewayService("lookalike", { type: "LoadBalancer", loadBalancerClass: "eks.amazonaws.com/alb" });
        assert.deepEqual(
            (await run(s)).map((v) => v.urn!.split("::").pop()),
            ["lookalike"],
        );
    });
});
