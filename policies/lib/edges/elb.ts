// Edge rules of Elastic Load Balancing: load balancer -> listener -> [rule ->] target group ->
// registration (TargetGroupBinding, or nodes attached on the gateway's NodePort) -> gateway.
import type { Edge, EdgeRule, Graph, GraphNode } from "../traffic";
import { GatewayTarget, hopOf, R } from "../model";
import { num, str } from "../props";
import { lbHop, lbKind, listenerHop } from "../recognisers/elb";

export function loadBalancerNode(g: Graph, lb: R): GraphNode {
    return g.node("loadBalancer", lb, () => lbHop(lb, lbKind(g.index, lb)));
}

export function targetGroupNode(g: Graph, tg: R): GraphNode {
    return g.node("targetGroup", tg, () => hopOf(tg));
}

/** A TargetGroupBinding's node (the same whichever target group or Ingress reaches it). */
export function bindingNode(g: Graph, b: R): GraphNode {
    return g.node("registration", b, () => hopOf(b, { k8s: g.index.k8sName(b), note: "serviceRef" }));
}

/** Node attachments registered into `tg`: their gateway depends on the target group's port. */
function attachmentNode(g: Graph, a: R, tg: R): GraphNode {
    return g.node(
        "registration",
        a,
        () => hopOf(a, { note: "nodes registered on the gateway NodePort" }),
        tg,
    );
}

const listeners: EdgeRule = (n, g) =>
    (g.index.listenersByLb.get(n.res!) ?? []).map((l) => ({
        to: g.node("listener", l, () => listenerHop(l)),
        evidence: "dependency",
    }));

/** Default actions first, then each rule's. */
const forwards: EdgeRule = (n, g) => {
    const ix = g.index;
    const out: Edge[] = ix.linked(n.res!, ["defaultActions"], "targetGroup").map((tg) => ({
        to: targetGroupNode(g, tg),
        evidence: "dependency",
        toNote: "default forward action",
    }));
    for (const rule of ix.rulesByListener.get(n.res!) ?? []) {
        out.push({
            to: g.node("rule", rule, () => hopOf(rule, { note: "forward action" })),
            evidence: "dependency",
        });
    }
    return out;
};

const ruleForwards: EdgeRule = (n, g) =>
    g.index.linked(n.res!, ["actions"], "targetGroup").map((tg) => ({
        to: targetGroupNode(g, tg),
        evidence: "dependency",
    }));

/** Gateways whose Service the target group's port is taken from (its nodePort output, at preview). */
function linkedPortTargets(g: Graph, tg: R): Set<GatewayTarget> {
    const out = new Set<GatewayTarget>();
    for (const d of g.index.linked(tg, ["port"], undefined)) {
        const t = g.gateways.targetOf(d);
        if (t) out.add(t);
    }
    return out;
}

/** Gateways whose NodePort is the target group's port (by its link to the gateway's nodePort output, or its value). */
function portTargets(g: Graph, tg: R): Set<GatewayTarget> {
    const out = linkedPortTargets(g, tg);
    if (out.size === 0) {
        const port = num(tg.props, "port");
        if (typeof port === "number") for (const t of g.gateways.byNodePort.get(port) ?? []) out.add(t);
    }
    return out;
}

/** TargetGroupBindings of the target group, then its node attachments when its port is a gateway NodePort. */
const registrations: EdgeRule = (n, g) => {
    const tg = n.res!;
    const out: Edge[] = (g.index.tgbsByTg.get(tg) ?? []).map((b) => ({
        to: bindingNode(g, b),
        evidence: "dependency",
    }));
    const attachments = g.index.attachmentsByTg.get(tg) ?? [];
    if (attachments.length) out.push({ to: attachmentNode(g, attachments[0], tg), evidence: "dependency" });
    // No attachment in the stack, but the port is the gateway's NodePort output: registered elsewhere.
    else for (const t of linkedPortTargets(g, tg)) out.push({ to: g.gateway(t), evidence: "port" });
    return out;
};

/** A binding's serviceRef (in its namespace); attachments: the gateways on the target group's port. */
const registered: EdgeRule = (n, g) => {
    const r = n.res!;
    if (n.ctx) return [...portTargets(g, n.ctx)].map((t) => ({ to: g.gateway(t), evidence: "port" }));
    return g.gateways
        .resolveService(g.index.meta(r).ns, str(r.props, "spec", "serviceRef", "name"), r)
        .map((t) => ({ to: g.gateway(t), evidence: "name" }));
};

export const elbEdges = {
    loadBalancer: [listeners],
    listener: [forwards],
    rule: [ruleForwards],
    targetGroup: [registrations],
    registration: [registered],
};
