// What `npm run plan` shows, computed from the resources the mock recorder saw: the component tree
// with type counts, and the ingress traffic path. The path is read from the same links the engine
// records (propertyDependencies, falling back to dependencies) and from Kubernetes names, never from
// ARNs, so it shows what the program wires, not what the mocks happened to return.
// The links are the pack's own (policies/lib/graph.ts StackIndex over the engine-shaped resources),
// so the plan and the policies can never disagree on what is wired to what.
// Policy verdicts are not computed here: they come from the pack's evaluator (tools/plan.ts).
import type { PolicyResource } from "@pulumi/policy";
import { readGatewayConfig } from "../../policies/lib/config";
import { resolveResources } from "../../policies/lib/evaluate";
import { analyze, chartService, clusterDnsService, StackIndex } from "../../policies/lib/graph";
import type { StackResource } from "../../policies/lib/types";
import { cmp } from "../lib/report";

/** The recorded-resource fields the plan reads (RecordedResource of tools/mocks/pulumiMocks.ts). */
export interface PlanResource extends StackResource {
    custom: boolean;
    inputs: Record<string, any>;
}

export interface ComponentNode {
    name: string;
    type: string;
    /** Total resources under this component, itself excluded. */
    total: number;
    /** Direct custom children by type. */
    types: { type: string; count: number }[];
    components: ComponentNode[];
}

export interface TargetGroupHop {
    name: string;
    protocol?: string;
    port?: number;
    targetType?: string;
    /** `HTTP:15021/healthz/ready`, or undefined when the target group sets none. */
    healthCheck?: string;
    bindings: { name: string; namespace?: string; service?: string; port?: number | string }[];
}

export interface LoadBalancerHop {
    name: string;
    kind: string;
    scheme: "internal" | "internet-facing";
    crossZone?: boolean;
    listeners: { name: string; protocol?: string; port?: number; targetGroups: TargetGroupHop[] }[];
}

export interface GatewayHop {
    /** `namespace/name` of the gateway Service. */
    service: string;
    /** How the Service comes to exist (a Service resource, or the Helm chart that renders it). */
    source: string;
    labels: Record<string, string>;
}

export interface RouteHop {
    kind: "Gateway" | "VirtualService" | "HTTPRoute";
    /** `namespace/name`. */
    name: string;
    /** Gateway: `HTTP:80 *`; VirtualService: `* -> host:port`; HTTPRoute: `listener http: * -> host:port`. */
    detail: string;
    /** The gateway Service (Gateway, HTTPRoute) or Istio Gateway (VirtualService) it hangs off. */
    from?: string;
}

/** A Route 53 alias record that sends a hostname to a load balancer of the path. */
export interface DnsHop {
    /** The record name (the hostname). */
    name: string;
    /** A, AAAA. */
    type: string;
    /** The hosted zone id. */
    zoneId?: string;
    /** The load balancer it aliases (its resource name). */
    target: string;
    evaluateTargetHealth: boolean;
}

/** Where TLS ends: a gateway server or listener that terminates TLS with a certificate Secret. */
export interface TlsHop {
    /** `Gateway namespace/name` (Istio) or `Gateway API namespace/name`. */
    gateway: string;
    /** The terminating port and its hosts, e.g. `HTTPS:443 app.example.com`. */
    server: string;
    /** `namespace/name` of the Secret it serves. */
    secret: string;
    /** The cert-manager Certificate that writes that Secret, with its issuer; undefined if none. */
    certificate?: { name: string; dnsNames: string[]; issuer: string };
}

/**
 * The gateway's hop to a route's backend in an ambient namespace: no sidecar there, so the gateway
 * speaks HBONE (mTLS tunnelled on port 15008) to the ztunnel of the pod's node, or first to the
 * namespace's waypoint when the Service uses one and admits ingress traffic to it.
 */
export interface AmbientHop {
    /** The route it follows (`kind` and `name` of a {@link RouteHop}). */
    route: { kind: RouteHop["kind"]; name: string };
    /** `namespace/name:port` of the backend Service. */
    service: string;
    /** What enrols its pods: `Namespace sample istio.io/dataplane-mode=ambient`. */
    enrolment: string;
    /** The ztunnel DaemonSet's source: `Helm chart ztunnel 1.27.3 (name)`, or `not declared in this stack`. */
    ztunnel: string;
    /** The waypoint the Service names with `istio.io/use-waypoint` (absent: none). */
    waypoint?: {
        /** `namespace/name` of the waypoint Gateway. */
        name: string;
        /** `Gateway API Gateway, class istio-waypoint, HBONE:15008`, or `not declared in this stack`. */
        source: string;
        /** The labels that put it on the path: `Namespace sample istio.io/use-waypoint=waypoint, ...`. */
        labels: string;
        /** False when ingress goes straight to ztunnel: no `istio.io/ingress-use-waypoint: "true"`. */
        ingress: boolean;
    };
}

export interface TrafficPath {
    loadBalancers: LoadBalancerHop[];
    gateways: GatewayHop[];
    routes: RouteHop[];
    /** Only when the stack has hostname records (absent: none). */
    dns?: DnsHop[];
    /** Only when a gateway terminates TLS (absent: none). */
    tls?: TlsHop[];
    /** Only when a route's backend is in an ambient namespace (absent: none, as with sidecars). */
    ambient?: AmbientHop[];
}

/** A route's backend Service, as the route names it. */
interface Backend {
    route: AmbientHop["route"];
    ns: string;
    name: string;
    port?: number | string;
}

const ISTIO_GATEWAY = /^kubernetes:networking\.istio\.io\/(?:v1|v1beta1|v1alpha3):Gateway$/;
const ROUTE53_RECORD = /^aws:route53\/record:Record$/;
const CERTIFICATE = /^kubernetes:cert-manager\.io\/v1:Certificate$/;
const CLUSTER_ISSUER = /^kubernetes:cert-manager\.io\/v1:(Cluster)?Issuer$/;
const VIRTUAL_SERVICE = /^kubernetes:networking\.istio\.io\/(?:v1|v1beta1|v1alpha3):VirtualService$/;
const NAMESPACE = /^kubernetes:core\/v1:Namespace$/;
/** Istio's ztunnel chart, by name, OCI reference or archive (as the pack matches the gateway chart). */
const ZTUNNEL_CHART = /(?:^|\/)ztunnel(?:-v?\d[\w.+-]*)?(?:\.tgz)?$/;

/** The component tree: every component (custom: false) with the types of its direct custom children. */
export function componentTree(resources: PlanResource[]): {
    roots: ComponentNode[];
    unparented: ComponentNode;
} {
    const children = new Map<string, PlanResource[]>();
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const key = r.parent && urns.has(r.parent) ? r.parent : "";
        const list = children.get(key) ?? [];
        list.push(r);
        children.set(key, list);
    }
    const build = (r: PlanResource): ComponentNode => {
        const kids = children.get(r.urn) ?? [];
        const node = summarize(r.name, r.type, kids);
        node.total = kids.length + node.components.reduce((n, c) => n + c.total, 0);
        return node;
    };
    const summarize = (name: string, type: string, kids: PlanResource[]): ComponentNode => {
        const counts = new Map<string, number>();
        const components: ComponentNode[] = [];
        for (const k of kids) {
            // A component with children is a node of the tree; a childless one (a remote component
            // such as eks:index:Cluster or a Helm Chart under mocks) is counted like a resource.
            if (!k.custom && children.has(k.urn)) components.push(build(k));
            else counts.set(k.type, (counts.get(k.type) ?? 0) + 1);
        }
        const types = [...counts]
            .map(([t, count]) => ({ type: t, count }))
            .sort((a, b) => cmp(a.type, b.type));
        return { name, type, total: kids.length, types, components };
    };
    const top = children.get("") ?? [];
    const roots = top.filter((r) => !r.custom && children.has(r.urn)).map(build);
    const unparented = summarize(
        "(no parent)",
        "",
        top.filter((r) => r.custom || !children.has(r.urn)),
    );
    return { roots, unparented };
}

/** Resource counts by type, sorted by type. */
export function countByType(resources: PlanResource[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of [...resources].sort((a, b) => cmp(a.type, b.type))) out[r.type] = (out[r.type] ?? 0) + 1;
    return out;
}

/** The ingress path: load balancers -> listeners -> target groups -> bindings -> gateway -> routes. */
export function trafficPath(resources: PlanResource[]): TrafficPath {
    const own = new Map(resources.map((r) => [r.urn, r]));
    // The pack's analysis with its default config: the same gateway recognition as the policies.
    const analysis = analyze(resolveResources(resources), readGatewayConfig(undefined));
    const ix = analysis.index;
    // The index links the engine-shaped objects; the plan prints the recorded inputs.
    const rec = (r: PolicyResource): PlanResource => own.get(r.urn)!;
    const of = (type: RegExp) => resources.filter((r) => type.test(r.type));
    const gatewayKeys = new Set<string>();

    const loadBalancers: LoadBalancerHop[] = ix.list("lb").map((lbRes) => {
        const lb = rec(lbRes);
        return {
            name: lb.name,
            kind: lb.inputs.loadBalancerType ?? "application",
            scheme: lb.inputs.internal === true ? "internal" : "internet-facing",
            crossZone:
                typeof lb.inputs.enableCrossZoneLoadBalancing === "boolean"
                    ? lb.inputs.enableCrossZoneLoadBalancing
                    : undefined,
            listeners: (ix.listenersByLb.get(lbRes) ?? [])
                .map((lRes) => ({ lRes, l: rec(lRes) }))
                .sort((a, b) => (a.l.inputs.port ?? 0) - (b.l.inputs.port ?? 0))
                .map(({ lRes, l }) => ({
                    name: l.name,
                    protocol: l.inputs.protocol,
                    port: l.inputs.port,
                    // Default actions and listener rules, as the pack follows them; each target group once.
                    targetGroups: [...new Set(ix.forwards(lRes).map((f) => f.tg))].map((tgRes) => {
                        const tg = rec(tgRes);
                        const hc = tg.inputs.healthCheck ?? {};
                        return {
                            name: tg.name,
                            protocol: tg.inputs.protocol,
                            port: tg.inputs.port,
                            targetType: tg.inputs.targetType ?? "instance",
                            healthCheck:
                                hc.enabled === false || (!hc.protocol && !hc.port && !hc.path)
                                    ? undefined
                                    : `${hc.protocol ?? "TCP"}:${hc.port ?? "traffic-port"}${hc.path ?? ""}`,
                            bindings: (ix.tgbsByTg.get(tgRes) ?? []).map((bRes) => {
                                const b = rec(bRes);
                                const ns = b.inputs.metadata?.namespace;
                                const ref = b.inputs.spec?.serviceRef ?? {};
                                if (ref.name) gatewayKeys.add(`${ns ?? "default"}/${ref.name}`);
                                return {
                                    name: b.inputs.metadata?.name ?? b.name,
                                    namespace: ns,
                                    service: ref.name,
                                    port: ref.port,
                                };
                            }),
                        };
                    }),
                })),
        };
    });

    // The Service behind the bindings: declared, or rendered by a Helm chart named after it (under
    // mocks, chart children are not created, so the chart stands for it), named as the pack names it.
    const charts = [...ix.list("helmRelease"), ...ix.list("helmChart")];
    // Gateway API Gateways of class istio, by the key of the Service istiod generates for them.
    const generatedFor = new Map<string, PolicyResource>();
    for (const t of analysis.targets) {
        if (t.source === "istioGateway" && t.resource && !generatedFor.has(t.key))
            generatedFor.set(t.key, t.resource);
    }
    const gateways: GatewayHop[] = [...gatewayKeys].sort().map((key) => {
        const [ns, name] = key.split("/");
        const svcRes = ix.servicesByKey.get(key)?.[0];
        if (svcRes) {
            const svc = rec(svcRes);
            return { service: key, source: `Service ${svc.name}`, labels: svc.inputs.metadata?.labels ?? {} };
        }
        const chartRes = charts.find((c) => {
            const s = chartService(c);
            return s.name === name && s.ns === ns;
        });
        if (chartRes) {
            const chart = rec(chartRes);
            return {
                service: key,
                source: chartSource(chart),
                labels: chart.inputs.values?.labels ?? {},
            };
        }
        // A Gateway API Gateway of class istio: istiod generates `<name>-istio` (not in the stack).
        const generated = generatedFor.get(key);
        if (generated) {
            const g = rec(generated);
            return {
                service: key,
                source: `generated by Istio for Gateway API Gateway ${k8sName(g)}, class ${g.inputs.spec?.gatewayClassName}`,
                labels: {},
            };
        }
        return { service: key, source: "not declared in this stack", labels: {} };
    });

    const routes: RouteHop[] = [];
    const backends: Backend[] = [];
    const istioGateways = of(ISTIO_GATEWAY);
    for (const g of istioGateways) {
        const selector: Record<string, string> = g.inputs.spec?.selector ?? {};
        const served = gateways.find((gw) => Object.entries(selector).every(([k, v]) => gw.labels[k] === v));
        const servers = (g.inputs.spec?.servers ?? []) as any[];
        routes.push({
            kind: "Gateway",
            name: k8sName(g),
            detail: servers.map(serverDetail).join("; "),
            from: served?.service,
        });
    }
    for (const vs of of(VIRTUAL_SERVICE)) {
        const ns = vs.inputs.metadata?.namespace ?? "default";
        const gws = ((vs.inputs.spec?.gateways ?? []) as string[]).map((g) =>
            g.includes("/") ? g : `${ns}/${g}`,
        );
        const destinations = ((vs.inputs.spec?.http ?? []) as any[]).flatMap((h) =>
            ((h.route ?? []) as any[]).map(
                (r) =>
                    `${r.destination?.host ?? "?"}${r.destination?.port?.number ? `:${r.destination.port.number}` : ""}`,
            ),
        );
        for (const h of (vs.inputs.spec?.http ?? []) as any[]) {
            for (const r of (h.route ?? []) as any[]) {
                const host: string | undefined = r.destination?.host;
                // A short host is a Service of the VirtualService's namespace.
                const svc = host
                    ? (clusterDnsService(host) ?? (host.includes(".") ? undefined : { ns, name: host }))
                    : undefined;
                if (svc)
                    backends.push({
                        route: { kind: "VirtualService", name: k8sName(vs) },
                        ...svc,
                        port: r.destination?.port?.number,
                    });
            }
        }
        routes.push({
            kind: "VirtualService",
            name: k8sName(vs),
            detail: `${((vs.inputs.spec?.hosts ?? []) as string[]).join(",")} -> ${destinations.join(", ") || "(no http routes)"}`,
            from: gws.find((g) => routes.some((r) => r.kind === "Gateway" && r.name === g)),
        });
    }
    // HTTPRoutes on the Gateway API Gateways behind the bindings (the pack links them by parentRefs).
    for (const g of gateways) {
        const gwRes = generatedFor.get(g.service);
        if (!gwRes) continue;
        const gwName = rec(gwRes).inputs.metadata?.name;
        for (const routeRes of ix.routesByGateway.get(gwRes) ?? []) {
            const route = rec(routeRes);
            const sections = ((route.inputs.spec?.parentRefs ?? []) as any[])
                .filter((p) => p.name === gwName && p.sectionName)
                .map((p) => p.sectionName);
            const hosts = ((route.inputs.spec?.hostnames ?? ["*"]) as string[]).join(",");
            const targets = ((route.inputs.spec?.rules ?? []) as any[]).flatMap((rule) => [
                ...((rule.backendRefs ?? []) as any[]).map(
                    (b) => `${b.name ?? "?"}${b.port ? `:${b.port}` : ""}`,
                ),
                ...((rule.filters ?? []) as any[])
                    .filter((f) => f.type === "RequestRedirect")
                    .map((f) => `redirect to ${f.requestRedirect?.scheme ?? "?"}`),
            ]);
            const rns = route.inputs.metadata?.namespace ?? "default";
            for (const rule of (route.inputs.spec?.rules ?? []) as any[]) {
                for (const b of (rule.backendRefs ?? []) as any[]) {
                    if ((b.kind ?? "Service") !== "Service" || (b.group ?? "") !== "" || !b.name) continue;
                    backends.push({
                        route: { kind: "HTTPRoute", name: k8sName(route) },
                        ns: b.namespace ?? rns,
                        name: b.name,
                        port: b.port,
                    });
                }
            }
            routes.push({
                kind: "HTTPRoute",
                name: k8sName(route),
                detail: `${sections.length ? `listener ${sections.join(",")}: ` : ""}${hosts} -> ${targets.join(", ") || "(no rules)"}`,
                from: g.service,
            });
        }
    }
    const path: TrafficPath = { loadBalancers, gateways, routes };
    const dns = dnsHops(resources, ix, rec);
    if (dns.length) path.dns = dns;
    const tls = tlsHops(resources, ix.list("gateway").map(rec));
    if (tls.length) path.tls = tls;
    const ambient = ambientHops(resources, ix, rec, charts, backends);
    if (ambient.length) path.ambient = ambient;
    return path;
}

/** How the plan names a Helm chart that stands for what it renders: `Helm chart gateway 1.27.3 (name)`. */
function chartSource(chart: PlanResource): string {
    const version = chart.inputs.version ? ` ${chart.inputs.version}` : "";
    return `Helm chart ${chart.inputs.chart ?? "?"}${version} (${chart.name})`;
}

/**
 * The HBONE hops to the backends whose namespace is enrolled in ambient (`istio.io/dataplane-mode:
 * ambient` on its Namespace), through the waypoint its Service or Namespace names with
 * `istio.io/use-waypoint` (the Service's label wins, `none` opts out), as istiod reads the labels.
 */
function ambientHops(
    resources: PlanResource[],
    ix: StackIndex,
    rec: (r: PolicyResource) => PlanResource,
    charts: PolicyResource[],
    backends: Backend[],
): AmbientHop[] {
    const namespaces = new Map(
        resources.filter((r) => NAMESPACE.test(r.type)).map((n) => [n.inputs.metadata?.name ?? n.name, n]),
    );
    const ztunnelChart = charts.map(rec).find((c) => ZTUNNEL_CHART.test(String(c.inputs.chart ?? "")));
    const ztunnel = ztunnelChart ? chartSource(ztunnelChart) : "not declared in this stack";
    const out: AmbientHop[] = [];
    for (const b of backends) {
        const nsRes = namespaces.get(b.ns);
        const nsLabels: Record<string, string> = nsRes?.inputs.metadata?.labels ?? {};
        if (nsLabels["istio.io/dataplane-mode"] !== "ambient") continue;
        const svcRes = ix.servicesByKey.get(`${b.ns}/${b.name}`)?.[0];
        const svcLabels: Record<string, string> = (svcRes && rec(svcRes).inputs.metadata?.labels) ?? {};
        // Each label from the Service when it sets it, else from the Namespace; named where it was read.
        const label = (key: string) => {
            if (key in svcLabels) return { value: svcLabels[key], where: `Service ${b.ns}/${b.name}` };
            if (key in nsLabels) return { value: nsLabels[key], where: `Namespace ${b.ns}` };
            return undefined;
        };
        const hop: AmbientHop = {
            route: b.route,
            service: `${b.ns}/${b.name}:${b.port ?? "?"}`,
            enrolment: `Namespace ${b.ns} istio.io/dataplane-mode=ambient`,
            ztunnel,
        };
        const use = label("istio.io/use-waypoint");
        if (use && use.value && use.value !== "none") {
            const wpNs = label("istio.io/use-waypoint-namespace")?.value || b.ns;
            const ingress = label("istio.io/ingress-use-waypoint");
            const gwRes = ix.gatewaysByKey.get(`${wpNs}/${use.value}`)?.[0];
            const gw = gwRes && rec(gwRes);
            const hbone = ((gw?.inputs.spec?.listeners ?? []) as any[]).find((l) => l.protocol === "HBONE");
            hop.waypoint = {
                name: `${wpNs}/${use.value}`,
                source: gw
                    ? `Gateway API Gateway, class ${gw.inputs.spec?.gatewayClassName ?? "?"}${hbone ? `, HBONE:${hbone.port}` : ""}`
                    : "not declared in this stack",
                labels: [
                    `${use.where} istio.io/use-waypoint=${use.value}`,
                    ...(ingress ? [`${ingress.where} istio.io/ingress-use-waypoint=${ingress.value}`] : []),
                ].join(", "),
                ingress: ingress?.value === "true",
            };
        }
        out.push(hop);
    }
    return out;
}

/** `HTTP:80 *`; a redirecting server ends `-> https`, a terminating one names its TLS mode. */
function serverDetail(s: any): string {
    const base = `${s.port?.protocol ?? "?"}:${s.port?.number ?? "?"} ${(s.hosts ?? []).join(",")}`;
    if (s.tls?.httpsRedirect) return `${base} -> https`;
    if (s.tls?.mode) return `${base} (TLS ${s.tls.mode})`;
    return base;
}

/** Route 53 alias records whose alias follows a load balancer of the path (linked as the pack links). */
function dnsHops(
    resources: PlanResource[],
    ix: StackIndex,
    rec: (r: PolicyResource) => PlanResource,
): DnsHop[] {
    const out: DnsHop[] = [];
    for (const r of resources.filter((x) => ROUTE53_RECORD.test(x.type))) {
        const lbRes = ix.linked(ix.byUrn.get(r.urn)!, ["aliases"], "lb")[0];
        const alias = (r.inputs.aliases ?? [])[0];
        if (!lbRes || !alias) continue;
        const lb = rec(lbRes);
        out.push({
            name: r.inputs.name,
            type: r.inputs.type,
            zoneId: r.inputs.zoneId,
            target: lb.name,
            evaluateTargetHealth: alias.evaluateTargetHealth === true,
        });
    }
    return out.sort((a, b) => cmp(`${a.name} ${a.type}`, `${b.name} ${b.type}`));
}

/**
 * Gateway servers (Istio) and listeners (Gateway API, the `gateway` kind of the pack's index) that
 * terminate TLS, with the certificate behind their Secret.
 */
function tlsHops(resources: PlanResource[], gatewayApiGateways: PlanResource[]): TlsHop[] {
    const certs = resources.filter((r) => CERTIFICATE.test(r.type));
    const issuers = resources.filter((r) => CLUSTER_ISSUER.test(r.type));
    const certificateOf = (ns: string, secret: string): TlsHop["certificate"] => {
        const c = certs.find(
            (x) => x.inputs.spec?.secretName === secret && (x.inputs.metadata?.namespace ?? "default") === ns,
        );
        if (!c) return undefined;
        const ref = c.inputs.spec?.issuerRef ?? {};
        const issuer = issuers.find(
            (i) => i.inputs.metadata?.name === ref.name && i.inputs.kind === (ref.kind ?? "Issuer"),
        );
        return {
            name: k8sName(c),
            dnsNames: c.inputs.spec?.dnsNames ?? [],
            issuer: issuerDetail(ref, issuer),
        };
    };
    const out: TlsHop[] = [];
    for (const g of resources.filter((r) => ISTIO_GATEWAY.test(r.type))) {
        // Istio reads credentialName from the gateway workload's namespace; here that of the Gateway.
        const ns = g.inputs.metadata?.namespace ?? "default";
        for (const s of (g.inputs.spec?.servers ?? []) as any[]) {
            const secret = s.tls?.credentialName;
            if (!secret || !["SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL"].includes(s.tls.mode)) continue;
            out.push({
                gateway: `Gateway ${k8sName(g)}`,
                server: serverDetail({ ...s, tls: undefined }),
                secret: `${ns}/${secret}`,
                certificate: certificateOf(ns, secret),
            });
        }
    }
    for (const g of gatewayApiGateways) {
        const ns = g.inputs.metadata?.namespace ?? "default";
        for (const l of (g.inputs.spec?.listeners ?? []) as any[]) {
            if (l.tls?.mode !== "Terminate") continue;
            for (const ref of (l.tls.certificateRefs ?? []) as any[]) {
                const secretNs = ref.namespace ?? ns;
                out.push({
                    gateway: `Gateway API ${k8sName(g)}`,
                    server: `${l.protocol ?? "?"}:${l.port ?? "?"} ${l.hostname ?? "*"}`,
                    secret: `${secretNs}/${ref.name}`,
                    certificate: certificateOf(secretNs, ref.name),
                });
            }
        }
    }
    return out;
}

/** `ClusterIssuer letsencrypt (ACME acme-v02.api.letsencrypt.org, DNS-01 in Route 53 zone Z...)`. */
function issuerDetail(ref: { name?: string; kind?: string }, issuer: PlanResource | undefined): string {
    const title = `${ref.kind ?? "Issuer"} ${ref.name ?? "?"}`;
    const spec = issuer?.inputs.spec;
    if (!spec) return `${title} (not declared in this stack)`;
    if (spec.selfSigned) return `${title} (self-signed)`;
    if (spec.acme) {
        const host = /^https?:\/\/([^/]+)/.exec(spec.acme.server ?? "")?.[1] ?? spec.acme.server;
        const zones = ((spec.acme.solvers ?? []) as any[])
            .map((s) => s.dns01?.route53?.hostedZoneID)
            .filter((z): z is string => !!z);
        const solver = zones.length ? `, DNS-01 in Route 53 zone ${zones.join(",")}` : "";
        return `${title} (ACME ${host}${solver})`;
    }
    return title;
}

function k8sName(r: PlanResource): string {
    return `${r.inputs.metadata?.namespace ?? "default"}/${r.inputs.metadata?.name ?? r.name}`;
}
