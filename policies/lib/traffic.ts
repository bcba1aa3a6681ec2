// The typed graph the guardrail searches: nodes for what carries traffic (load balancer, listener,
// rule, target group, registration, Ingress, Gateway API Gateway and route, and the Istio gateway
// itself), and edges between them, each with the evidence that links them. Nodes are made on demand
// and each node's edges are computed once, by the edge rules of its kind (policies/lib/edges/), so a
// search touches only what is reachable from its origins.
//
import type { Gateways } from "./gateways";
import { GatewayTarget, Hop, R } from "./model";
import type { StackIndex } from "./stackIndex";

export type NodeKind =
    | "loadBalancer"
    | "listener"
    | "rule"
    | "targetGroup"
    | "registration"
    | "ingress"
    | "apiGateway"
    | "route"
    | "gateway";

/**
 * What links two nodes: a Pulumi `dependency` (propertyDependencies/dependencies), a literal `value`
 * (an ARN, a target group name), a Kubernetes `name` reference (namespace/name), a label `selector`,
 * a `dns` name, or a `port` (a NodePort).
 */
export type Evidence = "dependency" | "value" | "name" | "selector" | "dns" | "port";

export interface GraphNode {
    kind: NodeKind;
    /** The resource the node stands for (absent only for a gateway with no resource). */
    res?: R;
    /** The resource that gives this node its meaning on a path: a registration's target group, a route's Gateway. */
    ctx?: R;
    /** Set on gateway-kind nodes: the search ends here. */
    target?: GatewayTarget;
    /** How the node prints (gateway-kind nodes print their target's hops instead). */
    hop?: Hop;
}

export interface Edge {
    to: GraphNode;
    evidence: Evidence;
    /** Appended to the hop of the node the edge leaves (e.g. which backend of an Ingress). */
    fromNote?: string;
    /** Appended to the hop of the node the edge enters (e.g. a listener's default forward action). */
    toNote?: string;
    /** What makes any path over this edge invalid on top of being double Layer 7. */
    problem?: string;
}

/** The edges leaving a node of one kind. */
export type EdgeRule = (n: GraphNode, g: Graph) => Edge[];

export class Graph {
    /** Nodes by kind, context (the resource itself when there is none) and resource. */
    private readonly nodes = new Map<NodeKind, Map<R, Map<R, GraphNode>>>();
    private readonly targetNodes = new Map<GatewayTarget, GraphNode>();
    private readonly outs = new Map<GraphNode, Edge[]>();

    constructor(
        readonly index: StackIndex,
        readonly gateways: Gateways,
        private readonly rules: Partial<Record<NodeKind, EdgeRule[]>>,
    ) {}

    /** The node of `kind` for `res` (in context `ctx`), made once with `hop`. */
    node(kind: NodeKind, res: R, hop: () => Hop, ctx?: R): GraphNode {
        let byCtx = this.nodes.get(kind);
        if (!byCtx) this.nodes.set(kind, (byCtx = new Map()));
        const c = ctx ?? res;
        let byRes = byCtx.get(c);
        if (!byRes) byCtx.set(c, (byRes = new Map()));
        let n = byRes.get(res);
        if (!n) {
            n = { kind, res, ctx, hop: hop() };
            byRes.set(res, n);
        }
        return n;
    }

    /** The gateway-kind node of a target. */
    gateway(t: GatewayTarget): GraphNode {
        let n = this.targetNodes.get(t);
        if (!n) {
            n = { kind: "gateway", res: t.resource, target: t };
            this.targetNodes.set(t, n);
        }
        return n;
    }

    /** The edges leaving `n`, in rule order. */
    out(n: GraphNode): Edge[] {
        let es = this.outs.get(n);
        if (!es) {
            es = [];
            for (const rule of this.rules[n.kind] ?? []) es.push(...rule(n, this));
            this.outs.set(n, es);
        }
        return es;
    }
}
