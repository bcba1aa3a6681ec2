// The graph's builder: one config-independent index of a stack, built once per resources array.
// It normalises the engine's resources into typed nodes (tokens.ts names each resource's kind: load
// balancer, listener, rule, target group, registration, Service, workload, gateway, Ingress, route)
// and indexes the links between them that need no gateway config. `npm run plan` reads it too.
//
// Links between AWS resources come from `propertyDependencies` (falling back to `dependencies`
// filtered by type when a key is absent). Links between Kubernetes objects are by namespace and name.
// Every prop read goes through lib/props.
import { K8sMeta, Name, nameText, push, R } from "./model";
import { items, str, UNK } from "./props";
import { targetGroupNameOfArn } from "./recognisers/elb";
import { Kind, kindOf } from "./tokens";

export type { K8sMeta, Name };

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
