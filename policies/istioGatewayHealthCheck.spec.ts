import { strict as assert } from "assert";
import { stack, StackBuilder, UNKNOWN } from "../test/harness/stackBuilder";
import { istioGatewayHealthCheck as policy } from "./istioGatewayHealthCheck";
import { evaluateStack } from "./lib/evaluate";

async function run(s: StackBuilder) {
    return evaluateStack(s.build(), { policies: [policy] });
}
const A = "service.beta.kubernetes.io/aws-load-balancer-healthcheck-";
const GOOD = { protocol: "HTTP", port: "15021", path: "/healthz/ready" };

function tgToGateway(s: StackBuilder, healthCheck?: unknown) {
    const gw = s.gatewayService();
    const nlb = s.nlb("gw-nlb");
    const tg = s.targetGroup("gw-tg", { protocol: "TCP", port: 80, ...(healthCheck ? { healthCheck } : {}) });
    s.listener("l", nlb, [tg], { protocol: "TCP", port: 80 });
    s.tgb("gw-tgb", tg, gw.name, { ns: "istio-system" });
}

describe("policy istio-gateway-health-check", () => {
    it("flags a gateway target group with the default TCP health check", async () => {
        const s = stack();
        tgToGateway(s);
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.ok(vs[0].urn!.endsWith("::gw-tg"));
        assert.match(vs[0].message, /healthCheck: protocol TCP, port traffic-port/);
        assert.match(vs[0].message, /Remediation: health-check the gateway's status port/);
    });

    it("flags a wrong path and a target group reached through node attachments", async () => {
        const s = stack();
        tgToGateway(s, { ...GOOD, path: "/" });
        s.gatewayService("gw2", { ns: "istio-system", type: "NodePort", nodePort: 30111 });
        const tg = s.targetGroup("nodes-tg", { port: 30111, healthCheck: { protocol: "TCP" } });
        s.tgAttachment("n1", tg);
        const vs = await run(s);
        assert.deepEqual(vs.map((v) => v.urn!.split("::").pop()).sort(), ["gw-tg", "nodes-tg"]);
    });

    it("names the binding as every chain does, so a namespace/name exemption of it applies", async () => {
        const s = stack();
        tgToGateway(s);
        const [v] = await run(s);
        assert.match(
            v.message,
            /\n {2}-> kubernetes:elbv2\.k8s\.aws\/v1beta1:TargetGroupBinding "gw-tgb" \(istio-system\/gw-tgb; serviceRef\)\n/,
        );
        const config = {
            [policy.name]: { exemptions: [{ resource: "istio-system/gw-tgb", reason: "OPS-7" }] },
        };
        const [exempted] = await evaluateStack(s.build(), { policies: [policy], config });
        assert.match(exempted.message, /Exempted \(reported as advisory\): "istio-system\/gw-tgb": OPS-7/);
    });

    it("flags gateway LoadBalancer Service annotations without the status-port check", async () => {
        const s = stack();
        s.gatewayService("istio-ingressgateway", {
            type: "LoadBalancer",
            annotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                [`${A}port`]: "15021",
            },
        });
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.match(vs[0].message, /protocol unset \(TCP\), path unset/);
    });

    it("passes the right checks, unknown values at preview, and target groups of other apps", async () => {
        const s = stack({ preview: true });
        tgToGateway(s, GOOD);
        s.gatewayService("gw2", {
            type: "LoadBalancer",
            annotations: { [`${A}protocol`]: "HTTP", [`${A}port`]: "15021", [`${A}path`]: "/healthz/ready" },
        });
        const tg = s.targetGroup("unk-tg", {
            healthCheck: { protocol: "HTTP", port: UNKNOWN, path: "/healthz/ready" },
        });
        s.tgb("unk-tgb", tg, "istio-ingressgateway", { ns: "istio-system" });
        const apps = s.targetGroup("apps-tg");
        s.tgb("apps-tgb", apps, "shop", { ns: "apps" });
        assert.deepEqual(await run(s), []);
    });
});
