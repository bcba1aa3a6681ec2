// The one search: every path from an origin node to a gateway-kind node, over the graph's edges, no
// node twice on a path. Chains group the paths by origin and gateway; the first path found is the one
// printed, hop by hop, with each edge's notes on the hops it joins.
import type { Edge, Graph, GraphNode } from "./traffic";
import { Chain, Hop, targetHops } from "./model";

/** One node of a path, with the edge that entered it (none for the origin). */
export interface Step {
    node: GraphNode;
    edge?: Edge;
}

/** Calls `visit` with every path from `origin` to a gateway-kind node (the array is reused: copy to keep). */
export function walk(g: Graph, origin: GraphNode, visit: (path: readonly Step[]) => void): void {
    const path: Step[] = [{ node: origin }];
    const onPath = new Set<GraphNode>([origin]);
    const go = (n: GraphNode): void => {
        if (n.target) {
            visit(path);
            return;
        }
        for (const e of g.out(n)) {
            if (onPath.has(e.to)) continue;
            path.push({ node: e.to, edge: e });
            onPath.add(e.to);
            go(e.to);
            path.pop();
            onPath.delete(e.to);
        }
    };
    go(origin);
}

/** The printed hops of a path: each node's hop with the notes of the edges entering and leaving it. */
export function pathHops(path: readonly Step[]): Hop[] {
    const hops: Hop[] = [];
    for (let i = 0; i < path.length; i++) {
        const { node, edge } = path[i];
        if (node.target) {
            hops.push(...targetHops(node.target));
            continue;
        }
        const h = node.hop!;
        const notes = [h.note, edge?.toNote, path[i + 1]?.edge?.fromNote].filter((x) => x);
        hops.push(notes.length === (h.note ? 1 : 0) ? h : { ...h, note: notes.join("; ") });
    }
    return hops;
}

/** Every path from `origin` to a gateway-kind node. */
export function allPaths(g: Graph, origin: GraphNode): Step[][] {
    const out: Step[][] = [];
    walk(g, origin, (path) => out.push([...path]));
    return out;
}

/** The chains from `origins` to gateways: one per origin and gateway, with the number of further paths. */
export function findChains(origins: GraphNode[], pathsFrom: (origin: GraphNode) => Step[][]): Chain[] {
    const byId = new Map<string, Chain>();
    for (const origin of origins) {
        for (const path of pathsFrom(origin)) {
            const target = path[path.length - 1].node.target!;
            const problem = path.find((s) => s.edge?.problem)?.edge?.problem;
            const id = `${origin.res!.urn}\u0000${target.key}`;
            const c = byId.get(id);
            if (c) {
                c.otherPaths++;
                c.problem ??= problem;
            } else
                byId.set(id, { origin: origin.res!, target, hops: pathHops(path), otherPaths: 0, problem });
        }
    }
    return [...byId.values()];
}
