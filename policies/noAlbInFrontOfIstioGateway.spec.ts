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
});
