import { strict as assert } from "assert";
import { stack, StackBuilder } from "../test/harness/stackBuilder";
import { istioGatewayNlbTlsPassthrough as policy } from "./istioGatewayNlbTlsPassthrough";
import { evaluateStack } from "./lib/evaluate";

async function run(s: StackBuilder) {
    return evaluateStack(s.build(), { policies: [policy] });
}

function nlbToGateway(s: StackBuilder, protocol: string) {
    const gw = s.gatewayService();
    const nlb = s.nlb("gw-nlb");
    const tg = s.targetGroup("gw-tg", { protocol: "TCP", port: 443 });
    s.listener("l443", nlb, [tg], { protocol, port: 443 });
    s.tgb("gw-tgb", tg, gw.name, { ns: "istio-system" });
}

describe("policy istio-gateway-nlb-tls-passthrough", () => {
    it("flags an NLB TLS listener forwarding to the gateway (also at preview)", async () => {
        const s = stack({ preview: true });
        nlbToGateway(s, "TLS");
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.equal(vs[0].enforcementLevel, "advisory");
        assert.ok(vs[0].urn!.endsWith("::l443"));
        assert.match(vs[0].message, /NLB TLS listener/);
        assert.match(vs[0].message, /Remediation: use TCP listeners/);
    });

    it("flags the ssl-cert annotation on the gateway Service", async () => {
        const s = stack();
        s.gatewayService("istio-ingressgateway", {
            type: "LoadBalancer",
            annotations: { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:cert" },
        });
        const vs = await run(s);
        assert.equal(vs.length, 1);
        assert.match(vs[0].message, /aws-load-balancer-ssl-cert/);
    });

    it("passes TCP listeners, TLS listeners to other apps, and Services without ssl-cert", async () => {
        const s = stack();
        nlbToGateway(s, "TCP");
        const nlb = s.nlb("apps-nlb");
        const tg = s.targetGroup("apps-tg", { protocol: "TCP" });
        s.listener("apps-tls", nlb, [tg], { protocol: "TLS" });
        s.tgb("apps-tgb", tg, "shop", { ns: "apps" });
        s.service("shop", {
            ns: "apps",
            type: "LoadBalancer",
            annotations: { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "x" },
        });
        assert.deepEqual(await run(s), []);
    });
});
