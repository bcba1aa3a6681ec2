// The platform (index.ts) in each mode, recorded once per mode: `ingressApi: gatewayApi`,
// `dataplaneMode: ambient`, both with a waypoint, and the defaults (implicit and explicit) that must
// leave today's program unchanged. Ordering is read from the dependencies the engine records.
import { strict as assert } from "assert";
import { parse } from "yaml";
import { evaluateStack, resolveResources } from "../../policies/lib/evaluate";
import { analyze } from "../../policies/lib/graph";
import { readGatewayConfig } from "../../policies/lib/config";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";
import { DECLARED_SCHEMA } from "../../components/config";
import { query, RecordedResource, recordStack, RecordResult, toStackExport } from "../harness/pulumiMocks";
import { albInFront } from "../harness/albInFront";
import { PROD_DECISIONS } from "../harness/decisions";
import { trafficPath } from "../../tools/plan/model";
import { mermaid, pathLines } from "../../tools/plan/render";
import { assertReadmeMermaid } from "../docs/readmeBlock";
import { podSecurityLabels } from "../../components/podSecurity";

const T = {
    chart: "kubernetes:helm.sh/v4:Chart",
    crds: "kubernetes:yaml/v2:ConfigFile",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    tgb: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    ns: "kubernetes:core/v1:Namespace",
    deployment: "kubernetes:apps/v1:Deployment",
    istioGateway: "kubernetes:networking.istio.io/v1:Gateway",
    virtualService: "kubernetes:networking.istio.io/v1:VirtualService",
};

const chart = (rs: RecordedResource[], name: string): RecordedResource => {
    const found = rs.filter((r) => r.type === T.chart && r.inputs.chart === name);
    assert.equal(found.length, 1, `expected one ${name} chart, found ${found.length}`);
    return found[0];
};
const charts = (rs: RecordedResource[]) => query.ofType(rs, T.chart).map((c) => c.inputs.chart);
const ingressGateway = (rs: RecordedResource[]) =>
    query.ofType(rs, T.gateway).find((g) => g.inputs.spec.gatewayClassName === "istio")!;
const dependsOn = (r: RecordedResource, on: RecordedResource) => r.dependencies!.includes(on.urn);
const sampleNs = (rs: RecordedResource[]) =>
    query.ofType(rs, T.ns).find((n) => n.inputs.metadata.name === "sample")!;

describe("platform modes (dev stack)", function () {
    this.timeout(60000);
    let gatewayApi: RecordResult<Record<string, unknown>>;
    let ambient: RecordResult<Record<string, unknown>>;
    let waypoint: RecordResult<Record<string, unknown>>;
    let both: RecordResult<Record<string, unknown>>;
    let implicit: RecordResult<Record<string, unknown>>;
    let explicit: RecordResult<Record<string, unknown>>;
    let prod: RecordResult<Record<string, unknown>>;
    before(async () => {
        gatewayApi = await recordStack("dev", { overrides: { ingressApi: "gatewayApi" } });
        ambient = await recordStack("dev", { overrides: { dataplaneMode: "ambient" } });
        waypoint = await recordStack("dev", {
            overrides: { dataplaneMode: "ambient", ambientWaypoint: true },
        });
        both = await recordStack("dev", {
            overrides: { ingressApi: "gatewayApi", dataplaneMode: "ambient", ambientWaypoint: true },
            extend: albInFront,
        });
        implicit = await recordStack("dev");
        const defaults: Record<string, unknown> = {};
        for (const k of ["ingressApi", "dataplaneMode", "ambientWaypoint", "gatewayApiVersion"])
            defaults[k] = DECLARED_SCHEMA[k].default;
        explicit = await recordStack("dev", { overrides: defaults });
        prod = await recordStack("prod", {
            preview: true,
            overrides: { ...PROD_DECISIONS, ingressApi: "gatewayApi", dataplaneMode: "ambient" },
        });
    });

    describe("defaults", () => {
        it("are istio + sidecar, and setting them explicitly records exactly the same stack", () => {
            assert.equal(DECLARED_SCHEMA.ingressApi.default, "istio");
            assert.equal(DECLARED_SCHEMA.dataplaneMode.default, "sidecar");
            assert.equal(DECLARED_SCHEMA.ambientWaypoint.default, false);
            assert.deepEqual(toStackExport(explicit.resources), toStackExport(implicit.resources));
            assert.deepEqual(explicit.outputs, implicit.outputs);
        });

        it("install no mode piece: no CRD manifest, no Gateway API object, no ztunnel; the gateway chart and the sidecar istio-cni", () => {
            const rs = implicit.resources;
            assert.equal(query.ofType(rs, T.crds).length, 0);
            assert.equal(query.ofType(rs, T.gateway).length + query.ofType(rs, T.route).length, 0);
            assert.deepEqual(charts(rs).sort(), [
                "aws-load-balancer-controller",
                "base",
                "cni",
                "gateway",
                "istiod",
                "metrics-server",
                "oci://public.ecr.aws/karpenter/karpenter",
            ]);
            assert.equal(chart(rs, "istiod").inputs.values.profile, undefined);
            assert.equal(sampleNs(rs).inputs.metadata.labels["istio-injection"], "enabled");
            assert.ok(
                !("ambient" in trafficPath(rs as any)),
                "the plan's path has no ambient hop with sidecars",
            );
        });
    });

    describe("ingressApi: gatewayApi", () => {
        it("installs the pinned Gateway API CRDs before istiod, and no gateway chart", () => {
            const rs = gatewayApi.resources;
            const crds = query.one(rs, T.crds);
            assert.match(crds.inputs.file, /\/v1\.3\.0\/standard-install\.yaml$/);
            assert.ok(dependsOn(chart(rs, "istiod"), crds), "istiod after the CRDs");
            assert.deepEqual(charts(rs).sort(), [
                "aws-load-balancer-controller",
                "base",
                "cni",
                "istiod",
                "metrics-server",
                "oci://public.ecr.aws/karpenter/karpenter",
            ]);
        });

        it("the Gateway (class istio, gateway namespace) comes after istiod, the CRDs and the LBC webhook", () => {
            const rs = gatewayApi.resources;
            const gw = ingressGateway(rs);
            assert.equal(gw.inputs.metadata.namespace, "istio-ingress");
            assert.equal(gw.inputs.metadata.name, "istio-ingressgateway");
            assert.equal(gw.inputs.metadata.annotations["networking.istio.io/service-type"], "ClusterIP");
            for (const on of [
                chart(rs, "istiod"),
                query.one(rs, T.crds),
                chart(rs, "aws-load-balancer-controller"),
            ])
                assert.ok(dependsOn(gw, on), `Gateway after ${on.name}`);
            const gwNs = query.ofType(rs, T.ns).find((n) => n.inputs.metadata.name === "istio-ingress")!;
            assert.ok(
                gw.dependencies!.includes(gwNs.urn) || gw.propertyDependencies!.metadata?.includes(gwNs.urn),
            );
        });

        it("TargetGroupBindings point at <gateway name>-istio, after the Gateway is Programmed", () => {
            const rs = gatewayApi.resources;
            const gw = ingressGateway(rs);
            const tgbs = query.ofType(rs, T.tgb);
            assert.equal(tgbs.length, 2);
            for (const b of tgbs) {
                assert.equal(b.inputs.spec.serviceRef.name, "istio-ingressgateway-istio");
                assert.equal(b.inputs.metadata.namespace, "istio-ingress");
                assert.ok(dependsOn(b, gw));
                assert.ok(dependsOn(b, chart(rs, "aws-load-balancer-controller")));
            }
            assert.equal(gatewayApi.outputs.gatewayServiceName, "istio-ingressgateway-istio");
        });

        it("the sample app is routed by an HTTPRoute on the Gateway, not by Istio Gateway/VirtualService", () => {
            const rs = gatewayApi.resources;
            const route = query.one(rs, T.route);
            assert.deepEqual(route.inputs.spec.parentRefs, [
                { name: "istio-ingressgateway", namespace: "istio-ingress", sectionName: "http" },
            ]);
            assert.ok(dependsOn(route, ingressGateway(rs)));
            assert.equal(
                query.ofType(rs, T.istioGateway).length + query.ofType(rs, T.virtualService).length,
                0,
            );
            assert.equal(
                sampleNs(rs).inputs.metadata.labels["istio-injection"],
                "enabled",
                "sidecar data plane",
            );
        });

        it("the policy pack recognises the generated Service as the Istio gateway, and the stack passes", async () => {
            const rs = gatewayApi.resources;
            const a = analyze(resolveResources(rs), readGatewayConfig(undefined));
            const t = a.targets.find((x) => x.key === "istio-ingress/istio-ingressgateway-istio");
            assert.equal(t?.source, "istioGateway");
            const vs = await evaluateStack(rs);
            assert.deepEqual(
                vs.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.message),
                [],
            );
        });

        it("npm run plan draws it: NLB -> bindings -> the generated Service -> the HTTPRoute", () => {
            const lines = pathLines(trafficPath(gatewayApi.resources as any));
            assert.ok(
                lines.includes(
                    "  -> Istio gateway Service istio-ingress/istio-ingressgateway-istio [L7] (generated by Istio for Gateway API Gateway istio-ingress/istio-ingressgateway, class istio)",
                ),
                lines.join("\n"),
            );
            assert.ok(
                lines.includes("     -> HTTPRoute sample/hello (listener http: * -> hello:80)"),
                lines.join("\n"),
            );
        });

        it("docs/modes.md's Gateway API diagram is the plan's mermaid for dev with ingressApi gatewayApi", () => {
            assertReadmeMermaid(
                "plan:dev-gatewayApi:mermaid",
                mermaid(trafficPath(gatewayApi.resources as any)),
                "npm run --silent plan -- --stack dev --config ingressApi=gatewayApi --format mermaid",
            );
        });
    });

    describe("dataplaneMode: ambient", () => {
        it("istiod (ambient profile, trusting ztunnel in kube-system) -> istio-cni -> ztunnel, same version", () => {
            const rs = ambient.resources;
            const [istiod, cni, ztunnel] = ["istiod", "cni", "ztunnel"].map((c) => chart(rs, c));
            assert.equal(istiod.inputs.values.profile, "ambient");
            assert.equal(istiod.inputs.values.trustedZtunnelNamespace, "kube-system");
            assert.equal(istiod.inputs.values.cni.enabled, true, "sidecar values kept");
            assert.ok(istiod.inputs.values.meshConfig.extensionProviders, "sidecar values kept");
            assert.equal(cni.inputs.values.profile, "ambient");
            assert.ok(dependsOn(istiod, chart(rs, "base")));
            assert.ok(dependsOn(cni, istiod));
            assert.ok(dependsOn(ztunnel, cni));
            for (const c of [cni, ztunnel]) assert.equal(c.inputs.version, istiod.inputs.version);
        });

        it("the gateway stays the Envoy gateway chart behind the NLB; its namespace is not enrolled", () => {
            const rs = ambient.resources;
            const gw = chart(rs, "gateway");
            for (const b of query.ofType(rs, T.tgb))
                assert.equal(b.inputs.spec.serviceRef.name, gw.inputs.name);
            const gwNs = query.ofType(rs, T.ns).find((n) => n.inputs.metadata.name === "istio-ingress")!;
            assert.equal(gwNs.inputs.metadata.labels["istio.io/dataplane-mode"], undefined);
            assert.equal(query.ofType(rs, T.crds).length, 0, "no Gateway API CRDs without a waypoint");
        });

        it("the sample namespace is enrolled (no injection label) and its pods wait for ztunnel; mTLS STRICT", () => {
            const rs = ambient.resources;
            assert.deepEqual(sampleNs(rs).inputs.metadata.labels, {
                "istio.io/dataplane-mode": "ambient",
                ...podSecurityLabels(),
            });
            assert.ok(dependsOn(query.one(rs, T.deployment), chart(rs, "ztunnel")));
            const pa = query.one(rs, "kubernetes:security.istio.io/v1:PeerAuthentication");
            assert.equal(pa.inputs.spec.mtls.mode, "STRICT");
        });

        it("npm run plan draws the gateway's HBONE hop to the sample's ztunnel (text, json, mermaid)", () => {
            const path = trafficPath(ambient.resources as any);
            assert.deepEqual(path.ambient, [
                {
                    route: { kind: "VirtualService", name: "sample/hello" },
                    service: "sample/hello:80",
                    enrolment: "Namespace sample istio.io/dataplane-mode=ambient",
                    ztunnel: "Helm chart ztunnel 1.27.3 (istio-eks-nlb-ambient-ztunnel)",
                },
            ]);
            const lines = pathLines(path);
            const vs = lines.indexOf(
                "        -> VirtualService sample/hello: * -> hello.sample.svc.cluster.local:80",
            );
            assert.deepEqual(lines.slice(vs + 1, vs + 3), [
                "           -> HBONE:15008 to ztunnel of the pod's node [L4] (Helm chart ztunnel 1.27.3 (istio-eks-nlb-ambient-ztunnel))",
                "              -> pods of Service sample/hello:80 (no sidecar: Namespace sample istio.io/dataplane-mode=ambient)",
            ]);
            const chart = mermaid(path);
            assert.ok(chart.includes('    vs1 -->|"HBONE :15008"| amb0_zt\n'), chart);
            assert.ok(chart.includes("    amb0_zt --> amb0_pods\n"), chart);
            assert.ok(!chart.includes("amb0_wp"), "no waypoint without ambientWaypoint");
        });
    });

    describe("gatewayApi + ambient + waypoint", () => {
        const platform = () => both.resources.filter((r) => !r.name.startsWith("front-"));

        it("CRDs before istiod; cni and ztunnel after it; the ingress Gateway and the sample waypoint", () => {
            const rs = platform();
            const crds = query.one(rs, T.crds);
            assert.ok(dependsOn(chart(rs, "istiod"), crds));
            assert.ok(dependsOn(chart(rs, "ztunnel"), chart(rs, "cni")));
            const waypoint = query
                .ofType(rs, T.gateway)
                .find((g) => g.inputs.spec.gatewayClassName === "istio-waypoint")!;
            assert.equal(waypoint.inputs.metadata.namespace, "sample");
            assert.ok(dependsOn(waypoint, chart(rs, "ztunnel")));
            assert.deepEqual(sampleNs(rs).inputs.metadata.labels, {
                "istio.io/dataplane-mode": "ambient",
                "istio.io/use-waypoint": "waypoint",
                "istio.io/ingress-use-waypoint": "true",
                ...podSecurityLabels(),
            });
            for (const b of query.ofType(rs, T.tgb))
                assert.equal(b.inputs.spec.serviceRef.name, "istio-ingressgateway-istio");
            assert.equal(
                query.one(rs, T.route).inputs.spec.parentRefs[0].name,
                ingressGateway(rs).inputs.metadata.name,
            );
        });

        it("npm run plan draws the HTTPRoute's backend through the waypoint, then ztunnel (text, json, mermaid)", () => {
            const path = trafficPath(platform() as any);
            assert.deepEqual(path.ambient, [
                {
                    route: { kind: "HTTPRoute", name: "sample/hello" },
                    service: "sample/hello:80",
                    enrolment: "Namespace sample istio.io/dataplane-mode=ambient",
                    ztunnel: "Helm chart ztunnel 1.27.3 (istio-eks-nlb-ambient-ztunnel)",
                    waypoint: {
                        name: "sample/waypoint",
                        source: "Gateway API Gateway, class istio-waypoint, HBONE:15008",
                        labels: "Namespace sample istio.io/use-waypoint=waypoint, Namespace sample istio.io/ingress-use-waypoint=true",
                        ingress: true,
                    },
                },
            ]);
            const lines = pathLines(path);
            const route = lines.indexOf("     -> HTTPRoute sample/hello (listener http: * -> hello:80)");
            assert.deepEqual(lines.slice(route + 1, route + 4), [
                "        -> HBONE to waypoint sample/waypoint [L7] (Gateway API Gateway, class istio-waypoint, HBONE:15008; Namespace sample istio.io/use-waypoint=waypoint, Namespace sample istio.io/ingress-use-waypoint=true)",
                "           -> HBONE:15008 to ztunnel of the pod's node [L4] (Helm chart ztunnel 1.27.3 (istio-eks-nlb-ambient-ztunnel))",
                "              -> pods of Service sample/hello:80 (no sidecar: Namespace sample istio.io/dataplane-mode=ambient)",
            ]);
            const chart = mermaid(path);
            for (const e of [
                '    hr0 -->|"HBONE"| amb0_wp\n',
                '    amb0_wp -->|"HBONE :15008"| amb0_zt\n',
                "    amb0_zt --> amb0_pods\n",
            ])
                assert.ok(chart.includes(e), `${e}in\n${chart}`);
        });

        it("an ALB put in front of the generated gateway Service is rejected by the pack", async () => {
            const vs = (await evaluateStack(both.resources)).filter(
                (v) => v.policyName === NO_ALB_POLICY_NAME && v.enforcementLevel === "mandatory",
            );
            assert.equal(vs.length, 1, vs.map((v) => v.message).join("\n---\n"));
            assert.ok(vs[0].message.includes("istio-ingress/istio-ingressgateway-istio"), vs[0].message);
            const clean = await evaluateStack(platform());
            assert.equal(clean.filter((v) => v.enforcementLevel === "mandatory").length, 0);
        });
    });

    describe("ambient + waypoint (Istio API)", () => {
        it("npm run plan draws the VirtualService's backend through the waypoint, then ztunnel (text, json, mermaid)", () => {
            const path = trafficPath(waypoint.resources as any);
            assert.deepEqual(
                path.ambient?.map((a) => [a.route.name, a.service, a.waypoint?.name, a.waypoint?.ingress]),
                [["sample/hello", "sample/hello:80", "sample/waypoint", true]],
            );
            const lines = pathLines(path);
            const vs = lines.indexOf(
                "        -> VirtualService sample/hello: * -> hello.sample.svc.cluster.local:80",
            );
            assert.deepEqual(lines.slice(vs + 1, vs + 4), [
                "           -> HBONE to waypoint sample/waypoint [L7] (Gateway API Gateway, class istio-waypoint, HBONE:15008; Namespace sample istio.io/use-waypoint=waypoint, Namespace sample istio.io/ingress-use-waypoint=true)",
                "              -> HBONE:15008 to ztunnel of the pod's node [L4] (Helm chart ztunnel 1.27.3 (istio-eks-nlb-ambient-ztunnel))",
                "                 -> pods of Service sample/hello:80 (no sidecar: Namespace sample istio.io/dataplane-mode=ambient)",
            ]);
            const chart = mermaid(path);
            assert.ok(chart.includes('    vs1 -->|"HBONE"| amb0_wp\n'), chart);
            assert.ok(chart.includes('    amb0_wp -->|"HBONE :15008"| amb0_zt\n'), chart);
        });
    });

    describe("prod (preview) with gatewayApi + ambient", () => {
        it("the generated gateway gets prod's HPA, PDB and zone spread; bindings on <gateway>-istio; the pack passes", async () => {
            const rs = prod.resources;
            const cm = query.one(rs, "kubernetes:core/v1:ConfigMap");
            const hpa = parse(cm.inputs.data.horizontalPodAutoscaler).spec;
            assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [3, 9]);
            assert.ok(parse(cm.inputs.data.podDisruptionBudget).spec, "a PDB over 3+ replicas");
            const spread = parse(cm.inputs.data.deployment).spec.template.spec.topologySpreadConstraints;
            assert.ok(spread.some((t: any) => t.topologyKey === "topology.kubernetes.io/zone"));
            for (const b of query.ofType(rs, T.tgb))
                assert.equal(b.inputs.spec.serviceRef.name, "istio-ingressgateway-istio");
            assert.deepEqual(
                charts(rs)
                    .filter((c) => ["cni", "ztunnel"].includes(c))
                    .sort(),
                ["cni", "ztunnel"],
            );
            const vs = await evaluateStack(rs);
            assert.deepEqual(
                vs
                    .filter((v) => v.enforcementLevel === "mandatory" || v.message.startsWith("can't run"))
                    .map((v) => v.message),
                [],
            );
        });
    });
});
