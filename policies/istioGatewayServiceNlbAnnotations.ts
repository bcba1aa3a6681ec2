// Advisory: the Istio gateway's LoadBalancer Service must ask for an NLB (the in-tree default is a Classic ELB).
import { ANN, asksForNlb, gatewayLbServices, gatewayStackPolicy, NLB_TYPES, UNK } from "./lib/kit";

const REMEDIATION =
    `annotate the gateway Service (or the gateway chart's values.service.annotations) with ${ANN}aws-load-balancer-type: ` +
    `external, ${ANN}aws-load-balancer-nlb-target-type: ip and ${ANN}aws-load-balancer-scheme: internet-facing ` +
    "(or set spec.loadBalancerClass: service.k8s.aws/nlb, or eks.amazonaws.com/nlb on EKS Auto Mode), so an NLB is provisioned; " +
    "or make the Service ClusterIP and bind a Pulumi-managed NLB target group to it with a TargetGroupBinding.";

export const istioGatewayServiceNlbAnnotations = gatewayStackPolicy(
    {
        name: "istio-gateway-service-nlb-annotations",
        description:
            "An Istio gateway Service of type LoadBalancer must request an NLB (the in-tree default is a Classic ELB).",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["istio", "eks", "load-balancing"],
        remediationSteps: REMEDIATION,
    },
    ({ analysis, report }) => {
        for (const s of gatewayLbServices(analysis)) {
            if (s.type !== "LoadBalancer" || s.annotationsUnknown || s.loadBalancerClass === UNK) continue;
            const t = s.annotations.get(`${ANN}aws-load-balancer-type`);
            if (t !== undefined && !NLB_TYPES.includes(t)) {
                report({
                    urn: s.urn,
                    summary: `Istio gateway Service has an invalid ${ANN}aws-load-balancer-type "${t}" in ${s.annotationsAt}:`,
                    hops: s.hops,
                    why: `the only values are ${NLB_TYPES.join(", ")}; "${t}" is ignored, and a Classic ELB is made instead of an NLB (a Service never gets an ALB).`,
                });
            } else if (!asksForNlb(s)) {
                report({
                    urn: s.urn,
                    summary: `Istio gateway Service of type LoadBalancer without NLB annotations (${s.annotationsAt}):`,
                    hops: s.hops,
                    why: "without them the in-tree cloud provider creates a Classic ELB: no target-group health checks on the Istio status port, no IP targets, no cross-zone or client-IP settings.",
                });
            }
        }
    },
);
