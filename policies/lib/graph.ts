// The analysis graph: one index of the stack per resources array (shared by every policy through a
// WeakMap), Istio gateway recognition per gateway config, and the chain search.
//
// Links between AWS resources come ONLY from `propertyDependencies` (falling back to `dependencies`
// filtered by type when a key is absent), never from ARNs: ARNs are unknown at preview. Links between
// Kubernetes objects are by namespace and name. Every prop read goes through lib/props.
import type { PolicyResource } from "@pulumi/policy";
import { GatewayConfig, gatewayConfigKey } from "./config";
import { get, items, num, str, strMap, UNK, Unk } from "./props";
import {
    ALB_GATEWAY_CONTROLLER,
    ALB_INGRESS_CONTROLLERS,
    ISTIO_GATEWAY_CONTROLLER,
    Kind,
    kindOf,
} from "./tokens";

type R = PolicyResource;
type Name = string | Unk;

const SERVICE_TYPE = "kubernetes:core/v1:Service";

/** One hop of a chain, as printed. */
export interface Hop {
    type: string;
    /** The Pulumi resource name (or the Service name for a Service the stack does not declare). */
    name: string;
    urn?: string;
    /** `namespace/name` of a Kubernetes object. */
    k8s?: string;
    /** Why this hop matters (e.g. why it is an ALB, why it is the gateway). */
    note?: string;
}

/** An Istio ingress gateway Service, declared or implied. */
export interface GatewayTarget {
    /** `namespace/name` (`*` namespace when only the name is known). */
    key: string;
    /** The resource standing for it: the Service, the Helm Release/Chart, the Istio Gateway; none for a configured name. */
    resource?: R;
    /** How it appears in a chain (the Service, with its owner named in the note). */
    hop: Hop;
    /** Hops between the referenced Service and `hop` (ExternalName Services pointing at the gateway). */
    lead?: Hop[];
    nodePorts: number[];
    /** `alias`: an ExternalName Service whose DNS name is the gateway Service's. */
    source: "service" | "chart" | "istioGateway" | "name" | "alias";
}

/** The hops from the Service a chain names to the gateway itself. */
export function targetHops(t: GatewayTarget): Hop[] {
    return t.lead ? [...t.lead, t.hop] : [t.hop];
}

/** An ALB/NLB path: LB -> listener [-> rule] -> target group -> (binding/attachment) -> gateway. */
export interface AwsPath {
    lb: R;
    lbKind: "application" | "network" | "gateway" | "unknown";
    listener: R;
    rule?: R;
    tg: R;
    via?: R;
    target: GatewayTarget;
}

/** A found chain from an origin (ALB, ALB Ingress, ALB Gateway) to an Istio gateway. */
export interface Chain {
    origin: R;
    target: GatewayTarget;
    hops: Hop[];
    /** Further distinct paths between the same origin and gateway (reported in the same violation). */
    otherPaths: number;
    aws?: AwsPath;
    /** What makes the chain invalid on top of being double Layer 7 (e.g. a TLSRoute on an ALB). */
    problem?: string;
}

/** Hop of a resource. */
export function hopOf(r: R, extra?: { k8s?: string; note?: string }): Hop {
    return { type: r.type, name: r.name, urn: r.urn, ...extra };
}

/** The printed form of a hop: `type "name" (ns/name; note)`. */
export function formatHop(h: Hop): string {
    const details = [h.k8s, h.note].filter((x) => x);
    return `${h.type} "${h.name}"${details.length ? ` (${details.join("; ")})` : ""}`;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
}

function nameText(n: Name | undefined): string {
    return n === UNK ? "<unknown at preview>" : (n ?? "<unset>");
}

export interface K8sMeta {
    ns: Name;
    /** UNK when the name is unknown or Pulumi auto-names the object. */
    name: Name;
}

/** Config-independent index of a stack. */
export class StackIndex {
    readonly byUrn = new Map<string, R>();
    readonly of = new Map<Kind, R[]>();
    private readonly kinds = new Map<R, Kind>();
    private readonly metas = new Map<R, K8sMeta>();
    readonly servicesByKey = new Map<string, R[]>();
    readonly listenersByLb = new Map<R, R[]>();
    readonly rulesByListener = new Map<R, R[]>();
    readonly tgbsByTg = new Map<R, R[]>();
    /** Target groups by their known `arn` and `name` (for annotations that name one by ARN or name). */
    readonly tgsByRef = new Map<string, R[]>();
    /** TargetGroupBindings by the target group ARN or name they bind (literal values only). */
    readonly tgbsByRef = new Map<string, R[]>();
    readonly attachmentsByTg = new Map<R, R[]>();
    readonly ingressClassesByName = new Map<string, R>();
    readonly gatewayClassesByName = new Map<string, R>();
    readonly gatewaysByKey = new Map<string, R[]>();
    readonly gatewaysByName = new Map<string, R[]>();
    readonly routesByGateway = new Map<R, R[]>();

    constructor(readonly resources: R[]) {
        for (const r of resources) {
            this.byUrn.set(r.urn, r);
            const k = kindOf(r.type);
            if (!k) continue;
            this.kinds.set(r, k);
            push(this.of, k, r);
        }
        for (const s of this.list("service")) {
            const m = this.meta(s);
            if (m.name !== UNK && m.ns !== UNK) push(this.servicesByKey, `${m.ns}/${m.name}`, s);
        }
        for (const l of this.list("listener")) {
            for (const lb of this.linked(l, ["loadBalancerArn"], "lb")) push(this.listenersByLb, lb, l);
        }
        for (const rule of this.list("listenerRule")) {
            for (const l of this.linked(rule, ["listenerArn"], "listener"))
                push(this.rulesByListener, l, rule);
        }
        for (const tg of this.list("targetGroup")) {
            for (const ref of [str(tg.props, "arn"), str(tg.props, "name")]) {
                if (typeof ref === "string" && ref) push(this.tgsByRef, ref, tg);
            }
        }
        for (const b of this.list("tgb")) {
            for (const tg of this.linked(b, ["spec"], "targetGroup")) push(this.tgbsByTg, tg, b);
            const arn = str(b.props, "spec", "targetGroupARN");
            const refs = new Set<string>();
            if (typeof arn === "string" && arn) {
                refs.add(arn);
                const n = targetGroupNameOfArn(arn);
                if (n) refs.add(n);
            }
            const name = str(b.props, "spec", "targetGroupName");
            if (typeof name === "string" && name) refs.add(name);
            for (const ref of refs) push(this.tgbsByRef, ref, b);
        }
        for (const a of this.list("tgAttachment")) {
            for (const tg of this.linked(a, ["targetGroupArn"], "targetGroup"))
                push(this.attachmentsByTg, tg, a);
        }
        for (const a of this.list("asgAttachment")) {
            for (const tg of this.linked(a, ["lbTargetGroupArn", "albTargetGroupArn"], "targetGroup")) {
                push(this.attachmentsByTg, tg, a);
            }
        }
        for (const c of this.list("ingressClass")) {
            const n = this.meta(c).name;
            if (n !== UNK) this.ingressClassesByName.set(n, c);
        }
        for (const c of this.list("gatewayClass")) {
            const n = this.meta(c).name;
            if (n !== UNK) this.gatewayClassesByName.set(n, c);
        }
        for (const g of this.list("gateway")) {
            const m = this.meta(g);
            if (m.name === UNK) continue;
            push(this.gatewaysByName, m.name, g);
            if (m.ns !== UNK) push(this.gatewaysByKey, `${m.ns}/${m.name}`, g);
        }
        for (const route of this.list("route")) {
            const rns = this.meta(route).ns;
            const seen = new Set<R>();
            for (const p of items(route.props, "spec", "parentRefs")) {
                const kind = str(p, "kind") ?? "Gateway";
                if (kind !== "Gateway") continue;
                const pname = str(p, "name");
                const pns = str(p, "namespace") ?? rns;
                let gws: R[] = [];
                if (pname === UNK) gws = this.linked(route, ["spec"], "gateway");
                else if (pname === undefined) continue;
                else if (pns === UNK) gws = this.gatewaysByName.get(pname) ?? [];
                else gws = this.gatewaysByKey.get(`${pns}/${pname}`) ?? [];
                for (const g of gws) {
                    if (seen.has(g)) continue;
                    seen.add(g);
                    push(this.routesByGateway, g, route);
                }
            }
        }
    }

    list(k: Kind): R[] {
        return this.of.get(k) ?? [];
    }

    kind(r: R): Kind | undefined {
        return this.kinds.get(r);
    }

    /** Namespace (default `default`) and name of a Kubernetes object. */
    meta(r: R): K8sMeta {
        let m = this.metas.get(r);
        if (!m) {
            const name = str(r.props, "metadata", "name");
            const ns = str(r.props, "metadata", "namespace");
            m = { ns: ns === undefined || ns === "" ? "default" : ns, name: name === undefined ? UNK : name };
            this.metas.set(r, m);
        }
        return m;
    }

    k8sName(r: R): string {
        const m = this.meta(r);
        return `${nameText(m.ns)}/${m.name === UNK ? `${r.name}-<auto>` : m.name}`;
    }

    /** Where a listener forwards: its default actions' target groups, then each rule's (with the rule). */
    forwards(listener: R): { rule?: R; tg: R }[] {
        const defaults = this.linked(listener, ["defaultActions"], "targetGroup");
        const out: { rule?: R; tg: R }[] = defaults.map((tg) => ({ tg }));
        for (const rule of this.rulesByListener.get(listener) ?? []) {
            for (const tg of this.linked(rule, ["actions"], "targetGroup")) out.push({ rule, tg });
        }
        return out;
    }

    /**
     * Resources linked through the first present `propertyDependencies` key, of `kind`; when no key is
     * present, the `dependencies` of that kind.
     */
    linked(r: R, keys: string[], kind: Kind | undefined): R[] {
        const pd = r.propertyDependencies ?? {};
        let src: R[] | undefined;
        for (const k of keys) {
            if (Object.prototype.hasOwnProperty.call(pd, k)) {
                src = pd[k];
                break;
            }
        }
        if (!src) src = r.dependencies ?? [];
        return kind ? src.filter((d) => this.kinds.get(d) === kind) : src;
    }
}

const ISTIO_MARKER = /^(?:[a-z0-9.-]*\.)?istio\.io\//;

/**
 * Why a label map (a Service's labels or selector, or a workload's pod labels) marks an Istio ingress
 * gateway, or undefined. `pods`: the map is pod labels, where sidecar injection adds istio.io labels
 * to every application pod, so the "istio.io markers" heuristic is left out.
 */
function labelMapReason(
    map: Map<string, string>,
    where: string,
    extra: Record<string, string>,
    pods = false,
): string | undefined {
    if (map.size === 0) return undefined;
    if (map.get("istio") === "ingressgateway") return `${where} istio=ingressgateway`;
    if (map.get("app") === "istio-ingressgateway") return `${where} app=istio-ingressgateway`;
    if (map.has("istio.io/gateway-name"))
        return `${where} istio.io/gateway-name=${map.get("istio.io/gateway-name")}`;
    for (const [k, v] of Object.entries(extra)) {
        if (map.has(k) && (v === "*" || map.get(k) === v)) return `${where} ${k}=${map.get(k)} (configured)`;
    }
    // Istio's gateway chart: app=<name>, istio=<name without "istio-">.
    const istio = map.get("istio");
    const app = map.get("app");
    if (istio && app && istio !== "pilot" && (app === istio || app === `istio-${istio}`)) {
        return `${where} app=${app}, istio=${istio} (Istio gateway chart)`;
    }
    if (pods) return undefined;
    const appName = map.get("app.kubernetes.io/name");
    if (appName && appName !== "istiod" && [...map.keys()].some((k) => ISTIO_MARKER.test(k))) {
        if (app === appName || appName.includes("gateway")) {
            return `${where} app.kubernetes.io/name=${appName} with istio.io markers (Istio gateway chart)`;
        }
    }
    return undefined;
}

/** Why a Service's labels or selector mark it as an Istio ingress gateway, or undefined. */
function labelReason(svc: R, extra: Record<string, string>): string | undefined {
    return (
        labelMapReason(strMap(svc.props, "spec", "selector").map, "selector", extra) ??
        labelMapReason(strMap(svc.props, "metadata", "labels").map, "label", extra)
    );
}

/** The target group name in an ELB target group ARN (`...:targetgroup/<name>/<id>`). */
export function targetGroupNameOfArn(arn: string): string | undefined {
    return /:targetgroup\/([^/]+)\//.exec(arn)?.[1];
}

/** `svc.ns.svc.cluster.local`, `svc.ns.svc` or `svc.ns` (optionally with a final dot): the Service it names. */
export function clusterDnsService(host: string): { ns: string; name: string } | undefined {
    const label = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
    const m = new RegExp(`^(${label})\\.(${label})(?:\\.svc(?:\\.cluster\\.local)?)?\\.?$`).exec(
        host.trim().toLowerCase(),
    );
    return m ? { name: m[1], ns: m[2] } : undefined;
}

/** A workload (Deployment, DaemonSet, StatefulSet, ReplicaSet, Pod) whose pods are an Istio gateway. */
interface GatewayPods {
    workload: R;
    labels: Map<string, string>;
    reason: string;
}

/** Go's encoding/json matches object keys case-insensitively (exact match first), as the ALB controller reads its JSON annotations. */
function jsonField(obj: unknown, key: string): unknown {
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
    const o = obj as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(o, key)) return o[key];
    const lower = key.toLowerCase();
    let found: unknown;
    for (const k of Object.keys(o)) if (k.toLowerCase() === lower) found = o[k];
    return found;
}

function jsonArray(obj: unknown, key: string): unknown[] {
    const v = jsonField(obj, key);
    return Array.isArray(v) ? v : [];
}

function jsonString(obj: unknown, key: string): string | undefined {
    const v = jsonField(obj, key);
    return typeof v === "string" && v !== "" ? v : undefined;
}

/** A backend an ALB Ingress forwards to: a Service by name, or a target group by ARN/name or by link. */
export interface IngressBackend {
    where: string;
    /** The Service name (UNK when it comes from another resource's output). */
    name?: Name;
    /** A target group named in a forward action annotation, by ARN or name. */
    targetGroup?: string;
    /** Resources the Ingress depends on for an annotation unknown at preview. */
    linked?: R[];
}

const GATEWAY_CHART = /(?:^|\/)gateway(?:-v?\d[\w.+-]*)?(?:\.tgz)?$/;

/** True for a Helm Release/Chart of Istio's gateway chart. */
export function isIstioGatewayChart(r: R): boolean {
    const chart = str(r.props, "chart");
    if (typeof chart !== "string") return false;
    const c = chart.toLowerCase();
    if (!GATEWAY_CHART.test(c)) return false;
    if (c.includes("istio")) return true;
    const repo = str(r.props, "repositoryOpts", "repo");
    return repo === UNK || (typeof repo === "string" && repo.toLowerCase().includes("istio"));
}

/** Namespace and Service name of a gateway chart release. */
export function chartService(r: R): { ns: Name; name: string } {
    const rel = str(r.props, "name");
    const override = str(r.props, "values", "name");
    const ns = str(r.props, "namespace");
    const name =
        typeof override === "string" && override ? override : typeof rel === "string" && rel ? rel : r.name;
    return { ns: ns === undefined || ns === "" ? "default" : ns, name };
}

/** Reach of a target group: the binding/attachment it goes through and the gateway. */
export interface Reach {
    via?: R;
    target: GatewayTarget;
}

/** Config-dependent view: gateway recognition and chains. */
export class Analysis {
    readonly targets: GatewayTarget[] = [];
    private readonly byKey = new Map<string, GatewayTarget[]>();
    private readonly byName = new Map<string, GatewayTarget[]>();
    private readonly byRes = new Map<R, GatewayTarget>();
    private readonly byNodePort = new Map<number, GatewayTarget[]>();
    private readonly serviceKeys = new Set<string>();
    private readonly serviceNames = new Set<string>();
    private readonly named = new Map<string, GatewayTarget>();
    private readonly reachCache = new Map<R, Reach[]>();
    /** Gateway workloads by namespace, and by resource. */
    private readonly gatewayPodsByNs = new Map<string, GatewayPods[]>();
    private readonly gatewayPodsByRes = new Map<R, GatewayPods>();
    /** ExternalName Services already followed (or being followed: a loop stops there). */
    private readonly aliasesFollowed = new Set<R>();
    private awsPathsCache?: AwsPath[];
    private albChainsCache?: Chain[];

    constructor(
        readonly index: StackIndex,
        readonly config: GatewayConfig,
    ) {
        const ix = index;
        const charts = new Map<R, { ns: Name; name: string }>();
        for (const r of [...ix.list("helmRelease"), ...ix.list("helmChart")]) {
            if (isIstioGatewayChart(r)) charts.set(r, chartService(r));
        }
        const istioGateways = new Map<string, R>();
        for (const g of ix.list("gateway")) {
            const m = ix.meta(g);
            if (m.name === UNK || m.ns === UNK) continue;
            if (this.gatewayClassController(g) === "istio") istioGateways.set(`${m.ns}/${m.name}-istio`, g);
        }
        const chartKeys = new Map<string, R>();
        for (const [r, s] of charts) if (s.ns !== UNK) chartKeys.set(`${s.ns}/${s.name}`, r);
        for (const w of ix.list("workload")) {
            const g = this.gatewayWorkload(w, charts);
            if (!g) continue;
            this.gatewayPodsByRes.set(w, g);
            const ns = ix.meta(w).ns;
            if (ns !== UNK) push(this.gatewayPodsByNs, ns, g);
        }

        for (const s of ix.list("service")) {
            const m = ix.meta(s);
            const key = m.ns !== UNK && m.name !== UNK ? `${m.ns}/${m.name}` : undefined;
            if (key) this.serviceKeys.add(key);
            if (m.name !== UNK) this.serviceNames.add(m.name);
            let reason = labelReason(s, config.gatewayLabels);
            if (!reason && s.parent && charts.has(s.parent)) {
                reason = `rendered by Istio gateway chart ${s.parent.type} "${s.parent.name}"`;
            }
            if (!reason && key && chartKeys.has(key)) {
                const c = chartKeys.get(key)!;
                reason = `the Service of Istio gateway chart ${c.type} "${c.name}"`;
            }
            if (!reason && key && istioGateways.has(key)) {
                reason = `provisioned by Istio for Gateway "${istioGateways.get(key)!.name}" (class istio)`;
            }
            if (!reason && this.gatewayPodsByRes.size) reason = this.podsReason(s, m.ns);
            if (!reason) continue;
            this.add(
                {
                    key: key ?? `${nameText(m.ns)}/${s.name}`,
                    resource: s,
                    hop: hopOf(s, { k8s: ix.k8sName(s), note: `Istio gateway: ${reason}` }),
                    nodePorts: items(s.props, "spec", "ports")
                        .map((p) => num(p, "nodePort"))
                        .filter((n): n is number => typeof n === "number"),
                    source: "service",
                },
                m,
            );
        }
        for (const [r, s] of charts) {
            const key = `${nameText(s.ns)}/${s.name}`;
            if (this.serviceKeys.has(key)) continue; // a rendered child of the same namespace/name wins
            this.serviceKeys.add(key);
            this.serviceNames.add(s.name);
            this.add(
                {
                    key,
                    resource: r,
                    hop: {
                        type: SERVICE_TYPE,
                        name: s.name,
                        k8s: key,
                        note: `Istio gateway: the Service of Istio gateway chart ${r.type} "${r.name}"`,
                    },
                    nodePorts: items(r.props, "values", "service", "ports")
                        .map((p) => num(p, "nodePort"))
                        .filter((n): n is number => typeof n === "number"),
                    source: "chart",
                },
                { ns: s.ns, name: s.name },
            );
        }
        for (const [key, g] of istioGateways) {
            if (this.serviceKeys.has(key)) continue;
            this.serviceKeys.add(key);
            const m = ix.meta(g);
            const name = `${m.name as string}-istio`;
            this.serviceNames.add(name);
            this.add(
                {
                    key,
                    resource: g,
                    hop: {
                        type: SERVICE_TYPE,
                        name,
                        k8s: key,
                        note: `Istio gateway: provisioned by Istio for ${g.type} "${g.name}" (class istio)`,
                    },
                    nodePorts: [],
                    source: "istioGateway",
                },
                { ns: m.ns, name },
            );
        }
        this.addAliases();
    }

    /** ExternalName Services naming a gateway Service's cluster DNS name are hops to it. */
    private addAliases(): void {
        for (const s of this.index.list("service")) {
            if (!this.byRes.has(s) && str(s.props, "spec", "type") === "ExternalName") this.aliasTargets(s);
        }
    }

    private aliasTargets(s: R): void {
        if (this.aliasesFollowed.has(s)) return; // done, or an ExternalName loop
        this.aliasesFollowed.add(s);
        const ix = this.index;
        const m = ix.meta(s);
        const ext = str(s.props, "spec", "externalName");
        let found: GatewayTarget[] = [];
        if (ext === UNK) {
            // Taken from another resource's output at preview: follow what the Service depends on.
            found = this.resolveService(UNK, UNK, s);
        } else if (typeof ext === "string") {
            const ref = clusterDnsService(ext);
            if (ref) {
                for (const other of ix.servicesByKey.get(`${ref.ns}/${ref.name}`) ?? []) {
                    if (other !== s && str(other.props, "spec", "type") === "ExternalName")
                        this.aliasTargets(other);
                }
                found = this.resolveService(ref.ns, ref.name, s);
            }
        }
        const key = m.ns !== UNK && m.name !== UNK ? `${m.ns}/${m.name}` : `${nameText(m.ns)}/${s.name}`;
        const hop = hopOf(s, {
            k8s: ix.k8sName(s),
            note: `ExternalName ${ext === UNK ? "<unknown at preview>" : String(ext)}: a DNS alias of the gateway Service`,
        });
        for (const t of found) {
            if (t.resource === s) continue;
            this.add(
                {
                    key,
                    resource: s,
                    hop: t.hop,
                    lead: [hop, ...(t.lead ?? [])],
                    nodePorts: [],
                    source: "alias",
                },
                m,
            );
        }
    }

    /** Why a workload's pods are an Istio gateway, with their labels; undefined for other workloads. */
    private gatewayWorkload(w: R, charts: Map<R, unknown>): GatewayPods | undefined {
        const pod = w.type === "kubernetes:core/v1:Pod";
        const meta = pod ? ["metadata"] : ["spec", "template", "metadata"];
        const spec = pod ? ["spec"] : ["spec", "template", "spec"];
        const labels = strMap(w.props, ...meta, "labels").map;
        const where = pod ? "pod label" : "pod template label";
        let reason = labelMapReason(labels, where, this.config.gatewayLabels, true);
        if (!reason) {
            const t = str(w.props, ...meta, "annotations", "inject.istio.io/templates");
            if (typeof t === "string" && t.split(",").some((x) => x.trim() === "gateway"))
                reason = "pod annotation inject.istio.io/templates: gateway (Istio's gateway injection)";
        }
        if (!reason) {
            for (const c of items(w.props, ...spec, "containers")) {
                if (str(c, "name") !== "istio-proxy") continue;
                const args = items(c, "args").map((a) => (typeof a === "string" ? a : ""));
                const i = args.indexOf("proxy");
                if (i >= 0 && args.slice(i + 1).includes("router")) {
                    reason = 'container istio-proxy runs "proxy router" (an Istio gateway)';
                    break;
                }
            }
        }
        if (!reason && w.parent && charts.has(w.parent))
            reason = `rendered by Istio gateway chart ${w.parent.type} "${w.parent.name}"`;
        return reason ? { workload: w, labels, reason } : undefined;
    }

    /** Why a Service is the gateway by the pods its selector picks, or undefined. */
    private podsReason(svc: R, ns: Name): string | undefined {
        const sel = strMap(svc.props, "spec", "selector");
        if (sel.unknown) {
            // The selector comes from another resource's output at preview: follow what it depends on.
            for (const w of this.index.linked(svc, ["spec"], "workload")) {
                const g = this.gatewayPodsByRes.get(w);
                if (g) return `selector (unknown at preview) taken from ${w.type} "${w.name}": ${g.reason}`;
            }
            return undefined;
        }
        if (sel.map.size === 0 || ns === UNK) return undefined;
        for (const g of this.gatewayPodsByNs.get(ns) ?? []) {
            let all = true;
            for (const [k, v] of sel.map) {
                if (g.labels.get(k) !== v) {
                    all = false;
                    break;
                }
            }
            if (!all) continue;
            const text = [...sel.map].map(([k, v]) => `${k}=${v}`).join(", ");
            return `selector ${text} picks the pods of ${g.workload.type} "${g.workload.name}" (${g.reason})`;
        }
        return undefined;
    }

    private add(t: GatewayTarget, m: K8sMeta): void {
        this.targets.push(t);
        push(this.byKey, t.key, t);
        if (m.name !== UNK) push(this.byName, m.name, t);
        if (t.resource && !this.byRes.has(t.resource)) this.byRes.set(t.resource, t);
        for (const p of t.nodePorts) push(this.byNodePort, p, t);
    }

    /** "alb", "istio", "other" or undefined (class not in the stack, or unknown) for a Gateway API Gateway. */
    gatewayClassController(g: R): "alb" | "istio" | "other" | undefined {
        const cls = str(g.props, "spec", "gatewayClassName");
        let classes: R[] = [];
        if (cls === UNK) classes = this.index.linked(g, ["spec"], "gatewayClass");
        else if (cls === undefined) return undefined;
        else {
            const c = this.index.gatewayClassesByName.get(cls);
            if (!c) return cls === "istio" ? "istio" : undefined;
            classes = [c];
        }
        for (const c of classes) {
            const ctrl = str(c.props, "spec", "controllerName");
            if (ctrl === ALB_GATEWAY_CONTROLLER) return "alb";
            if (ctrl === ISTIO_GATEWAY_CONTROLLER) return "istio";
        }
        return classes.length ? "other" : undefined;
    }

    /** The gateway target standing for a resource (Service, gateway chart, Istio Gateway), if any. */
    targetOf(r: R): GatewayTarget | undefined {
        return this.byRes.get(r);
    }

    private namedTarget(ns: string, name: string): GatewayTarget {
        const key = `${ns}/${name}`;
        let t = this.named.get(key);
        if (!t) {
            t = {
                key,
                hop: {
                    type: SERVICE_TYPE,
                    name,
                    k8s: key,
                    note: "Istio gateway: configured gateway Service name (gatewayServiceNames), Service not in this stack",
                },
                nodePorts: [],
                source: "name",
            };
            this.named.set(key, t);
        }
        return t;
    }

    /** The gateway targets a Service reference (namespace, name) from `from` resolves to. */
    resolveService(ns: Name, name: Name | undefined, from: R): GatewayTarget[] {
        if (name === undefined || name === "") return [];
        if (name === UNK) {
            // The name comes from another resource's output: follow the referring object's dependencies.
            const out: GatewayTarget[] = [];
            for (const d of from.dependencies ?? []) {
                const t = this.byRes.get(d);
                if (t && !out.includes(t)) out.push(t);
            }
            return out;
        }
        if (ns === UNK) {
            const ts = this.byName.get(name);
            if (ts) return ts;
            return !this.serviceNames.has(name) && this.config.gatewayServiceNames.includes(name)
                ? [this.namedTarget("*", name)]
                : [];
        }
        const key = `${ns}/${name}`;
        const ts = this.byKey.get(key);
        if (ts) return ts;
        if (this.serviceKeys.has(key)) return [];
        return this.config.gatewayServiceNames.includes(name) ? [this.namedTarget(ns, name)] : [];
    }

    /** The gateway targets a TargetGroupBinding's serviceRef resolves to (in the binding's namespace). */
    private bindingTargets(b: R): GatewayTarget[] {
        return this.resolveService(this.index.meta(b).ns, str(b.props, "spec", "serviceRef", "name"), b);
    }

    /** How a target group reaches the gateway: TargetGroupBinding, or node attachments on its NodePort. */
    reach(tg: R): Reach[] {
        let out = this.reachCache.get(tg);
        if (out) return out;
        out = [];
        for (const b of this.index.tgbsByTg.get(tg) ?? []) {
            for (const t of this.bindingTargets(b)) out.push({ via: b, target: t });
        }
        const attachments = this.index.attachmentsByTg.get(tg) ?? [];
        // The port taken from the gateway Service's nodePort output: linked by propertyDependencies.
        const portTargets = new Set<GatewayTarget>();
        for (const d of this.index.linked(tg, ["port"], undefined)) {
            const t = this.byRes.get(d);
            if (t) portTargets.add(t);
        }
        if (portTargets.size === 0 && attachments.length) {
            const port = num(tg.props, "port");
            if (typeof port === "number") for (const t of this.byNodePort.get(port) ?? []) portTargets.add(t);
        }
        for (const t of portTargets) out.push({ via: attachments[0], target: t });
        this.reachCache.set(tg, out);
        return out;
    }

    /** `application` (also when unset), `network`, `gateway`, or `unknown`, refined by listener protocols. */
    lbKind(lb: R): AwsPath["lbKind"] {
        const t = str(lb.props, "loadBalancerType");
        if (t === undefined || t === "application") return "application";
        if (t === "network" || t === "gateway") return t;
        if (t !== UNK) return "unknown";
        const protos = (this.index.listenersByLb.get(lb) ?? []).map((l) => str(l.props, "protocol"));
        if (protos.some((p) => p === "HTTP" || p === "HTTPS")) return "application";
        if (
            protos.length &&
            protos.every((p) => typeof p === "string" && /^(TCP|TLS|UDP|TCP_UDP)$/.test(p))
        ) {
            return "network";
        }
        return "unknown";
    }

    /** Every LB -> listener [-> rule] -> target group -> gateway path, for every kind of LB. */
    awsPaths(): AwsPath[] {
        if (this.awsPathsCache) return this.awsPathsCache;
        const out: AwsPath[] = [];
        for (const lb of this.index.list("lb")) {
            const listeners = this.index.listenersByLb.get(lb);
            if (!listeners) continue;
            const lbKind = this.lbKind(lb);
            for (const listener of listeners) {
                for (const s of this.index.forwards(listener)) {
                    for (const r of this.reach(s.tg)) {
                        out.push({
                            lb,
                            lbKind,
                            listener,
                            rule: s.rule,
                            tg: s.tg,
                            via: r.via,
                            target: r.target,
                        });
                    }
                }
            }
        }
        this.awsPathsCache = out;
        return out;
    }

    /** The hops of an AWS path, LB to gateway. */
    awsHops(p: AwsPath): Hop[] {
        const lbNote =
            p.lbKind === "unknown"
                ? "loadBalancerType unknown at preview: treated as application"
                : str(p.lb.props, "loadBalancerType") === "application"
                  ? "loadBalancerType: application"
                  : "loadBalancerType unset: application by default";
        const hops: Hop[] = [hopOf(p.lb, { note: lbNote })];
        const proto = str(p.listener.props, "protocol");
        const port = num(p.listener.props, "port");
        hops.push(
            hopOf(p.listener, {
                note:
                    typeof proto === "string" || typeof port === "number"
                        ? `${nameText(proto)} ${String(port ?? "")}`.trim()
                        : undefined,
            }),
        );
        if (p.rule) hops.push(hopOf(p.rule, { note: "forward action" }));
        hops.push(hopOf(p.tg, { note: p.rule ? undefined : "default forward action" }));
        if (p.via) hops.push(this.viaHop(p.via));
        hops.push(...targetHops(p.target));
        return hops;
    }

    /** The hop of what joins a target group to the gateway: a TargetGroupBinding, or a node attachment. */
    viaHop(via: R): Hop {
        const ix = this.index;
        return ix.kind(via) === "tgb"
            ? hopOf(via, { k8s: ix.k8sName(via), note: "serviceRef" })
            : hopOf(via, { note: "nodes registered on the gateway NodePort" });
    }

    /** Why an Ingress is served by an ALB (AWS Load Balancer Controller, EKS Auto Mode), or undefined. */
    albIngress(ing: R): string | undefined {
        const ix = this.index;
        const ann = strMap(ing.props, "metadata", "annotations").map;
        const a = ann.get("kubernetes.io/ingress.class");
        if (a === "alb") return "annotation kubernetes.io/ingress.class: alb";
        const cn = str(ing.props, "spec", "ingressClassName");
        const albController = (c: R): string | undefined => {
            const ctrl = str(c.props, "spec", "controller");
            return typeof ctrl === "string" && ALB_INGRESS_CONTROLLERS.includes(ctrl) ? ctrl : undefined;
        };
        if (typeof cn === "string") {
            const c = ix.ingressClassesByName.get(cn);
            if (c) {
                const ctrl = albController(c);
                return ctrl ? `ingressClassName ${cn}: IngressClass controller ${ctrl}` : undefined;
            }
            return cn === "alb"
                ? "ingressClassName: alb (the AWS Load Balancer Controller's class)"
                : undefined;
        }
        if (cn === UNK) {
            for (const c of ix.linked(ing, ["spec"], "ingressClass")) {
                const ctrl = albController(c);
                if (ctrl) return `IngressClass "${c.name}" controller ${ctrl}`;
            }
            return undefined;
        }
        if (a !== undefined) return undefined;
        for (const c of ix.list("ingressClass")) {
            const isDefault =
                strMap(c.props, "metadata", "annotations").map.get(
                    "ingressclass.kubernetes.io/is-default-class",
                ) === "true";
            const ctrl = isDefault ? albController(c) : undefined;
            const n = ix.meta(c).name;
            if (ctrl) return `no class: default IngressClass "${n === UNK ? c.name : n}" controller ${ctrl}`;
        }
        return undefined;
    }

    /**
     * The backends of an Ingress: rules, default backend, old shape, and the forward actions of
     * `alb.ingress.kubernetes.io/actions.<name>` annotations (read as the controller reads them: Go's
     * case-insensitive JSON field names; Services by name, target groups by ARN or name). The
     * `conditions.<name>` annotations only narrow when an action applies, so they name no backend.
     */
    ingressBackends(ing: R): IngressBackend[] {
        const out: IngressBackend[] = [];
        const anns = strMap(ing.props, "metadata", "annotations");
        const ann = anns.map;
        const add = (backend: unknown, where: string): void => {
            if (!backend || backend === UNK) return;
            const svc = str(backend, "service", "name") ?? str(backend, "serviceName");
            const port = str(backend, "service", "port", "name") ?? str(backend, "servicePort");
            if (port === "use-annotation" && typeof svc === "string") {
                const key = `alb.ingress.kubernetes.io/actions.${svc}`;
                const at = `${where} -> forward action in annotation ${key}`;
                const raw = ann.get(key);
                if (raw === undefined) {
                    // Unknown at preview (e.g. built from a target group's ARN output): follow the
                    // resources the Ingress's metadata depends on.
                    if (anns.unknown)
                        out.push({ where: at, linked: this.index.linked(ing, ["metadata"], undefined) });
                    return;
                }
                let action: unknown;
                try {
                    action = JSON.parse(raw);
                } catch {
                    return;
                }
                const forward = jsonField(action, "forwardConfig");
                const tuples = [...jsonArray(forward, "targetGroups"), ...jsonArray(action, "targetGroups")];
                const top = jsonString(action, "targetGroupARN");
                if (top) out.push({ where: at, targetGroup: top });
                for (const tg of tuples) {
                    const name = jsonString(tg, "serviceName");
                    if (name) out.push({ where: at, name });
                    const ref = jsonString(tg, "targetGroupARN") ?? jsonString(tg, "targetGroupName");
                    if (ref) out.push({ where: at, targetGroup: ref });
                }
                return;
            }
            if (svc !== undefined) out.push({ name: svc, where });
        };
        add(get(ing.props, "spec", "defaultBackend"), "spec.defaultBackend");
        add(get(ing.props, "spec", "backend"), "spec.backend");
        items(ing.props, "spec", "rules").forEach((rule, i) => {
            const host = str(rule, "host");
            items(rule, "http", "paths").forEach((p, j) => {
                const path = str(p, "path");
                const label = [
                    typeof host === "string" ? host : "",
                    typeof path === "string" ? path : "",
                ].join("");
                add(get(p, "backend"), `spec.rules[${i}].http.paths[${j}]${label ? ` ${label}` : ""}`);
            });
        });
        return out;
    }

    /**
     * Where a target group named by ARN or name leads: target groups of the stack with that `arn` or
     * `name` (and their bindings/attachments), and TargetGroupBindings of that ARN or name.
     */
    targetGroupReach(ref: string): { tg?: R; via?: R; target: GatewayTarget }[] {
        const out: { tg?: R; via?: R; target: GatewayTarget }[] = [];
        const seen = new Set<R>();
        for (const tg of this.index.tgsByRef.get(ref) ?? []) {
            for (const r of this.reach(tg)) {
                if (r.via) seen.add(r.via);
                out.push({ tg, via: r.via, target: r.target });
            }
        }
        for (const b of this.index.tgbsByRef.get(ref) ?? []) {
            if (seen.has(b)) continue;
            for (const t of this.bindingTargets(b)) out.push({ via: b, target: t });
        }
        return out;
    }

    /** The chains ALB -> ... -> Istio gateway, one per origin and gateway. */
    albChains(): Chain[] {
        if (this.albChainsCache) return this.albChainsCache;
        const ix = this.index;
        const byId = new Map<string, Chain>();
        const add = (
            origin: R,
            target: GatewayTarget,
            hops: () => Hop[],
            extra: { aws?: AwsPath; problem?: string } = {},
        ): void => {
            const id = `${origin.urn}\u0000${target.key}`;
            const c = byId.get(id);
            if (c) {
                c.otherPaths++;
                c.problem ??= extra.problem;
            } else byId.set(id, { origin, target, hops: hops(), otherPaths: 0, ...extra });
        };
        // 1. AWS resources.
        for (const p of this.awsPaths()) {
            if (p.lbKind === "application" || p.lbKind === "unknown")
                add(p.lb, p.target, () => this.awsHops(p), { aws: p });
        }
        // 2. Ingress served by an ALB.
        for (const ing of ix.list("ingress")) {
            const why = this.albIngress(ing);
            if (!why) continue;
            const ns = ix.meta(ing).ns;
            const ingHop = (where: string): Hop =>
                hopOf(ing, { k8s: ix.k8sName(ing), note: `ALB: ${why}; backend ${where}` });
            const tgHops = (tg: R | undefined, via: R | undefined): Hop[] => {
                const hops: Hop[] = [];
                if (tg) hops.push(hopOf(tg));
                if (via) hops.push(this.viaHop(via));
                return hops;
            };
            for (const b of this.ingressBackends(ing)) {
                if (b.name !== undefined) {
                    for (const t of this.resolveService(ns, b.name, ing))
                        add(ing, t, () => [ingHop(b.where), ...targetHops(t)]);
                }
                if (b.targetGroup !== undefined) {
                    const where = `${b.where} (target group ${b.targetGroup})`;
                    for (const r of this.targetGroupReach(b.targetGroup))
                        add(ing, r.target, () => [
                            ingHop(where),
                            ...tgHops(r.tg, r.via),
                            ...targetHops(r.target),
                        ]);
                }
                for (const d of b.linked ?? []) {
                    const where = `${b.where} (unknown at preview; the Ingress depends on ${d.type} "${d.name}")`;
                    if (ix.kind(d) === "targetGroup") {
                        for (const r of this.reach(d))
                            add(ing, r.target, () => [
                                ingHop(where),
                                ...tgHops(d, r.via),
                                ...targetHops(r.target),
                            ]);
                    }
                    const t = this.byRes.get(d);
                    if (t) add(ing, t, () => [ingHop(where), ...targetHops(t)]);
                }
            }
        }
        // 3. Gateway API on an ALB.
        for (const g of ix.list("gateway")) {
            if (this.gatewayClassController(g) !== "alb") continue;
            const cls = str(g.props, "spec", "gatewayClassName");
            for (const route of ix.routesByGateway.get(g) ?? []) {
                const rns = ix.meta(route).ns;
                const routeKind = route.type.slice(route.type.lastIndexOf(":") + 1);
                // An ALB listens for HTTP(S) only: the controller never programs a Layer-4 route on it.
                const problem = /^(TLS|TCP|UDP)Route$/.test(routeKind)
                    ? `${routeKind} "${ix.k8sName(route)}" on ALB Gateway "${ix.k8sName(g)}": not possible, an ALB only serves HTTP(S) routes (HTTPRoute, GRPCRoute), so this route is never programmed. For TLS passthrough to Istio, use an NLB (GatewayClass controller gateway.k8s.aws/nlb, or the gateway Service's NLB).`
                    : undefined;
                items(route.props, "spec", "rules").forEach((rule, i) => {
                    items(rule, "backendRefs").forEach((ref, j) => {
                        const kind = str(ref, "kind") ?? "Service";
                        const group = str(ref, "group") ?? "";
                        if (kind !== "Service" || (group !== "" && group !== "core")) return;
                        const ns = str(ref, "namespace") ?? rns;
                        for (const t of this.resolveService(ns, str(ref, "name"), route)) {
                            add(
                                g,
                                t,
                                () => [
                                    hopOf(g, {
                                        k8s: ix.k8sName(g),
                                        note: `ALB: gatewayClassName ${nameText(cls)}, controller ${ALB_GATEWAY_CONTROLLER}`,
                                    }),
                                    hopOf(route, {
                                        k8s: ix.k8sName(route),
                                        note: `spec.rules[${i}].backendRefs[${j}]${problem ? `; ${routeKind} on an ALB: not possible` : ""}`,
                                    }),
                                    ...targetHops(t),
                                ],
                                { problem },
                            );
                        }
                    });
                });
            }
        }
        this.albChainsCache = [...byId.values()];
        return this.albChainsCache;
    }
}

interface CacheEntry {
    index: StackIndex;
    analyses: Map<string, Analysis>;
}
const cache = new WeakMap<R[], CacheEntry>();

/** The analysis of a stack's resources under a gateway config, built once per resources array and config. */
export function analyze(resources: R[], config: GatewayConfig): Analysis {
    let e = cache.get(resources);
    if (!e) {
        e = { index: new StackIndex(resources), analyses: new Map() };
        cache.set(resources, e);
    }
    const key = gatewayConfigKey(config);
    let a = e.analyses.get(key);
    if (!a) {
        a = new Analysis(e.index, config);
        e.analyses.set(key, a);
    }
    return a;
}

/** Identifiers an exemption pattern may match for a set of hops. */
export function hopIdentifiers(hops: Hop[]): string[] {
    const ids: string[] = [];
    for (const h of hops) {
        ids.push(h.name);
        if (h.urn) ids.push(h.urn);
        if (h.k8s) ids.push(h.k8s);
    }
    return ids;
}
