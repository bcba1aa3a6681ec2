// Every edge rule, by the kind of node it leaves. A new way traffic is wired is a rule in its own module.
import type { EdgeRule, NodeKind } from "../traffic";
import { elbEdges } from "./elb";
import { gatewayApiEdges } from "./gatewayApi";
import { ingressEdges } from "./ingress";

export const EDGE_RULES: Partial<Record<NodeKind, EdgeRule[]>> = {
    ...elbEdges,
    ...ingressEdges,
    ...gatewayApiEdges,
};
