// The analysis of one stack under one gateway config, shared by every policy of the pack, the offline
// checker and the plan: the index (builder), the gateways (recognition), the graph (edge rules) and
// the search from ALB-kind origins to gateway-kind targets.
import { GatewayConfig, gatewayConfigKey } from "./config";
import { bindingNode, loadBalancerNode, targetGroupNode } from "./edges/elb";
import { EDGE_RULES } from "./edges/index";
import { Gateways } from "./gateways";
import { Graph, GraphNode } from "./traffic";
import { AwsPath, Chain, GatewayTarget, Hop, hopOf, nameText, R, Reach } from "./model";
import { str } from "./props";
import { lbKind } from "./recognisers/elb";
import { gatewayClassController } from "./recognisers/gatewayApi";
import { albIngress } from "./recognisers/loadBalancerController";
import { allPaths, findChains, pathHops, Step, walk } from "./search";
import { StackIndex } from "./stackIndex";
import { ALB_GATEWAY_CONTROLLER } from "./tokens";

export class Analysis {
    readonly gateways: Gateways;
    readonly graph: Graph;
    private awsPathsCache?: AwsPath[];
    private readonly awsSteps = new Map<AwsPath, Step[]>();
    private albChainsCache?: Chain[];
    private readonly paths = new Map<GraphNode, Step[][]>();

    constructor(
        readonly index: StackIndex,
        readonly config: GatewayConfig,
    ) {
        this.gateways = new Gateways(index, config);
        this.graph = new Graph(index, this.gateways, EDGE_RULES);
    }

    /** Every Istio ingress gateway the stack declares or implies. */
    get targets(): GatewayTarget[] {
        return this.gateways.targets;
    }

    /** How a target group reaches the gateway: TargetGroupBinding, or node attachments on its NodePort. */
    reach(tg: R): Reach[] {
        const out: Reach[] = [];
        walk(this.graph, targetGroupNode(this.graph, tg), (path) => {
            const via = path.length > 2 ? path[1].node.res : undefined;
            out.push({ via, target: path[path.length - 1].node.target! });
        });
        return out;
    }

    /** The hop of what joins a target group to the gateway: a TargetGroupBinding, or a node attachment. */
    viaHop(via: R): Hop {
        return this.index.kind(via) === "tgb"
            ? bindingNode(this.graph, via).hop!
            : hopOf(via, { note: "nodes registered on the gateway NodePort" });
    }

    /** Every LB -> listener [-> rule] -> target group -> gateway path, for every kind of LB. */
    awsPaths(): AwsPath[] {
        if (this.awsPathsCache) return this.awsPathsCache;
        const out: AwsPath[] = [];
        for (const lb of this.index.list("lb")) {
            if (!this.index.listenersByLb.has(lb)) continue;
            const kind = lbKind(this.index, lb);
            for (const path of this.pathsFrom(loadBalancerNode(this.graph, lb))) {
                const of = (k: GraphNode["kind"]) => path.find((s) => s.node.kind === k)?.node.res;
                const p: AwsPath = {
                    lb,
                    lbKind: kind,
                    listener: of("listener")!,
                    rule: of("rule"),
                    tg: of("targetGroup")!,
                    via: of("registration"),
                    target: path[path.length - 1].node.target!,
                };
                out.push(p);
                this.awsSteps.set(p, path);
            }
        }
        this.awsPathsCache = out;
        return out;
    }

    /** Every path from a node to a gateway, found once. */
    private pathsFrom(n: GraphNode): Step[][] {
        let ps = this.paths.get(n);
        if (!ps) {
            ps = allPaths(this.graph, n);
            this.paths.set(n, ps);
        }
        return ps;
    }

    /** The hops of an AWS path, LB to gateway. */
    awsHops(p: AwsPath): Hop[] {
        return pathHops(this.awsSteps.get(p)!);
    }

    /** ALB-kind origins: ALBs (also when the type is unknown at preview), ALB Ingresses, ALB Gateways. */
    private origins(): GraphNode[] {
        const ix = this.index;
        const g = this.graph;
        const out: GraphNode[] = [];
        for (const lb of ix.list("lb")) {
            const kind = lbKind(ix, lb);
            if (kind === "application" || kind === "unknown") out.push(loadBalancerNode(g, lb));
        }
        for (const ing of ix.list("ingress")) {
            const why = albIngress(ix, ing);
            if (why)
                out.push(
                    g.node("ingress", ing, () => hopOf(ing, { k8s: ix.k8sName(ing), note: `ALB: ${why}` })),
                );
        }
        for (const gw of ix.list("gateway")) {
            if (gatewayClassController(ix, gw) !== "alb") continue;
            const cls = str(gw.props, "spec", "gatewayClassName");
            out.push(
                g.node("apiGateway", gw, () =>
                    hopOf(gw, {
                        k8s: ix.k8sName(gw),
                        note: `ALB: gatewayClassName ${nameText(cls)}, controller ${ALB_GATEWAY_CONTROLLER}`,
                    }),
                ),
            );
        }
        return out;
    }

    /** The chains ALB -> ... -> Istio gateway, one per origin and gateway. */
    albChains(): Chain[] {
        this.albChainsCache ??= findChains(this.origins(), (n) => this.pathsFrom(n));
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
