// The plan's traffic path on hand-built stacks (no recording): it follows the same links as the
// pack, so what the pack flags is on the path the plan draws.
import { strict as assert } from "assert";
import { evaluateStack } from "../../policies/lib/evaluate";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";
import { PlanResource, TrafficPath, trafficPath } from "../../tools/plan/model";
import { mermaid, pathLines } from "../../tools/plan/render";
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

describe("plan model: ambient hops", () => {
    const ns = (s: ReturnType<typeof stack>, name: string, labels: Record<string, string>) =>
        s.k8s("kubernetes:core/v1:Namespace", name, undefined, { labels });
    const vs = (s: ReturnType<typeof stack>, name: string, namespace: string, hosts: string[]) =>
        s.k8s(
            "kubernetes:networking.istio.io/v1:VirtualService",
            name,
            {
                hosts: ["*"],
                gateways: ["istio-system/web"],
                http: [{ route: hosts.map((host) => ({ destination: { host, port: { number: 80 } } })) }],
            },
            { ns: namespace },
        );
    const plan = (s: ReturnType<typeof stack>) =>
        trafficPath(s.build().map((r) => ({ ...r, custom: true, inputs: r.props })) as PlanResource[]);

    it("follows the namespace's labels, the Service's winning; ingress skips a waypoint unless told to use it", () => {
        const s = stack();
        ns(s, "apps", { "istio.io/dataplane-mode": "ambient", "istio.io/use-waypoint": "wp" });
        ns(s, "legacy", { "istio-injection": "enabled" });
        s.service("a", { ns: "apps" });
        s.service("b", { ns: "apps", labels: { "istio.io/use-waypoint": "none" } });
        s.service("c", { ns: "apps", labels: { "istio.io/ingress-use-waypoint": "true" } });
        s.service("d", { ns: "legacy" });
        s.gateway("wp", "istio-waypoint", { ns: "apps" });
        vs(s, "web", "apps", ["a.apps.svc.cluster.local", "b", "c.apps", "d.legacy.svc.cluster.local"]);
        const hops = plan(s).ambient ?? [];
        assert.deepEqual(
            hops.map((h) => [h.service, h.waypoint?.labels, h.waypoint?.ingress]),
            [
                ["apps/a:80", "Namespace apps istio.io/use-waypoint=wp", false],
                ["apps/b:80", undefined, undefined],
                [
                    "apps/c:80",
                    "Namespace apps istio.io/use-waypoint=wp, Service apps/c istio.io/ingress-use-waypoint=true",
                    true,
                ],
            ],
        );
        assert.equal(hops[0].ztunnel, "not declared in this stack");
        assert.equal(hops[0].waypoint?.source, "Gateway API Gateway, class istio-waypoint");
    });

    it("the text path says when ingress goes past a namespace's waypoint straight to ztunnel", () => {
        const path: TrafficPath = {
            loadBalancers: [],
            gateways: [{ service: "istio-system/gw", source: "Service gw", labels: {} }],
            routes: [
                { kind: "Gateway", name: "istio-system/web", detail: "HTTP:80 *", from: "istio-system/gw" },
                { kind: "VirtualService", name: "apps/web", detail: "* -> a:80", from: "istio-system/web" },
            ],
            ambient: [
                {
                    route: { kind: "VirtualService", name: "apps/web" },
                    service: "apps/a:80",
                    enrolment: "Namespace apps istio.io/dataplane-mode=ambient",
                    ztunnel: "not declared in this stack",
                    waypoint: {
                        name: "apps/wp",
                        source: "Gateway API Gateway, class istio-waypoint",
                        labels: "Namespace apps istio.io/use-waypoint=wp",
                        ingress: false,
                    },
                },
            ],
        };
        const lines = pathLines(path);
        const at = lines.indexOf("        -> VirtualService apps/web: * -> a:80");
        assert.deepEqual(lines.slice(at + 1), [
            "           (not through waypoint apps/wp: Namespace apps istio.io/use-waypoint=wp, ingress uses it only with istio.io/ingress-use-waypoint=true)",
            "           -> HBONE:15008 to ztunnel of the pod's node [L4] (not declared in this stack)",
            "              -> pods of Service apps/a:80 (no sidecar: Namespace apps istio.io/dataplane-mode=ambient)",
        ]);
        assert.ok(!mermaid(path).includes("waypoint"), "the diagram draws only the hops traffic takes");
    });

    it("is absent when no backend's namespace is ambient (the sidecar plan is unchanged)", () => {
        const s = stack();
        ns(s, "apps", { "istio-injection": "enabled" });
        s.helmChart("ztunnel", { chart: "ztunnel", namespace: "kube-system" });
        vs(s, "web", "apps", ["a"]);
        assert.ok(!("ambient" in plan(s)));
    });
});
