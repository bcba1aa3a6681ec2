// The two modes' components under mocks, given their args directly: Gateway API ingress (CRDs, the
// Gateway of class istio, its parameters, the TLS seam) and the ambient data plane (istio-cni,
// ztunnel, namespace enrolment, the optional waypoint). The platform wiring is tested in
// platform-modes.test.ts; the config keys at the end.
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { parse } from "yaml";
import {
    GATEWAY_NAME_LABEL,
    gatewayApiCrdsUrl,
    GatewayApiCrds,
    GatewayApiIngress,
    GatewayApiIngressArgs,
    gatewayParameters,
    generatedServiceName,
    httpRouteSpec,
} from "../../components/gatewayApi";
import {
    AMBIENT_NAMESPACE,
    AmbientDataplane,
    ambientIstiodValues,
    workloadNamespaceLabels,
} from "../../components/ambient";
import { gatewayValues, ISTIO_CHART_REPO } from "../../components/istio";
import { IstioCni, NODE_AGENT_NAMESPACE } from "../../components/istioCni";
import { Mesh } from "../../components/mesh";
import { ConfigError, needsGatewayApiCrds, readSettings } from "../../components/config";
import { query, RecordedResource, recordProgram } from "../harness/pulumiMocks";
import { API_CIDRS_DECISION } from "../harness/decisions";
import { podSecurityLabels } from "../../components/podSecurity";

const GW = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const CHART = "kubernetes:helm.sh/v4:Chart";

const dev = {
    gatewayName: "istio-ingressgateway",
    gatewayReplicas: 1,
    gatewayMaxReplicas: 1,
    deregistrationDelay: 30,
    proxyProtocolV2: false,
    numTrustedProxies: 0,
};
const prod = {
    ...dev,
    gatewayReplicas: 3,
    gatewayMaxReplicas: 9,
    deregistrationDelay: 120,
    proxyProtocolV2: true,
};

function overlays(data: Record<string, string>): Record<string, any> {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, parse(v)]));
}

async function recordIngress(extra: Partial<GatewayApiIngressArgs> = {}): Promise<RecordedResource[]> {
    const { resources } = await recordProgram(() => {
        const provider = new k8s.Provider("k8s", {});
        const crds = new GatewayApiCrds("crds", { version: "1.3.0", provider });
        new GatewayApiIngress("ingress", {
            ...dev,
            namespace: "istio-ingress",
            provider,
            dependsOn: [crds],
            ...extra,
        });
    });
    return resources;
}

describe("modes: Gateway API ingress (components)", () => {
    let plain: RecordedResource[];
    let tls: RecordedResource[];
    before(async () => {
        plain = await recordIngress();
        tls = await recordIngress({ tls: { hostname: "app.example.com", secretName: "app-tls" } });
    });

    it("the CRDs are the pinned release's standard channel, as one provider-side manifest", () => {
        const file = query.one(plain, "kubernetes:yaml/v2:ConfigFile");
        assert.equal(
            file.inputs.file,
            "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml",
        );
        assert.equal(gatewayApiCrdsUrl("1.2.1").includes("/v1.2.1/standard-install.yaml"), true);
    });

    it("the Gateway is gateway.networking.k8s.io/v1, class istio, ClusterIP Service, waits for Programmed", () => {
        const gw = query.one(plain, GW);
        assert.equal(gw.inputs.metadata.name, "istio-ingressgateway");
        assert.equal(gw.inputs.metadata.namespace, "istio-ingress");
        assert.equal(gw.inputs.spec.gatewayClassName, "istio");
        assert.equal(gw.inputs.metadata.annotations["networking.istio.io/service-type"], "ClusterIP");
        assert.equal(gw.inputs.metadata.annotations["pulumi.com/waitFor"], "condition=Programmed");
        assert.deepEqual(gw.inputs.spec.listeners, [
            { name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "All" } } },
        ]);
        // dependsOn a component means on its children: the manifest.
        const crds = query.one(plain, "kubernetes:yaml/v2:ConfigFile");
        assert.ok(gw.dependencies!.includes(crds.urn), "Gateway after the CRDs");
    });

    it("the Gateway's parametersRef names the ConfigMap in its namespace, created before it", () => {
        const gw = query.one(plain, GW);
        const cm = query.one(plain, "kubernetes:core/v1:ConfigMap");
        assert.deepEqual(gw.inputs.spec.infrastructure.parametersRef, {
            group: "",
            kind: "ConfigMap",
            name: cm.inputs.metadata.name,
        });
        assert.equal(cm.inputs.metadata.namespace, gw.inputs.metadata.namespace);
        assert.ok(gw.dependencies!.includes(cm.urn));
        // Only keys istiod 1.27 accepts (any other fails the whole render).
        for (const k of Object.keys(cm.inputs.data))
            assert.ok(
                [
                    "deployment",
                    "service",
                    "serviceAccount",
                    "horizontalPodAutoscaler",
                    "podDisruptionBudget",
                ].includes(k),
                k,
            );
    });

    it("the generated Service is <gateway name>-istio", async () => {
        assert.equal(generatedServiceName("edge"), "edge-istio");
        const { outputs } = await recordProgram(() => {
            const provider = new k8s.Provider("k8s", {});
            const i = new GatewayApiIngress("ingress", { ...dev, namespace: "ns", provider, dependsOn: [] });
            return { serviceName: i.serviceName };
        });
        assert.equal(outputs.serviceName, "istio-ingressgateway-istio");
    });

    it("dev parameters: one replica, drain timing, no HPA, no PDB, 443 kept on the Service", () => {
        const o = overlays(gatewayParameters({ ...dev, httpsListener: false }));
        assert.deepEqual(Object.keys(o).sort(), ["deployment", "service"]);
        const d = o.deployment.spec;
        assert.equal(d.replicas, 1);
        assert.equal(d.template.spec.terminationGracePeriodSeconds, 45);
        const proxy = JSON.parse(d.template.metadata.annotations["proxy.istio.io/config"]);
        assert.equal(proxy.terminationDrainDuration, "30s");
        assert.equal(d.template.spec.topologySpreadConstraints, undefined);
        const [c] = d.template.spec.containers;
        assert.equal(c.name, "istio-proxy");
        assert.equal(c.env, undefined);
        assert.deepEqual(c.resources, gatewayValues(dev).resources);
        assert.deepEqual(o.service.spec.ports, [{ name: "https", port: 443, protocol: "TCP" }]);
    });

    it("prod parameters: HPA owns replicas, PDB and zone spread on the generated pods, PPv2 on the status port", () => {
        const v: any = gatewayValues(prod);
        const o = overlays(gatewayParameters({ ...prod, httpsListener: false }));
        const d = o.deployment.spec;
        assert.equal(d.replicas, undefined, "the HPA owns the replica count");
        assert.deepEqual(o.horizontalPodAutoscaler.spec, {
            minReplicas: 3,
            maxReplicas: 9,
            metrics: [
                {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                },
            ],
        });
        assert.deepEqual(o.podDisruptionBudget.spec, v.podDisruptionBudget);
        const zones = d.template.spec.topologySpreadConstraints;
        assert.equal(zones.length, v.topologySpreadConstraints.length);
        for (const t of zones)
            assert.deepEqual(t.labelSelector, {
                matchLabels: { [GATEWAY_NAME_LABEL]: "istio-ingressgateway" },
            });
        assert.deepEqual(d.template.spec.containers[0].env, [
            { name: "ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL", value: "true" },
        ]);
        const proxy = JSON.parse(d.template.metadata.annotations["proxy.istio.io/config"]);
        assert.deepEqual(proxy.gatewayTopology, { numTrustedProxies: 0, proxyProtocol: {} });
        assert.equal(d.template.spec.terminationGracePeriodSeconds, 135);
    });

    it("a hostname without TLS: the HTTP listener and the routes claim it; no redirect, 443 kept", async () => {
        const rs = await recordIngress({ hostname: "app.example.com" });
        const [http, ...rest] = query.one(rs, GW).inputs.spec.listeners;
        assert.deepEqual(
            [http.name, http.port, http.hostname, rest.length],
            ["http", 80, "app.example.com", 0],
        );
        assert.equal(query.ofType(rs, ROUTE).length, 0);
        assert.ok(query.one(rs, "kubernetes:core/v1:ConfigMap").inputs.data.service);
        const parent = { name: "gw", namespace: "ns", sectionName: "http", hostname: "app.example.com" };
        assert.deepEqual(httpRouteSpec(parent, { name: "hello", port: 80 }).hostnames, ["app.example.com"]);
    });

    it("every gateway chart value reaches the generated gateway, or is one istiod derives itself", () => {
        // A value added to gatewayValues() must be carried in gatewayParameters() too (or listed here
        // with the reason istiod covers it), or Gateway API mode silently loses it.
        const carried = [
            "autoscaling",
            "containerSecurityContext",
            "env",
            "podAnnotations",
            "podDisruptionBudget",
            "replicaCount",
            "resources",
            "securityContext",
            "terminationGracePeriodSeconds",
            "topologySpreadConstraints",
        ];
        // labels: istiod labels the pods (gateway-name) and the spread selects by it; service: istiod
        // builds the ClusterIP Service from the listeners, 443 kept by the service overlay.
        const derivedByIstiod = ["labels", "service"];
        for (const args of [dev, prod])
            assert.deepEqual(
                Object.keys(gatewayValues(args)).sort(),
                [...carried, ...derivedByIstiod].sort(),
            );
    });

    it("TLS seam: HTTPS listener with certificateRefs, HTTP redirected to HTTPS by an HTTPRoute filter", () => {
        const gw = query.one(tls, GW);
        const [http, https] = gw.inputs.spec.listeners;
        assert.equal(http.port, 80);
        assert.equal(http.hostname, "app.example.com");
        assert.deepEqual(
            [https.name, https.port, https.protocol, https.hostname],
            ["https", 443, "HTTPS", "app.example.com"],
        );
        assert.deepEqual(https.tls, {
            mode: "Terminate",
            certificateRefs: [{ kind: "Secret", name: "app-tls" }],
        });
        const redirect = query.one(tls, ROUTE);
        assert.deepEqual(redirect.inputs.spec.parentRefs, [
            { name: "istio-ingressgateway", sectionName: "http" },
        ]);
        assert.deepEqual(redirect.inputs.spec.rules, [
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
        ]);
        assert.ok(redirect.dependencies!.includes(gw.urn));
        // The listener serves 443: no extra Service port overlay.
        assert.equal(query.one(tls, "kubernetes:core/v1:ConfigMap").inputs.data.service, undefined);
        assert.equal(query.ofType(plain, ROUTE).length, 0, "no redirect without TLS");
    });
});

describe("modes: ambient data plane (components)", () => {
    let rs: RecordedResource[];
    before(async () => {
        ({ resources: rs } = await recordProgram(() => {
            const provider = new k8s.Provider("k8s", {});
            const istiod = new k8s.helm.v4.Chart("istiod", { chart: "istiod" }, { provider });
            const cni = new IstioCni("cni", { version: "1.27.3", ambient: true, provider, istiod });
            new AmbientDataplane("ambient", { version: "1.27.3", provider, cni: cni.chart });
            new IstioCni("sidecar-cni", { version: "1.27.3", ambient: false, provider, istiod });
        }));
    });

    it("istio-cni (ambient profile) after istiod, then ztunnel, same pinned Istio version, in kube-system", () => {
        const byName = (n: string) => rs.find((r) => r.type === CHART && r.name === n)!;
        const [istiod, cni, ztunnel] = ["istiod", "cni-chart", "ambient-ztunnel"].map(byName);
        assert.equal(cni.inputs.chart, "cni");
        assert.equal(ztunnel.inputs.chart, "ztunnel");
        assert.deepEqual(cni.inputs.values, {
            profile: "ambient",
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(cni.inputs.name, "istio-cni");
        assert.equal(ztunnel.inputs.name, "ztunnel");
        for (const c of [cni, ztunnel]) {
            assert.equal(c.inputs.version, "1.27.3");
            assert.equal(c.inputs.repositoryOpts.repo, ISTIO_CHART_REPO);
            assert.equal(c.inputs.namespace, AMBIENT_NAMESPACE);
        }
        assert.ok(cni.dependencies!.includes(istiod.urn));
        assert.ok(ztunnel.dependencies!.includes(cni.urn));
    });

    it("the same IstioCni component serves sidecars (no ambient profile), so a cluster gets one install", () => {
        const sidecar = rs.find((r) => r.type === CHART && r.name === "sidecar-cni-chart")!;
        assert.equal(sidecar.inputs.chart, "cni");
        assert.deepEqual(sidecar.inputs.values, { seccompProfile: { type: "RuntimeDefault" } });
        assert.equal(sidecar.inputs.namespace, NODE_AGENT_NAMESPACE);
    });

    it("istiod gets the ambient profile and trusts ztunnel's namespace", () => {
        assert.deepEqual(ambientIstiodValues(), {
            profile: "ambient",
            trustedZtunnelNamespace: "kube-system",
        });
    });

    it("workload namespaces: injection for sidecar; enrolment (no injection label) and the waypoint for ambient", () => {
        assert.deepEqual(workloadNamespaceLabels("sidecar"), { "istio-injection": "enabled" });
        assert.deepEqual(workloadNamespaceLabels("ambient"), { "istio.io/dataplane-mode": "ambient" });
        assert.deepEqual(workloadNamespaceLabels("ambient", "waypoint"), {
            "istio.io/dataplane-mode": "ambient",
            "istio.io/use-waypoint": "waypoint",
            "istio.io/ingress-use-waypoint": "true",
        });
    });
});

describe("modes: the sample app in each mode (Mesh component)", () => {
    async function recordMesh(
        args: Partial<ConstructorParameters<typeof Mesh>[1]>,
    ): Promise<RecordedResource[]> {
        const { resources } = await recordProgram(() => {
            const provider = new k8s.Provider("k8s", {});
            const istiod = new k8s.helm.v4.Chart("istiod", { chart: "istiod" }, { provider });
            const gateway = new k8s.helm.v4.Chart("gateway", { chart: "gateway" }, { provider });
            const ztunnel = new k8s.helm.v4.Chart("ztunnel", { chart: "ztunnel" }, { provider });
            new Mesh("mesh", {
                provider,
                istiod,
                gateway,
                sampleApp: true,
                ...args,
                dataplane: args.dataplaneMode === "ambient" ? ztunnel : undefined,
            });
        });
        return resources;
    }
    const sampleNs = (rs: RecordedResource[]) =>
        query.ofType(rs, "kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "sample")!;

    it("gatewayApi: an HTTPRoute on the Gateway's listener replaces the Istio Gateway and VirtualService", async () => {
        const rs = await recordMesh({
            routeParent: { name: "gw", namespace: "istio-ingress", sectionName: "http" },
        });
        assert.equal(query.ofType(rs, "kubernetes:networking.istio.io/v1:Gateway").length, 0);
        assert.equal(query.ofType(rs, "kubernetes:networking.istio.io/v1:VirtualService").length, 0);
        const route = query.one(rs, ROUTE);
        assert.deepEqual(route.inputs.spec, {
            parentRefs: [{ name: "gw", namespace: "istio-ingress", sectionName: "http" }],
            rules: [{ backendRefs: [{ name: "hello", port: 80 }] }],
        });
        const gateway = rs.find((r) => r.name === "gateway")!;
        assert.ok(route.dependencies!.includes(gateway.urn));
        assert.ok(route.dependencies!.includes(query.one(rs, "kubernetes:apps/v1:Deployment").urn));
    });

    it("ambient: the sample namespace is enrolled, its pods wait for ztunnel; STRICT mTLS stays", async () => {
        const rs = await recordMesh({ dataplaneMode: "ambient" });
        const ns = sampleNs(rs);
        assert.deepEqual(ns.inputs.metadata.labels, {
            "istio.io/dataplane-mode": "ambient",
            ...podSecurityLabels(),
        });
        const ztunnel = rs.find((r) => r.name === "ztunnel")!;
        assert.ok(query.one(rs, "kubernetes:apps/v1:Deployment").dependencies!.includes(ztunnel.urn));
        assert.equal(query.ofType(rs, GW).length, 0, "no waypoint unless asked");
        const pa = query.one(rs, "kubernetes:security.istio.io/v1:PeerAuthentication");
        assert.equal(pa.inputs.spec.mtls.mode, "STRICT");
    });

    it("ambient with a waypoint: class istio-waypoint HBONE Gateway in the sample namespace, used by the namespace", async () => {
        const rs = await recordMesh({ dataplaneMode: "ambient", waypoint: true });
        const wp = query.one(rs, GW);
        assert.equal(wp.inputs.metadata.namespace, "sample");
        assert.equal(wp.inputs.spec.gatewayClassName, "istio-waypoint");
        assert.deepEqual(wp.inputs.spec.listeners, [{ name: "mesh", port: 15008, protocol: "HBONE" }]);
        assert.equal(sampleNs(rs).inputs.metadata.labels["istio.io/use-waypoint"], wp.inputs.metadata.name);
        assert.ok(query.one(rs, "kubernetes:apps/v1:Deployment").dependencies!.includes(wp.urn));
    });

    it("sidecar (the default): injection label, no ambient label, even when a waypoint is asked for", async () => {
        const rs = await recordMesh({ waypoint: true });
        assert.deepEqual(sampleNs(rs).inputs.metadata.labels, {
            "istio-injection": "enabled",
            ...podSecurityLabels(),
        });
        assert.equal(query.ofType(rs, GW).length, 0);
    });
});

describe("modes: config", () => {
    const read = (values: Record<string, unknown>) => {
        const all: Record<string, string> = {
            "istio-eks-nlb:sampleApp": "true",
            "istio-eks-nlb:endpointPublicAccessCidrs": JSON.stringify(
                API_CIDRS_DECISION.endpointPublicAccessCidrs,
            ),
        };
        for (const [k, v] of Object.entries(values))
            all[`istio-eks-nlb:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
        return readSettings(all, { stack: "dev", region: "us-west-2" });
    };
    const rejects = (values: Record<string, unknown>, message: string) =>
        assert.throws(
            () => read(values),
            (e: unknown) => e instanceof ConfigError && e.message === message,
            message,
        );

    it("defaults: istio ingress, sidecar data plane, no waypoint, Gateway API 1.3.0 (only used when needed)", () => {
        const s = read({});
        assert.deepEqual(
            [s.ingressApi, s.dataplaneMode, s.ambientWaypoint, s.gatewayApiVersion],
            ["istio", "sidecar", false, "1.3.0"],
        );
        assert.equal(needsGatewayApiCrds(s), false);
        assert.equal(needsGatewayApiCrds(read({ ingressApi: "gatewayApi" })), true);
        assert.equal(needsGatewayApiCrds(read({ dataplaneMode: "ambient", ambientWaypoint: true })), true);
    });

    it("accepts each mode and their combination", () => {
        const s = read({ ingressApi: "gatewayApi", dataplaneMode: "ambient", ambientWaypoint: true });
        assert.deepEqual([s.ingressApi, s.dataplaneMode, s.ambientWaypoint], ["gatewayApi", "ambient", true]);
    });

    const cases: [string, Record<string, unknown>, string][] = [
        [
            "unknown ingress API",
            { ingressApi: "ingress" },
            'Invalid config "istio-eks-nlb:ingressApi": "ingress" must be one of istio|gatewayApi',
        ],
        [
            "wrong case",
            { ingressApi: "GatewayAPI" },
            'Invalid config "istio-eks-nlb:ingressApi": "GatewayAPI" must be one of istio|gatewayApi',
        ],
        [
            "unknown data plane",
            { dataplaneMode: "sidecarless" },
            'Invalid config "istio-eks-nlb:dataplaneMode": "sidecarless" must be one of sidecar|ambient',
        ],
        [
            "waypoint without ambient",
            { ambientWaypoint: true },
            'Invalid config "istio-eks-nlb:ambientWaypoint": true must be false unless dataplaneMode is "ambient" (a waypoint serves ambient workloads only)',
        ],
        [
            "waypoint without the sample app",
            { dataplaneMode: "ambient", ambientWaypoint: true, sampleApp: false },
            'Invalid config "istio-eks-nlb:ambientWaypoint": true must be false unless sampleApp is true (the waypoint serves the sample namespace)',
        ],
        [
            "waypoint not a boolean",
            { ambientWaypoint: "yes" },
            'Invalid config "istio-eks-nlb:ambientWaypoint": "yes" must be true or false',
        ],
        [
            "unpinned Gateway API",
            { ingressApi: "gatewayApi", gatewayApiVersion: "v1.3.0" },
            'Invalid config "istio-eks-nlb:gatewayApiVersion": "v1.3.0" must be a pinned Gateway API release "x.y.z" like "1.3.0"',
        ],
        [
            "ambient on an old Istio",
            { dataplaneMode: "ambient", istioVersion: "1.23.2" },
            'Invalid config "istio-eks-nlb:istioVersion": "1.23.2" must be >= 1.24.0 when dataplaneMode is "ambient"',
        ],
        [
            "gatewayApi on an old Istio",
            { ingressApi: "gatewayApi", istioVersion: "1.22.0" },
            'Invalid config "istio-eks-nlb:istioVersion": "1.22.0" must be >= 1.24.0 when ingressApi is "gatewayApi"',
        ],
        [
            "gateway name too long for <name>-istio",
            { ingressApi: "gatewayApi", gatewayName: "g".repeat(58) },
            `Invalid config "istio-eks-nlb:gatewayName": "${"g".repeat(58)}" must be at most 57 characters when ingressApi is "gatewayApi" (Istio names its Service "<gatewayName>-istio")`,
        ],
    ];
    for (const [name, values, message] of cases) it(`rejects ${name}`, () => rejects(values, message));

    it("an old Istio and a 58-character gateway name stay valid in the default modes", () => {
        assert.equal(
            read({ istioVersion: "1.23.2", kubernetesVersion: "1.30", gatewayName: "g".repeat(58) })
                .ingressApi,
            "istio",
        );
    });
});
