// Edge rules of an Ingress the AWS Load Balancer Controller serves: each backend it forwards to, a
// Service by name, a target group by ARN or name (and the bindings of that ARN or name), or, at
// preview, what the Ingress depends on.
import type { Edge, EdgeRule } from "../traffic";
import { R } from "../model";
import { ingressBackends } from "../recognisers/loadBalancerController";
import { bindingNode, targetGroupNode } from "./elb";

const backends: EdgeRule = (n, g) => {
    const ix = g.index;
    const ing = n.res!;
    const ns = ix.meta(ing).ns;
    const out: Edge[] = [];
    for (const b of ingressBackends(ix, ing)) {
        if (b.name !== undefined) {
            for (const t of g.gateways.resolveService(ns, b.name, ing))
                out.push({ to: g.gateway(t), evidence: "name", fromNote: `backend ${b.where}` });
        }
        if (b.targetGroup !== undefined) {
            const fromNote = `backend ${b.where} (target group ${b.targetGroup})`;
            const bound = new Set<R>();
            for (const tg of ix.tgsByRef.get(b.targetGroup) ?? []) {
                for (const tgb of ix.tgbsByTg.get(tg) ?? []) bound.add(tgb);
                out.push({ to: targetGroupNode(g, tg), evidence: "value", fromNote });
            }
            // Bindings of that ARN or name whose target group the stack does not declare.
            for (const tgb of ix.tgbsByRef.get(b.targetGroup) ?? []) {
                if (!bound.has(tgb)) out.push({ to: bindingNode(g, tgb), evidence: "value", fromNote });
            }
        }
        for (const d of b.linked ?? []) {
            const fromNote = `backend ${b.where} (unknown at preview; the Ingress depends on ${d.type} "${d.name}")`;
            if (ix.kind(d) === "targetGroup")
                out.push({ to: targetGroupNode(g, d), evidence: "dependency", fromNote });
            const t = g.gateways.targetOf(d);
            if (t) out.push({ to: g.gateway(t), evidence: "dependency", fromNote });
        }
    }
    return out;
};

export const ingressEdges = { ingress: [backends] };
