// Advisory: an NLB in front of the Istio gateway must pass TLS through, not terminate it.
import { ANN, gatewayLbServices, gatewayStackPolicy } from "./lib/kit";
import { str } from "./lib/props";

const REMEDIATION =
    "use TCP listeners on the NLB (TCP 443 -> the gateway's 443) and terminate TLS in Istio (a Gateway with " +
    `credentialName); remove ${ANN}aws-load-balancer-ssl-cert (and -ssl-ports) from the gateway Service.`;
const WHY =
    "TLS terminated at the NLB reaches Istio as plain text: Istio serves 443 as HTTP, loses SNI routing and " +
    "end-to-end mTLS, and certificates live outside the mesh.";

export const istioGatewayNlbTlsPassthrough = gatewayStackPolicy(
    {
        name: "istio-gateway-nlb-tls-passthrough",
        description:
            "An NLB in front of the Istio gateway should pass TLS through (TCP listeners), not terminate it.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["istio", "eks", "tls"],
        remediationSteps: REMEDIATION,
    },
    ({ analysis, report }) => {
        const seen = new Set<string>();
        for (const p of analysis.awsPaths()) {
            if (p.lbKind !== "network" || str(p.listener.props, "protocol") !== "TLS") continue;
            const id = `${p.listener.urn}\u0000${p.target.key}`;
            if (seen.has(id)) continue;
            seen.add(id);
            report({
                urn: p.listener.urn,
                summary: "NLB TLS listener terminating TLS in front of the Istio gateway:",
                hops: analysis.awsHops(p),
                why: WHY,
            });
        }
        for (const s of gatewayLbServices(analysis)) {
            if (s.type !== "LoadBalancer" || !s.annotations.has(`${ANN}aws-load-balancer-ssl-cert`)) continue;
            report({
                urn: s.urn,
                summary: `Istio gateway Service asks its load balancer to terminate TLS (${ANN}aws-load-balancer-ssl-cert in ${s.annotationsAt}):`,
                hops: s.hops,
                why: WHY,
            });
        }
    },
);
