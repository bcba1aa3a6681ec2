import { strict as assert } from "assert";
import { albToGateway, ISTIO_REPO, stack, StackBuilder, UNKNOWN } from "../test/harness/stackBuilder";
import { evaluateStack } from "./lib/evaluate";
import type { PolicyPackConfig, Violation } from "./lib/types";
import { NO_ALB_POLICY_NAME, noAlbInFrontOfIstioGateway } from "./noAlbInFrontOfIstioGateway";

async function chains(s: StackBuilder, config?: PolicyPackConfig): Promise<Violation[]> {
    const all = await evaluateStack(s.build(), { config, policies: [noAlbInFrontOfIstioGateway] });
    for (const v of all) assert.ok(!v.message.startsWith("can't run"), v.message);
    return all.filter((v) => v.policyName === NO_ALB_POLICY_NAME);
}

async function rejects(s: StackBuilder, originName: string, ...mentions: string[]): Promise<Violation> {
    const vs = await chains(s);
    assert.equal(
        vs.length,
        1,
        `expected one chain, got ${vs.length}:\n${vs.map((v) => v.message).join("\n---\n")}`,
    );
    const v = vs[0];
    assert.equal(v.enforcementLevel, "mandatory");
    assert.ok(v.urn?.endsWith(`::${originName}`), `reported on ${v.urn}, expected ${originName}`);
    for (const m of mentions) assert.ok(v.message.includes(m), `message lacks ${m}:\n${v.message}`);
    assert.ok(v.message.includes("Remediation: put a Network Load Balancer with TCP listeners"), v.message);
    return v;
}

async function passes(s: StackBuilder, config?: PolicyPackConfig): Promise<void> {
    const vs = await chains(s, config);
    assert.deepEqual(
        vs.map((v) => v.message),
        [],
    );
}

describe("policy no-alb-in-front-of-istio-gateway", () => {
    describe("path 1: AWS load balancer resources", () => {
        it("rejects ALB (type unset) -> listener -> target group -> TargetGroupBinding -> gateway Service, hop by hop", async () => {
            const s = stack();
            albToGateway(s);
            const v = await rejects(s, "web-alb");
            const lines = v.message.split("\n");
            const i = lines.findIndex((l) => l.includes('aws:lb/loadBalancer:LoadBalancer "web-alb"'));
            assert.ok(i > 0, v.message);
            assert.match(lines[i], /application by default/);
            assert.match(lines[i + 1], /-> aws:lb\/listener:Listener "web-https"/);
            assert.match(lines[i + 2], /-> aws:lb\/targetGroup:TargetGroup "gw-tg"/);
            assert.match(
                lines[i + 3],
                /-> kubernetes:elbv2.k8s.aws\/v1beta1:TargetGroupBinding "gw-tgb" \(istio-system\/gw-tgb/,
            );
            assert.match(
                lines[i + 4],
                /-> kubernetes:core\/v1:Service "istio-ingressgateway" \(istio-system\/istio-ingressgateway; Istio gateway: selector istio=ingressgateway\)/,
            );
            assert.match(v.message, /double Layer 7/);
        });

        it("rejects with aws:alb tokens and an explicit application type", async () => {
            const s = stack({ elb: "alb" });
            const { alb } = albToGateway(s);
            s.props(alb).loadBalancerType = "application";
            await rejects(s, "web-alb", "aws:alb/loadBalancer:LoadBalancer", "loadBalancerType: application");
        });

        it("still rejects as MANDATORY at preview, when every ARN is unknown", async () => {
            const s = stack({ preview: true });
            albToGateway(s);
            const tgb = s.resources.find((r) => r.name === "gw-tgb")!;
            assert.equal((tgb.props as any).spec.targetGroupARN, UNKNOWN);
            await rejects(s, "web-alb");
        });

        it("rejects when the load balancer type is unknown at preview but the listeners are HTTP(S)", async () => {
            const s = stack({ preview: true });
            const { alb } = albToGateway(s);
            s.props(alb).loadBalancerType = UNKNOWN;
            await rejects(s, "web-alb");
        });

        it("rejects a listener rule forward action", async () => {
            const s = stack();
            const gw = s.gatewayService();
            const alb = s.alb("web-alb");
            const apps = s.targetGroup("apps-tg");
            const tg = s.targetGroup("gw-tg");
            const l = s.listener("web-https", alb, [apps]);
            s.listenerRule("api-rule", l, [tg]);
            s.tgb("gw-tgb", tg, gw.name, { ns: "istio-system" });
            await rejects(s, "web-alb", 'aws:lb/listenerRule:ListenerRule "api-rule"');
        });

        it("rejects a weighted forward whose second target group reaches the gateway", async () => {
            const s = stack({ preview: true });
            const gw = s.gatewayService();
            const alb = s.alb("web-alb");
            const blue = s.targetGroup("blue-tg");
            const green = s.targetGroup("green-tg");
            s.listener("web-https", alb, [blue, green], {}, { weighted: true });
            s.tgb("green-tgb", green, gw.name, { ns: "istio-system" });
            await rejects(s, "web-alb", '"green-tg"');
        });

        it("rejects a weighted forward in a listener rule", async () => {
            const s = stack();
            const gw = s.gatewayService();
            const alb = s.alb("web-alb");
            const l = s.listener("web-https", alb, []);
            const a = s.targetGroup("a-tg");
            const b = s.targetGroup("b-tg");
            s.listenerRule("split", l, [a, b], { weighted: true });
            s.tgb("b-tgb", b, gw.name, { ns: "istio-system" });
            await rejects(s, "web-alb", '"split"', '"b-tg"');
        });

        it("reports each chain once per ALB and gateway, however many paths", async () => {
            const s = stack();
            const { alb, tg } = albToGateway(s);
            s.listener("web-http", alb, [tg], { port: 80, protocol: "HTTP" });
            const v = await rejects(s, "web-alb");
            assert.match(v.message, /and 1 other path/);
        });

        it("rejects nodes attached to a target group on the gateway's NodePort (TargetGroupAttachment)", async () => {
            const s = stack();
            s.gatewayService("istio-ingressgateway", { type: "NodePort", nodePort: 30080 });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("nodes-tg", { port: 30080, targetType: "instance" });
            s.listener("web-https", alb, [tg]);
            s.tgAttachment("node-1", tg);
            await rejects(s, "web-alb", "TargetGroupAttachment", "NodePort");
        });

        it("rejects an autoscaling Attachment on the gateway's NodePort", async () => {
            const s = stack();
            s.gatewayService("istio-ingressgateway", { type: "NodePort", nodePort: 30443 });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("nodes-tg", { port: 30443, targetType: "instance" });
            s.listener("web-https", alb, [tg]);
            s.asgAttachment("asg-att", tg);
            await rejects(s, "web-alb", "aws:autoscaling/attachment:Attachment");
        });

        it("rejects at preview when the target group port is the gateway's NodePort output (propertyDependencies.port)", async () => {
            const s = stack({ preview: true });
            const gw = s.gatewayService("istio-ingressgateway", { type: "NodePort" });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("nodes-tg", { port: UNKNOWN }, { propDeps: { port: [gw] } });
            s.listener("web-https", alb, [tg]);
            s.asgAttachment("asg-att", tg);
            await rejects(s, "web-alb");
        });

        it("follows dependencies when propertyDependencies are missing", async () => {
            const s = stack({ preview: true });
            const gw = s.gatewayService();
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("gw-tg");
            s.listener("web-https", alb, [tg], {}, { noPropDeps: true });
            s.tgb("gw-tgb", tg, gw.name, { ns: "istio-system" });
            await rejects(s, "web-alb");
        });

        it("rejects a TargetGroupBinding whose serviceRef is a configured gateway name not in the stack", async () => {
            const s = stack();
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("gw-tg");
            s.listener("web-https", alb, [tg]);
            s.tgb("gw-tgb", tg, "istio-ingress", { ns: "istio-ingress" });
            await rejects(s, "web-alb", "configured gateway Service name");
        });

        it("rejects a gateway recognised by configured names and labels", async () => {
            const s = stack();
            s.service("edge", { ns: "edge", selector: { "example.com/role": "mesh-edge" } });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("gw-tg");
            s.listener("web-https", alb, [tg]);
            s.tgb("gw-tgb", tg, "edge", { ns: "edge" });
            const tg2 = s.targetGroup("ext-tg");
            s.listener("ext-https", s.alb("ext-alb"), [tg2]);
            s.tgb("ext-tgb", tg2, "my-gw", { ns: "mesh" });
            await passes(s);
            const vs = await chains(s, {
                [NO_ALB_POLICY_NAME]: {
                    gatewayLabels: { "example.com/role": "mesh-edge" },
                    gatewayServiceNames: ["my-gw"],
                },
            });
            assert.deepEqual(vs.map((v) => v.urn!.split("::").pop()).sort(), ["ext-alb", "web-alb"]);
        });

        it("recognises gateway chart selector labels (app=istio-ingress, istio=ingress) and istio.io/gateway-name", async () => {
            const s = stack();
            s.service("edge", { ns: "istio-ingress", selector: { app: "edge", istio: "edge" } });
            s.service("gw-istio", { ns: "web", selector: { "istio.io/gateway-name": "gw" } });
            const alb = s.alb("web-alb");
            const tg1 = s.targetGroup("tg1");
            const tg2 = s.targetGroup("tg2");
            s.listener("l", alb, [tg1, tg2]);
            s.tgb("b1", tg1, "edge", { ns: "istio-ingress" });
            s.tgb("b2", tg2, "gw-istio", { ns: "web" });
            const vs = await chains(s);
            assert.equal(vs.length, 2);
        });

        it("passes an ALB to ordinary application Services", async () => {
            const s = stack();
            s.service("shop", { ns: "apps" });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("shop-tg");
            s.listener("web-https", alb, [tg]);
            s.tgb("shop-tgb", tg, "shop", { ns: "apps" });
            s.gatewayService(); // a gateway exists, but the ALB does not reach it
            await passes(s);
        });

        it("passes an NLB in front of the gateway", async () => {
            const s = stack({ preview: true });
            const gw = s.gatewayService();
            const nlb = s.nlb("gw-nlb");
            const tg = s.targetGroup("gw-tg", { protocol: "TCP", port: 80 });
            s.listener("tcp-443", nlb, [tg], { protocol: "TCP", port: 443 });
            s.tgb("gw-tgb", tg, gw.name, { ns: "istio-system" });
            await passes(s);
        });

        it("passes node attachments on a port that is not the gateway's NodePort", async () => {
            const s = stack();
            s.gatewayService("istio-ingressgateway", { type: "NodePort", nodePort: 30080 });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("nodes-tg", { port: 31000, targetType: "instance" });
            s.listener("web-https", alb, [tg]);
            s.tgAttachment("node-1", tg);
            await passes(s);
        });

        it("passes a TargetGroupBinding to the gateway's name in another namespace that holds an ordinary Service", async () => {
            const s = stack();
            s.gatewayService("edge-gw", { ns: "istio-system" });
            s.service("edge-gw", { ns: "apps" });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("tg");
            s.listener("l", alb, [tg]);
            s.tgb("b", tg, "edge-gw", { ns: "apps" });
            await passes(s);
        });
    });

    describe("path 2: Ingress served by the AWS Load Balancer Controller", () => {
        it("rejects ingressClassName alb with a rule backend to the gateway", async () => {
            const s = stack();
            s.gatewayService();
            s.ingress("web", {
                ns: "istio-system",
                className: "alb",
                backends: [{ service: "istio-ingressgateway" }],
            });
            await rejects(
                s,
                "web",
                "kubernetes:networking.k8s.io/v1:Ingress",
                "ingressClassName: alb",
                "spec.rules[0].http.paths[0]",
            );
        });

        it("rejects the kubernetes.io/ingress.class: alb annotation and a defaultBackend", async () => {
            const s = stack();
            s.gatewayService();
            s.ingress("web", {
                ns: "istio-system",
                annotations: { "kubernetes.io/ingress.class": "alb" },
                defaultBackend: { service: "istio-ingressgateway" },
            });
            await rejects(s, "web", "annotation kubernetes.io/ingress.class: alb", "spec.defaultBackend");
        });

        it("rejects an IngressClass of controller ingress.k8s.aws/alb, whatever its name", async () => {
            const s = stack();
            s.gatewayService();
            s.ingressClass("internet-facing", "ingress.k8s.aws/alb");
            s.ingress("web", {
                ns: "istio-system",
                className: "internet-facing",
                backends: [{ service: "istio-ingressgateway" }],
            });
            await rejects(s, "web", "ingress.k8s.aws/alb");
        });

        it("rejects an Ingress without class when the default IngressClass is the ALB controller's", async () => {
            const s = stack();
            s.gatewayService();
            s.ingressClass("alb-default", "ingress.k8s.aws/alb", { isDefault: true });
            s.ingress("web", { ns: "istio-system", backends: [{ service: "istio-ingressgateway" }] });
            await rejects(s, "web", "default IngressClass");
        });

        for (const apiVersion of ["networking.k8s.io/v1beta1", "extensions/v1beta1"] as const) {
            it(`rejects the old ${apiVersion} serviceName/servicePort shape (rules and backend)`, async () => {
                const s = stack();
                s.gatewayService();
                s.ingress("old", {
                    ns: "istio-system",
                    apiVersion,
                    annotations: { "kubernetes.io/ingress.class": "alb" },
                    backends: [{ service: "shop" }],
                    defaultBackend: { service: "istio-ingressgateway" },
                });
                await rejects(s, "old", `kubernetes:${apiVersion}:Ingress`, "spec.backend");
            });
        }

        it("rejects a forwardConfig action annotation referenced by a use-annotation backend", async () => {
            const s = stack();
            s.gatewayService();
            s.ingress("web", {
                ns: "istio-system",
                className: "alb",
                annotations: {
                    "alb.ingress.kubernetes.io/actions.split": JSON.stringify({
                        type: "forward",
                        forwardConfig: {
                            targetGroups: [
                                { serviceName: "shop", servicePort: "80", weight: 90 },
                                { serviceName: "istio-ingressgateway", servicePort: "80", weight: 10 },
                            ],
                        },
                    }),
                },
                backends: [{ service: "split", port: "use-annotation" }],
            });
            await rejects(s, "web", "alb.ingress.kubernetes.io/actions.split");
        });

        it("rejects the older top-level targetGroups action annotation (v1beta1 servicePort use-annotation)", async () => {
            const s = stack();
            s.gatewayService();
            s.ingress("web", {
                ns: "istio-system",
                apiVersion: "extensions/v1beta1",
                annotations: {
                    "kubernetes.io/ingress.class": "alb",
                    "alb.ingress.kubernetes.io/actions.fwd": JSON.stringify({
                        type: "forward",
                        targetGroups: [{ serviceName: "istio-ingressgateway", servicePort: 80 }],
                    }),
                },
                backends: [{ service: "fwd", port: "use-annotation" }],
            });
            await rejects(s, "web", "actions.fwd");
        });

        it("rejects at preview when the backend name is the gateway Service's unknown output", async () => {
            const s = stack({ preview: true });
            const gw = s.gatewayService("gw", { autoName: true });
            s.ingress("web", {
                ns: "istio-system",
                className: "alb",
                backends: [{ service: UNKNOWN }],
                propDeps: { spec: [gw] },
            });
            await rejects(s, "web");
        });

        it("passes an nginx Ingress to the gateway", async () => {
            const s = stack();
            s.gatewayService();
            s.ingressClass("nginx", "k8s.io/ingress-nginx", { isDefault: true });
            s.ingress("a", {
                ns: "istio-system",
                className: "nginx",
                backends: [{ service: "istio-ingressgateway" }],
            });
            s.ingress("b", {
                ns: "istio-system",
                annotations: { "kubernetes.io/ingress.class": "nginx" },
                backends: [{ service: "istio-ingressgateway" }],
            });
            s.ingress("c", { ns: "istio-system", backends: [{ service: "istio-ingressgateway" }] });
            await passes(s);
        });

        it("passes an IngressClass named alb whose controller is nginx", async () => {
            const s = stack();
            s.gatewayService();
            s.ingressClass("alb", "k8s.io/ingress-nginx");
            s.ingress("web", {
                ns: "istio-system",
                className: "alb",
                backends: [{ service: "istio-ingressgateway" }],
            });
            await passes(s);
        });

        it("passes an ALB Ingress to ordinary apps, and to the gateway's name in another namespace", async () => {
            const s = stack();
            s.gatewayService("edge-gw", { ns: "istio-system" });
            s.service("edge-gw", { ns: "apps" });
            s.service("istio-ingressgateway", { ns: "apps", selector: { app: "legacy-router" } });
            s.ingress("web", {
                ns: "apps",
                className: "alb",
                backends: [{ service: "shop" }, { service: "edge-gw" }, { service: "istio-ingressgateway" }],
            });
            s.ingress("web2", { ns: "other", className: "alb", backends: [{ service: "edge-gw" }] });
            await passes(s);
        });
    });

    describe("path 3: Gateway API on an ALB", () => {
        for (const version of ["v1", "v1beta1", "v1alpha2"]) {
            it(`rejects GatewayClass gateway.k8s.aws/alb -> Gateway -> HTTPRoute -> gateway Service (${version})`, async () => {
                const s = stack();
                s.gatewayService();
                s.gatewayClass("aws-alb", "gateway.k8s.aws/alb", version);
                s.gateway("public", "aws-alb", { ns: "edge", version });
                s.route("to-mesh", {
                    ns: "istio-system",
                    version: version as any,
                    parents: [{ name: "public", namespace: "edge" }],
                    backends: [{ name: "istio-ingressgateway" }],
                });
                await rejects(
                    s,
                    "public",
                    `gateway.networking.k8s.io/${version}:HTTPRoute "to-mesh"`,
                    "gateway.k8s.aws/alb",
                );
            });
        }

        it("rejects a GRPCRoute whose backendRef names the gateway's namespace", async () => {
            const s = stack();
            s.gatewayService();
            s.gatewayClass("aws-alb", "gateway.k8s.aws/alb");
            s.gateway("public", "aws-alb", { ns: "edge" });
            s.route("grpc", {
                ns: "edge",
                kind: "GRPCRoute",
                parents: [{ name: "public" }],
                backends: [{ name: "istio-ingressgateway", namespace: "istio-system" }],
            });
            await rejects(s, "public", "GRPCRoute");
        });

        it("rejects a route to the Service Istio provisions for a Gateway API Gateway of class istio", async () => {
            const s = stack();
            s.gatewayClass("aws-alb", "gateway.k8s.aws/alb");
            s.gateway("public", "aws-alb", { ns: "edge" });
            s.gateway("mesh", "istio", { ns: "edge" });
            s.route("to-mesh", {
                ns: "edge",
                parents: [{ name: "public" }],
                backends: [{ name: "mesh-istio" }],
            });
            await rejects(s, "public", '"mesh-istio"', "class istio");
        });

        it("passes a GatewayClass of another controller, routes to other gateways, and non-Service backends", async () => {
            const s = stack();
            s.gatewayService();
            s.gatewayClass("eg", "gateway.envoyproxy.io/gatewayclass-controller");
            s.gateway("envoy", "eg", { ns: "edge" });
            s.route("r1", {
                ns: "edge",
                parents: [{ name: "envoy" }],
                backends: [{ name: "istio-ingressgateway", namespace: "istio-system" }],
            });
            s.gatewayClass("aws-alb", "gateway.k8s.aws/alb");
            s.gateway("public", "aws-alb", { ns: "edge" });
            s.route("r2", { ns: "edge", parents: [{ name: "public" }], backends: [{ name: "shop" }] });
            s.route("r3", {
                ns: "edge",
                parents: [{ name: "public" }],
                backends: [
                    { name: "istio-ingressgateway", namespace: "istio-system", kind: "ServiceImport" },
                ],
            });
            s.route("r4", {
                ns: "other",
                parents: [{ name: "public" }],
                backends: [{ name: "istio-ingressgateway", namespace: "istio-system" }],
            });
            await passes(s);
        });
    });

    describe("path 4: Helm", () => {
        it("rejects a TargetGroupBinding to the Service of a helm.sh/v3 Release of Istio's gateway chart", async () => {
            const s = stack({ preview: true });
            s.helmRelease("ingress", { releaseName: "edge", namespace: "istio-ingress" });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("tg");
            s.listener("l", alb, [tg]);
            s.tgb("b", tg, "edge", { ns: "istio-ingress" });
            await rejects(s, "web-alb", 'kubernetes:helm.sh/v3:Release "ingress"', "istio-ingress/edge");
        });

        it("names the Service after values.name when set", async () => {
            const s = stack();
            s.helmRelease("ingress", { releaseName: "edge", values: { name: "public-gw" } });
            s.ingress("web", { ns: "istio-ingress", className: "alb", backends: [{ service: "public-gw" }] });
            await rejects(s, "web", '"public-gw"');
        });

        it("rejects an ALB Ingress to the Service of a helm.sh/v4 Chart of Istio's gateway chart (no children under mocks)", async () => {
            const s = stack();
            s.helmChart("gw", {
                chart: "oci://example.com/mirror/istio/gateway",
                repo: "",
                releaseName: "edge",
            });
            s.ingress("web", { ns: "istio-ingress", className: "alb", backends: [{ service: "edge" }] });
            await rejects(s, "web", 'kubernetes:helm.sh/v4:Chart "gw"');
        });

        it("reports once when a v4 Chart's rendered Service child is in the stack (real preview)", async () => {
            const s = stack();
            const chart = s.helmChart("gw", { releaseName: "edge" });
            s.service("edge", {
                ns: "istio-ingress",
                parent: chart,
                type: "LoadBalancer",
                selector: { app: "edge", istio: "edge" },
            });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("tg");
            s.listener("l", alb, [tg]);
            s.tgb("b", tg, "edge", { ns: "istio-ingress" });
            const v = await rejects(s, "web-alb", "kubernetes:core/v1:Service");
            assert.ok(v.message.includes("istio-ingress/edge"), v.message);
        });

        it("recognises a rendered child Service by its chart parent even without gateway labels", async () => {
            const s = stack();
            const chart = s.helmChart("gw", { releaseName: "edge" });
            s.service("edge-extra", { ns: "istio-ingress", parent: chart, selector: { x: "y" } });
            s.ingress("web", {
                ns: "istio-ingress",
                className: "alb",
                backends: [{ service: "edge-extra" }],
            });
            await rejects(s, "web", 'rendered by Istio gateway chart kubernetes:helm.sh/v4:Chart "gw"');
        });

        it("rejects node attachments on a NodePort set in the gateway chart values", async () => {
            const s = stack();
            s.helmRelease("ingress", {
                releaseName: "edge",
                values: {
                    service: { type: "NodePort", ports: [{ name: "http2", port: 80, nodePort: 30080 }] },
                },
            });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("tg", { port: 30080 });
            s.listener("l", alb, [tg]);
            s.tgAttachment("n", tg);
            await rejects(s, "web-alb");
        });

        it("passes a Release of another chart with the same name", async () => {
            const s = stack();
            s.helmRelease("ingress", {
                chart: "ingress-nginx",
                repo: "https://kubernetes.github.io/ingress-nginx",
                releaseName: "edge",
            });
            s.helmRelease("other", {
                chart: "gateway",
                repo: ISTIO_REPO.replace("istio-release", "acme"),
                releaseName: "edge2",
            });
            s.ingress("web", {
                ns: "istio-ingress",
                className: "alb",
                backends: [{ service: "edge" }, { service: "edge2" }],
            });
            await passes(s);
        });
    });

    describe("EKS Auto Mode's built-in ALB (IngressClass controller eks.amazonaws.com/alb)", () => {
        const params = { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: "alb" };

        it("rejects an Ingress of an eks.amazonaws.com/alb IngressClass with IngressClassParams", async () => {
            const s = stack();
            s.gatewayService();
            s.ingressClass("alb", "eks.amazonaws.com/alb", { parameters: params });
            s.ingress("web", {
                ns: "istio-system",
                className: "alb",
                backends: [{ service: "istio-ingressgateway" }],
            });
            await rejects(s, "web", "IngressClass controller eks.amazonaws.com/alb");
        });

        it("rejects an Ingress without class when the default IngressClass is EKS Auto Mode's ALB", async () => {
            const s = stack();
            s.gatewayService();
            s.ingressClass("auto-alb", "eks.amazonaws.com/alb", { isDefault: true });
            s.ingress("web", { ns: "istio-system", backends: [{ service: "istio-ingressgateway" }] });
            await rejects(s, "web", 'default IngressClass "auto-alb" controller eks.amazonaws.com/alb');
        });

        it("rejects at preview when the class name is the IngressClass's unknown output", async () => {
            const s = stack({ preview: true });
            s.gatewayService();
            const cls = s.ingressClass("auto", "eks.amazonaws.com/alb", {
                autoName: true,
                parameters: params,
            });
            s.ingress("web", {
                ns: "istio-system",
                className: UNKNOWN,
                backends: [{ service: "istio-ingressgateway" }],
                propDeps: { spec: [cls] },
            });
            await rejects(s, "web", "eks.amazonaws.com/alb");
        });

        it("passes EKS Auto Mode's ALB to apps, an explicit other class over its default, and its NLB class", async () => {
            const s = stack();
            s.gatewayService("istio-ingressgateway", {
                type: "LoadBalancer",
                loadBalancerClass: "eks.amazonaws.com/nlb",
            });
            s.ingressClass("auto-alb", "eks.amazonaws.com/alb", { isDefault: true, parameters: params });
            s.ingressClass("nginx", "k8s.io/ingress-nginx");
            s.ingress("apps", { ns: "istio-system", backends: [{ service: "shop" }] });
            s.ingress("mesh", {
                ns: "istio-system",
                className: "nginx",
                backends: [{ service: "istio-ingressgateway" }],
            });
            s.ingress("typo", {
                ns: "istio-system",
                className: "auto-nlb",
                backends: [{ service: "istio-ingressgateway" }],
            });
            await passes(s);
        });
    });

    describe("a Service that is the gateway by its pods, whatever its name", () => {
        const albTo = (s: StackBuilder, service: string, ns: string) =>
            s.ingress("web", { ns, className: "alb", backends: [{ service }] });

        it("rejects a Service whose selector picks a Deployment's istio=ingressgateway pods", async () => {
            const s = stack();
            s.workload("edge-gw", { ns: "edge", podLabels: { app: "edge", istio: "ingressgateway" } });
            s.service("edge", { ns: "edge", selector: { app: "edge" } });
            albTo(s, "edge", "edge");
            await rejects(
                s,
                "web",
                'Istio gateway: selector app=edge picks the pods of kubernetes:apps/v1:Deployment "edge-gw" (pod template label istio=ingressgateway)',
            );
        });

        it("rejects a Service selecting pods of Istio's gateway injection template (inject.istio.io/templates: gateway)", async () => {
            const s = stack();
            s.workload("public", {
                ns: "ingress",
                podLabels: { app: "public", "sidecar.istio.io/inject": "true" },
                podAnnotations: { "inject.istio.io/templates": "gateway" },
                containers: [{ name: "istio-proxy", image: "auto" }],
            });
            s.service("public", { ns: "ingress", selector: { app: "public" } });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("tg");
            s.listener("l", alb, [tg]);
            s.tgb("b", tg, "public", { ns: "ingress" });
            await rejects(s, "web-alb", "inject.istio.io/templates: gateway");
        });

        it("rejects a Service selecting a DaemonSet whose istio-proxy container runs `proxy router` (Gateway API route)", async () => {
            const s = stack();
            s.workload("gw", {
                kind: "DaemonSet",
                ns: "mesh",
                podLabels: { role: "front" },
                containers: [
                    { name: "istio-proxy", image: "proxyv2", args: ["proxy", "router", "--domain", "x"] },
                ],
            });
            s.service("front", { ns: "mesh", selector: { role: "front" } });
            s.gatewayClass("aws-alb", "gateway.k8s.aws/alb");
            s.gateway("public", "aws-alb", { ns: "mesh" });
            s.route("r", { ns: "mesh", parents: [{ name: "public" }], backends: [{ name: "front" }] });
            await rejects(s, "public", `container istio-proxy runs "proxy router"`);
        });

        it("rejects a Service selecting Pods (kubectl get pods) with the gateway chart's labels", async () => {
            const s = stack();
            s.workload("edge-7d9f", { kind: "Pod", ns: "edge", podLabels: { app: "edge", istio: "edge" } });
            s.service("public", { ns: "edge", selector: { istio: "edge" } });
            albTo(s, "public", "edge");
            await rejects(s, "web", 'kubernetes:core/v1:Pod "edge-7d9f"');
        });

        it("rejects a Service selecting a Deployment rendered by Istio's gateway chart", async () => {
            const s = stack();
            const chart = s.helmChart("gw", { releaseName: "edge" });
            s.workload("edge", { ns: "istio-ingress", parent: chart, podLabels: { tier: "front" } });
            s.service("front", { ns: "istio-ingress", selector: { tier: "front" } });
            albTo(s, "front", "istio-ingress");
            await rejects(s, "web", 'rendered by Istio gateway chart kubernetes:helm.sh/v4:Chart "gw"');
        });

        it("rejects at preview when the selector is the gateway Deployment's unknown output", async () => {
            const s = stack({ preview: true });
            const gw = s.workload("edge-gw", {
                ns: "edge",
                podLabels: { app: "edge", istio: "ingressgateway" },
            });
            const svc = s.service("edge", { ns: "edge", propDeps: { spec: [gw] } });
            s.props(svc).spec.selector = UNKNOWN;
            albTo(s, "edge", "edge");
            await rejects(s, "web", "selector (unknown at preview)");
        });

        it("passes Services picking sidecar-injected app pods, another namespace's gateway, or a label the gateway lacks", async () => {
            const s = stack();
            s.workload("shop", {
                kind: "Pod",
                ns: "apps",
                podLabels: {
                    app: "shop",
                    "app.kubernetes.io/name": "shop",
                    "security.istio.io/tlsMode": "istio",
                    "service.istio.io/canonical-name": "shop",
                },
                podAnnotations: { "inject.istio.io/templates": "sidecar" },
                containers: [
                    { name: "shop", image: "shop:1" },
                    { name: "istio-proxy", image: "proxyv2", args: ["proxy", "sidecar", "--domain", "x"] },
                ],
            });
            s.workload("istiod", { ns: "istio-system", podLabels: { app: "istiod", istio: "pilot" } });
            s.workload("edge-gw", { ns: "edge", podLabels: { app: "edge", istio: "ingressgateway" } });
            s.service("shop", { ns: "apps", selector: { app: "shop" } });
            s.service("pilot", { ns: "istio-system", selector: { app: "istiod" } });
            s.service("edge", { ns: "apps", selector: { app: "edge" } });
            s.service("edge-canary", { ns: "edge", selector: { app: "edge", track: "canary" } });
            s.ingress("web", {
                ns: "apps",
                className: "alb",
                backends: [{ service: "shop" }, { service: "edge" }],
            });
            s.ingress("sys", { ns: "istio-system", className: "alb", backends: [{ service: "pilot" }] });
            s.ingress("canary", { ns: "edge", className: "alb", backends: [{ service: "edge-canary" }] });
            await passes(s);
        });
    });

    describe("ExternalName Services pointing at the gateway", () => {
        for (const host of [
            "istio-ingressgateway.istio-system.svc.cluster.local",
            "istio-ingressgateway.istio-system.svc",
            "istio-ingressgateway.istio-system",
            "Istio-IngressGateway.istio-system.svc.cluster.local.",
        ]) {
            it(`rejects an ALB Ingress to an ExternalName Service of ${host}`, async () => {
                const s = stack();
                s.gatewayService();
                s.service("mesh", { ns: "apps", externalName: host });
                s.ingress("web", { ns: "apps", className: "alb", backends: [{ service: "mesh" }] });
                const v = await rejects(s, "web", `ExternalName ${host}`);
                const lines = v.message.split("\n");
                const i = lines.findIndex((l) => l.includes('kubernetes:core/v1:Service "mesh"'));
                assert.match(lines[i + 1], /-> kubernetes:core\/v1:Service "istio-ingressgateway"/);
            });
        }

        it("follows an ExternalName to an ExternalName to the gateway (TargetGroupBinding path)", async () => {
            const s = stack();
            s.gatewayService();
            s.service("hop2", {
                ns: "b",
                externalName: "istio-ingressgateway.istio-system.svc.cluster.local",
            });
            s.service("hop1", { ns: "a", externalName: "hop2.b.svc" });
            const alb = s.alb("web-alb");
            const tg = s.targetGroup("tg");
            s.listener("l", alb, [tg]);
            s.tgb("b", tg, "hop1", { ns: "a" });
            const v = await rejects(s, "web-alb", '"hop1"', '"hop2"', '"istio-ingressgateway"');
            assert.ok(v.message.indexOf('"hop1"') < v.message.indexOf('"hop2"'), v.message);
        });

        it("rejects at preview when externalName is unknown and the Service depends on the gateway Service", async () => {
            const s = stack({ preview: true });
            const gw = s.gatewayService();
            s.service("mesh", { ns: "apps", externalName: UNKNOWN, propDeps: { spec: [gw] } });
            s.ingress("web", { ns: "apps", className: "alb", backends: [{ service: "mesh" }] });
            await rejects(s, "web", "ExternalName <unknown at preview>");
        });

        it("passes ExternalNames to outside hosts, to ordinary Services, and a loop", async () => {
            const s = stack();
            s.gatewayService();
            s.service("shop", { ns: "apps" });
            s.service("ext", { ns: "apps", externalName: "istio-ingressgateway.example.com" });
            s.service("local", { ns: "apps", externalName: "shop.apps.svc.cluster.local" });
            s.service("other-ns", { ns: "apps", externalName: "istio-ingressgateway.apps.svc" });
            s.service("istio-ingressgateway", { ns: "apps", selector: { app: "legacy-router" } });
            s.service("loop-a", { ns: "apps", externalName: "loop-b.apps" });
            s.service("loop-b", { ns: "apps", externalName: "loop-a.apps" });
            s.ingress("web", {
                ns: "apps",
                className: "alb",
                backends: ["ext", "local", "other-ns", "loop-a"].map((service) => ({ service })),
            });
            await passes(s);
        });
    });

    describe("forward action annotations, read as the controller reads them", () => {
        const action = (json: unknown) => ({ "alb.ingress.kubernetes.io/actions.fwd": JSON.stringify(json) });
        const ingressWith = (
            s: StackBuilder,
            annotations: Record<string, string>,
            o: { propDeps?: any } = {},
        ) =>
            s.ingress("web", {
                ns: "istio-system",
                className: "alb",
                annotations,
                backends: [{ service: "fwd", port: "use-annotation" }],
                ...o,
            });
        const tgArn =
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/mesh-tg/0123456789abcdef";

        for (const [label, json] of [
            [
                "ForwardConfig/TargetGroups/ServiceName",
                {
                    Type: "forward",
                    ForwardConfig: {
                        TargetGroups: [{ ServiceName: "istio-ingressgateway", ServicePort: "80" }],
                    },
                },
            ],
            [
                "forwardconfig/TARGETGROUPS/serviceNAME",
                {
                    type: "forward",
                    forwardconfig: { TARGETGROUPS: [{ serviceNAME: "istio-ingressgateway" }] },
                },
            ],
        ] as const) {
            it(`rejects field names in any case: ${label}`, async () => {
                const s = stack();
                s.gatewayService();
                ingressWith(s, action(json));
                await rejects(s, "web", "forward action in annotation alb.ingress.kubernetes.io/actions.fwd");
            });
        }

        it("rejects a forward to a target group by ARN that a TargetGroupBinding binds to the gateway", async () => {
            const s = stack();
            s.gatewayService();
            s.k8s(
                "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
                "mesh-tgb",
                { serviceRef: { name: "istio-ingressgateway", port: 80 }, targetGroupARN: tgArn },
                { ns: "istio-system" },
            );
            ingressWith(
                s,
                action({ type: "forward", forwardConfig: { targetGroups: [{ targetGroupARN: tgArn }] } }),
            );
            await rejects(s, "web", `target group ${tgArn}`, 'TargetGroupBinding "mesh-tgb"');
        });

        it("rejects a forward by target group name, matched to the binding's ARN or the stack's target group", async () => {
            for (const viaStackTg of [false, true]) {
                const s = stack();
                s.gatewayService();
                if (viaStackTg) {
                    const tg = s.targetGroup("mesh", { name: "mesh-tg" });
                    s.tgb("mesh-tgb", tg, "istio-ingressgateway", { ns: "istio-system" });
                } else {
                    s.k8s(
                        "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
                        "mesh-tgb",
                        { serviceRef: { name: "istio-ingressgateway", port: 80 }, targetGroupARN: tgArn },
                        { ns: "istio-system" },
                    );
                }
                ingressWith(
                    s,
                    action({
                        Type: "forward",
                        TargetGroupArn: undefined,
                        ForwardConfig: { TargetGroups: [{ TargetGroupName: "mesh-tg" }] },
                    }),
                );
                await rejects(s, "web", "target group mesh-tg", '"mesh-tgb"');
            }
        });

        it("rejects the top-level targetGroupARN form matched to a deployed target group's arn output", async () => {
            const s = stack();
            s.gatewayService();
            const tg = s.targetGroup("mesh");
            s.props(tg).arn = tgArn;
            s.tgb("mesh-tgb", tg, "istio-ingressgateway", { ns: "istio-system" });
            ingressWith(s, action({ type: "forward", targetGroupARN: tgArn }));
            await rejects(s, "web", 'aws:lb/targetGroup:TargetGroup "mesh"');
        });

        it("rejects as MANDATORY at preview when the annotation is built from the target group's unknown ARN", async () => {
            const s = stack({ preview: true });
            s.gatewayService();
            const tg = s.targetGroup("mesh");
            s.tgb("mesh-tgb", tg, "istio-ingressgateway", { ns: "istio-system" });
            const ing = ingressWith(s, {}, { propDeps: { metadata: [tg] } });
            s.props(ing).metadata.annotations = { "alb.ingress.kubernetes.io/actions.fwd": UNKNOWN };
            await rejects(s, "web", 'the Ingress depends on aws:lb/targetGroup:TargetGroup "mesh"');
        });

        it("passes target groups bound to apps or not bound, unknown fields, and conditions annotations", async () => {
            const s = stack();
            s.gatewayService();
            s.service("shop", { ns: "apps" });
            const appArn = tgArn.replace("mesh-tg", "shop-tg");
            s.k8s(
                "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
                "shop-tgb",
                { serviceRef: { name: "shop", port: 80 }, targetGroupARN: appArn },
                { ns: "apps" },
            );
            ingressWith(s, {
                ...action({
                    type: "forward",
                    forwardConfig: {
                        targetGroups: [
                            { targetGroupARN: appArn },
                            { targetGroupARN: tgArn },
                            { targetGroupName: "nope" },
                        ],
                    },
                    forwardConfigs: { targetGroups: [{ serviceName: "istio-ingressgateway" }] },
                }),
                "alb.ingress.kubernetes.io/conditions.fwd": JSON.stringify([
                    {
                        field: "host-header",
                        hostHeaderConfig: { values: ["istio-ingressgateway.istio-system"] },
                    },
                ]),
            });
            await passes(s);
        });
    });

    describe("Gateway API: Layer-4 routes on an ALB Gateway", () => {
        for (const kind of ["TLSRoute", "TCPRoute"] as const) {
            it(`rejects a ${kind} from an ALB Gateway to the gateway as the error it is`, async () => {
                const s = stack();
                s.gatewayService();
                s.gatewayClass("aws-alb", "gateway.k8s.aws/alb");
                s.gateway("public", "aws-alb", { ns: "edge" });
                s.route("passthrough", {
                    ns: "edge",
                    kind,
                    version: "v1alpha2",
                    parents: [{ name: "public" }],
                    backends: [{ name: "istio-ingressgateway", namespace: "istio-system" }],
                });
                const v = await rejects(
                    s,
                    "public",
                    `${kind} "edge/passthrough" on ALB Gateway "edge/public": not possible`,
                    `gateway.networking.k8s.io/v1alpha2:${kind} "passthrough"`,
                );
                assert.ok(v.message.indexOf("not possible") < v.message.indexOf("hop by hop"), v.message);
            });
        }

        it("passes a TLSRoute on an NLB Gateway (gateway.k8s.aws/nlb) to the gateway, and on an ALB to apps", async () => {
            const s = stack();
            s.gatewayService();
            s.gatewayClass("aws-nlb", "gateway.k8s.aws/nlb");
            s.gateway("l4", "aws-nlb", { ns: "edge" });
            s.route("passthrough", {
                ns: "edge",
                kind: "TLSRoute",
                version: "v1alpha2",
                parents: [{ name: "l4" }],
                backends: [{ name: "istio-ingressgateway", namespace: "istio-system" }],
            });
            s.gatewayClass("aws-alb", "gateway.k8s.aws/alb");
            s.gateway("public", "aws-alb", { ns: "edge" });
            s.route("tcp-app", {
                ns: "edge",
                kind: "TCPRoute",
                version: "v1alpha2",
                parents: [{ name: "public" }],
                backends: [{ name: "db" }],
            });
            await passes(s);
        });
    });
});
