// Advisory: an NLB in front of the Istio gateway should balance across zones.
import { hopOf } from "./lib/graph";
import { ANN, asksForNlb, gatewayLbServices, gatewayStackPolicy } from "./lib/kit";
import { get, UNK } from "./lib/props";

const ATTR = "load_balancing.cross_zone.enabled=true";
const REMEDIATION =
    `set enableCrossZoneLoadBalancing: true on the aws.lb.LoadBalancer, or add ${ATTR} to the Service annotation ` +
    `${ANN}aws-load-balancer-attributes.`;
const WHY =
    "an NLB balances per zone by default: each zone's node gets an equal share whatever the number of gateway " +
    "pods there, so uneven gateway replicas overload a zone and a zone without a ready pod black-holes its share.";

export const istioGatewayNlbCrossZone = gatewayStackPolicy(
    {
        name: "istio-gateway-nlb-cross-zone",
        description: "An NLB in front of the Istio gateway should enable cross-zone load balancing.",
        enforcementLevel: "advisory",
        severity: "low",
        tags: ["istio", "eks", "load-balancing"],
        remediationSteps: REMEDIATION,
    },
    ({ analysis, report }) => {
        const seen = new Set<string>();
        for (const p of analysis.awsPaths()) {
            if (p.lbKind !== "network" || seen.has(p.lb.urn)) continue;
            seen.add(p.lb.urn);
            const v = get(p.lb.props, "enableCrossZoneLoadBalancing");
            if (v === UNK || v === true || v === "true") continue;
            const hops = analysis.awsHops(p);
            hops[0] = hopOf(p.lb, {
                note: `network; enableCrossZoneLoadBalancing ${v === undefined ? "unset (false)" : String(v)}`,
            });
            report({
                urn: p.lb.urn,
                summary: "NLB in front of the Istio gateway without cross-zone load balancing:",
                hops,
                why: WHY,
            });
        }
        for (const s of gatewayLbServices(analysis)) {
            if (s.type !== "LoadBalancer" || s.annotationsUnknown || !asksForNlb(s)) continue;
            const attrs = (s.annotations.get(`${ANN}aws-load-balancer-attributes`) ?? "")
                .split(",")
                .map((x) => x.trim());
            const legacy = s.annotations.get(`${ANN}aws-load-balancer-cross-zone-load-balancing-enabled`);
            if (attrs.includes(ATTR) || legacy === "true") continue;
            report({
                urn: s.urn,
                summary: `Istio gateway NLB without cross-zone load balancing (${ANN}aws-load-balancer-attributes in ${s.annotationsAt} lacks ${ATTR}):`,
                hops: s.hops,
                why: WHY,
            });
        }
    },
);
