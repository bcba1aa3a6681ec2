// Edge rules of the Gateway API on an ALB: Gateway -> its routes -> their Service backendRefs.
import type { Edge, EdgeRule } from "../traffic";
import { hopOf } from "../model";
import { items, str } from "../props";

const routes: EdgeRule = (n, g) =>
    (g.index.routesByGateway.get(n.res!) ?? []).map((route) => ({
        to: g.node("route", route, () => hopOf(route, { k8s: g.index.k8sName(route) }), n.res),
        evidence: "name",
    }));

const backendRefs: EdgeRule = (n, g) => {
    const ix = g.index;
    const route = n.res!;
    const rns = ix.meta(route).ns;
    const routeKind = route.type.slice(route.type.lastIndexOf(":") + 1);
    // An ALB listens for HTTP(S) only: the controller never programs a Layer-4 route on it.
    const problem = /^(TLS|TCP|UDP)Route$/.test(routeKind)
        ? `${routeKind} "${ix.k8sName(route)}" on ALB Gateway "${ix.k8sName(n.ctx!)}": not possible, an ALB only serves HTTP(S) routes (HTTPRoute, GRPCRoute), so this route is never programmed. For TLS passthrough to Istio, use an NLB (GatewayClass controller gateway.k8s.aws/nlb, or the gateway Service's NLB).`
        : undefined;
    const out: Edge[] = [];
    items(route.props, "spec", "rules").forEach((rule, i) => {
        items(rule, "backendRefs").forEach((ref, j) => {
            const kind = str(ref, "kind") ?? "Service";
            const group = str(ref, "group") ?? "";
            if (kind !== "Service" || (group !== "" && group !== "core")) return;
            const ns = str(ref, "namespace") ?? rns;
            for (const t of g.gateways.resolveService(ns, str(ref, "name"), route)) {
                out.push({
                    to: g.gateway(t),
                    evidence: "name",
                    fromNote: `spec.rules[${i}].backendRefs[${j}]${problem ? `; ${routeKind} on an ALB: not possible` : ""}`,
                    problem,
                });
            }
        });
    });
    return out;
};

export const gatewayApiEdges = { apiGateway: [routes], route: [backendRefs] };
