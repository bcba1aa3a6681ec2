// The gateway-kind nodes of the graph under one gateway config: every Istio ingress gateway Service,
// declared or implied (a gateway chart's Service, the Service istiod provisions for a Gateway of class
// istio, an ExternalName alias of one, a configured name), each with the evidence that makes it one.
// The recognisers say why; this module collects their verdicts and resolves Service references.
import type { GatewayConfig } from "./config";
import { GatewayTarget, hopOf, K8sMeta, Name, nameText, push, R, SERVICE_TYPE } from "./model";
import { items, num, str, strMap, UNK } from "./props";
import { gatewayClassController } from "./recognisers/gatewayApi";
import {
    chartService,
    gatewayWorkload,
    GatewayPods,
    isIstioGatewayChart,
    labelReason,
} from "./recognisers/istio";
import { clusterDnsService, selectedPods } from "./recognisers/kubernetes";
import type { StackIndex } from "./stackIndex";

export class Gateways {
    readonly targets: GatewayTarget[] = [];
    private readonly byKey = new Map<string, GatewayTarget[]>();
    private readonly byName = new Map<string, GatewayTarget[]>();
    private readonly byRes = new Map<R, GatewayTarget>();
    readonly byNodePort = new Map<number, GatewayTarget[]>();
    private readonly serviceKeys = new Set<string>();
    private readonly serviceNames = new Set<string>();
    private readonly named = new Map<string, GatewayTarget>();
    /** Gateway workloads by namespace, and by resource. */
    private readonly gatewayPodsByNs = new Map<string, GatewayPods[]>();
    private readonly gatewayPodsByRes = new Map<R, GatewayPods>();
    /** ExternalName Services already followed (or being followed: a loop stops there). */
    private readonly aliasesFollowed = new Set<R>();

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
            if (gatewayClassController(ix, g) === "istio") istioGateways.set(`${m.ns}/${m.name}-istio`, g);
        }
        const chartKeys = new Map<string, R>();
        for (const [r, s] of charts) if (s.ns !== UNK) chartKeys.set(`${s.ns}/${s.name}`, r);
        for (const w of ix.list("workload")) {
            const g = gatewayWorkload(w, charts, config.gatewayLabels);
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
        const g = selectedPods(sel.map, this.gatewayPodsByNs.get(ns) ?? []);
        if (!g) return undefined;
        const text = [...sel.map].map(([k, v]) => `${k}=${v}`).join(", ");
        return `selector ${text} picks the pods of ${g.workload.type} "${g.workload.name}" (${g.reason})`;
    }

    private add(t: GatewayTarget, m: K8sMeta): void {
        this.targets.push(t);
        push(this.byKey, t.key, t);
        if (m.name !== UNK) push(this.byName, m.name, t);
        if (t.resource && !this.byRes.has(t.resource)) this.byRes.set(t.resource, t);
        for (const p of t.nodePorts) push(this.byNodePort, p, t);
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
}
