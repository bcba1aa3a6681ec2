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
    ALB_INGRESS_CONTROLLER,
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
    nodePorts: number[];
    source: "service" | "chart" | "istioGateway" | "name";
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
        for (const b of this.list("tgb")) {
            for (const tg of this.linked(b, ["spec"], "targetGroup")) push(this.tgbsByTg, tg, b);
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

/** Why a Service's labels or selector mark it as an Istio ingress gateway, or undefined. */
function labelReason(svc: R, extra: Record<string, string>): string | undefined {
    for (const [where, path] of [
        ["selector", ["spec", "selector"]],
        ["label", ["metadata", "labels"]],
    ] as const) {
        const { map } = strMap(svc.props, ...path);
        if (map.size === 0) continue;
        if (map.get("istio") === "ingressgateway") return `${where} istio=ingressgateway`;
        if (map.get("app") === "istio-ingressgateway") return `${where} app=istio-ingressgateway`;
        if (map.has("istio.io/gateway-name"))
            return `${where} istio.io/gateway-name=${map.get("istio.io/gateway-name")}`;
        for (const [k, v] of Object.entries(extra)) {
            if (map.has(k) && (v === "*" || map.get(k) === v))
                return `${where} ${k}=${map.get(k)} (configured)`;
        }
        // Istio's gateway chart: app=<name>, istio=<name without "istio-">.
        const istio = map.get("istio");
        const app = map.get("app");
        if (istio && app && istio !== "pilot" && (app === istio || app === `istio-${istio}`)) {
            return `${where} app=${app}, istio=${istio} (Istio gateway chart)`;
        }
        const appName = map.get("app.kubernetes.io/name");
        if (appName && appName !== "istiod" && [...map.keys()].some((k) => ISTIO_MARKER.test(k))) {
            if (app === appName || appName.includes("gateway")) {
                return `${where} app.kubernetes.io/name=${appName} with istio.io markers (Istio gateway chart)`;
            }
        }
    }
    return undefined;
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

    /** How a target group reaches the gateway: TargetGroupBinding, or node attachments on its NodePort. */
    reach(tg: R): Reach[] {
        let out = this.reachCache.get(tg);
        if (out) return out;
        out = [];
        for (const b of this.index.tgbsByTg.get(tg) ?? []) {
            const ns = this.index.meta(b).ns;
            for (const t of this.resolveService(ns, str(b.props, "spec", "serviceRef", "name"), b)) {
                out.push({ via: b, target: t });
            }
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
                const steps: { rule?: R; tg: R }[] = [];
                for (const tg of this.index.linked(listener, ["defaultActions"], "targetGroup"))
                    steps.push({ tg });
                for (const rule of this.index.rulesByListener.get(listener) ?? []) {
                    for (const tg of this.index.linked(rule, ["actions"], "targetGroup"))
                        steps.push({ rule, tg });
                }
                for (const s of steps) {
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
        const ix = this.index;
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
        if (p.via) {
            const k = ix.kind(p.via);
            hops.push(
                k === "tgb"
                    ? hopOf(p.via, { k8s: ix.k8sName(p.via), note: "serviceRef" })
                    : hopOf(p.via, { note: "nodes registered on the gateway NodePort" }),
            );
        }
        hops.push(p.target.hop);
        return hops;
    }

    /** Why an Ingress is served by the AWS Load Balancer Controller (an ALB), or undefined. */
    albIngress(ing: R): string | undefined {
        const ix = this.index;
        const ann = strMap(ing.props, "metadata", "annotations").map;
        const a = ann.get("kubernetes.io/ingress.class");
        if (a === "alb") return "annotation kubernetes.io/ingress.class: alb";
        const cn = str(ing.props, "spec", "ingressClassName");
        const albClass = (classes: R[]): R | undefined =>
            classes.find((c) => {
                const ctrl = str(c.props, "spec", "controller");
                return ctrl === ALB_INGRESS_CONTROLLER;
            });
        if (typeof cn === "string") {
            const c = ix.ingressClassesByName.get(cn);
            if (c) {
                return albClass([c])
                    ? `ingressClassName ${cn}: IngressClass controller ${ALB_INGRESS_CONTROLLER}`
                    : undefined;
            }
            return cn === "alb"
                ? "ingressClassName: alb (the AWS Load Balancer Controller's class)"
                : undefined;
        }
        if (cn === UNK) {
            const c = albClass(ix.linked(ing, ["spec"], "ingressClass"));
            return c ? `IngressClass "${c.name}" controller ${ALB_INGRESS_CONTROLLER}` : undefined;
        }
        if (a !== undefined) return undefined;
        const def = albClass(
            ix
                .list("ingressClass")
                .filter(
                    (c) =>
                        strMap(c.props, "metadata", "annotations").map.get(
                            "ingressclass.kubernetes.io/is-default-class",
                        ) === "true",
                ),
        );
        return def
            ? `no class: default IngressClass "${ix.k8sName(def)}" controller ${ALB_INGRESS_CONTROLLER}`
            : undefined;
    }

    /** The Service backends of an Ingress: rules, default backend, old shape, annotation forward actions. */
    ingressBackends(ing: R): { name: Name; where: string }[] {
        const out: { name: Name; where: string }[] = [];
        const ann = strMap(ing.props, "metadata", "annotations").map;
        const add = (backend: unknown, where: string): void => {
            if (!backend || backend === UNK) return;
            const svc = str(backend, "service", "name") ?? str(backend, "serviceName");
            const port = str(backend, "service", "port", "name") ?? str(backend, "servicePort");
            if (port === "use-annotation" && typeof svc === "string") {
                const key = `alb.ingress.kubernetes.io/actions.${svc}`;
                const raw = ann.get(key);
                if (!raw) return;
                let action: any;
                try {
                    action = JSON.parse(raw);
                } catch {
                    return;
                }
                const tgs = [
                    ...(Array.isArray(action?.forwardConfig?.targetGroups)
                        ? action.forwardConfig.targetGroups
                        : []),
                    ...(Array.isArray(action?.targetGroups) ? action.targetGroups : []),
                ];
                for (const tg of tgs) {
                    if (typeof tg?.serviceName === "string") {
                        out.push({
                            name: tg.serviceName,
                            where: `${where} -> forward action in annotation ${key}`,
                        });
                    }
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

    /** The chains ALB -> ... -> Istio gateway, one per origin and gateway. */
    albChains(): Chain[] {
        if (this.albChainsCache) return this.albChainsCache;
        const ix = this.index;
        const byId = new Map<string, Chain>();
        const add = (origin: R, target: GatewayTarget, hops: () => Hop[], aws?: AwsPath): void => {
            const id = `${origin.urn}\u0000${target.key}`;
            const c = byId.get(id);
            if (c) c.otherPaths++;
            else byId.set(id, { origin, target, hops: hops(), otherPaths: 0, aws });
        };
        // 1. AWS resources.
        for (const p of this.awsPaths()) {
            if (p.lbKind === "application" || p.lbKind === "unknown")
                add(p.lb, p.target, () => this.awsHops(p), p);
        }
        // 2. Ingress served by the ALB controller.
        for (const ing of ix.list("ingress")) {
            const why = this.albIngress(ing);
            if (!why) continue;
            const ns = ix.meta(ing).ns;
            for (const b of this.ingressBackends(ing)) {
                for (const t of this.resolveService(ns, b.name, ing)) {
                    add(ing, t, () => [
                        hopOf(ing, { k8s: ix.k8sName(ing), note: `ALB: ${why}; backend ${b.where}` }),
                        t.hop,
                    ]);
                }
            }
        }
        // 3. Gateway API on an ALB.
        for (const g of ix.list("gateway")) {
            if (this.gatewayClassController(g) !== "alb") continue;
            const cls = str(g.props, "spec", "gatewayClassName");
            for (const route of ix.routesByGateway.get(g) ?? []) {
                const rns = ix.meta(route).ns;
                items(route.props, "spec", "rules").forEach((rule, i) => {
                    items(rule, "backendRefs").forEach((ref, j) => {
                        const kind = str(ref, "kind") ?? "Service";
                        const group = str(ref, "group") ?? "";
                        if (kind !== "Service" || (group !== "" && group !== "core")) return;
                        const ns = str(ref, "namespace") ?? rns;
                        for (const t of this.resolveService(ns, str(ref, "name"), route)) {
                            add(g, t, () => [
                                hopOf(g, {
                                    k8s: ix.k8sName(g),
                                    note: `ALB: gatewayClassName ${nameText(cls)}, controller ${ALB_GATEWAY_CONTROLLER}`,
                                }),
                                hopOf(route, {
                                    k8s: ix.k8sName(route),
                                    note: `spec.rules[${i}].backendRefs[${j}]`,
                                }),
                                t.hop,
                            ]);
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
