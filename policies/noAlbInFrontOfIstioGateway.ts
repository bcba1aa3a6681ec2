// The mandatory guardrail: no Application Load Balancer in front of an Istio ingress gateway.
import type { StackValidationPolicy } from "@pulumi/policy";
import { gatewayStackPolicy } from "./lib/kit";

export const NO_ALB_POLICY_NAME = "no-alb-in-front-of-istio-gateway";

const WHY =
    "an ALB is a Layer-7 proxy: it terminates HTTP(S) and makes routing, retry, timeout and health-check " +
    "decisions, and Istio's Envoy gateway then makes them again. Two L7 routers split the routing rules, " +
    "disagree on health, terminate TLS before Istio (no SNI routing, no end-to-end mTLS) and hide the client.";

export const NO_ALB_REMEDIATION =
    "put a Network Load Balancer with TCP listeners (TCP 80/443, TLS passed through) in front of the Istio " +
    "gateway Service: annotate the Service with service.beta.kubernetes.io/aws-load-balancer-type: external " +
    "and aws-load-balancer-nlb-target-type: ip, or create an aws.lb.LoadBalancer with loadBalancerType " +
    '"network" and a TargetGroupBinding to the gateway Service. If Istio must not own ingress on this path, ' +
    "let the ALB route straight to the application Services instead of the gateway. To accept this chain " +
    `knowingly, add {"resource": "<name or URN pattern>", "reason": "..."} to the policy's "exemptions" config.`;

/** The policy, with optional config defaults (used when the engine hands no config; the tests use it). */
export function makeNoAlbInFrontOfIstioGateway(
    defaults: Record<string, unknown> = {},
): StackValidationPolicy {
    return gatewayStackPolicy(
        {
            name: NO_ALB_POLICY_NAME,
            description:
                "Rejects any chain from an AWS Application Load Balancer (aws:lb, ALB Ingress, ALB Gateway API) " +
                "to an Istio ingress gateway: double Layer 7.",
            enforcementLevel: "mandatory",
            severity: "high",
            tags: ["istio", "eks", "load-balancing"],
            remediationSteps: NO_ALB_REMEDIATION,
        },
        ({ analysis, report }) => {
            for (const c of analysis.albChains()) {
                const more = c.otherPaths
                    ? ` (and ${c.otherPaths} other path(s) between the same two ends)`
                    : "";
                report({
                    urn: c.origin.urn,
                    summary: `${c.problem ? `${c.problem}\n` : ""}ALB -> Istio gateway chain, hop by hop${more}:`,
                    hops: c.hops,
                    why: `double Layer 7: ${WHY}`,
                });
            }
        },
        defaults,
    );
}

export const noAlbInFrontOfIstioGateway = makeNoAlbInFrontOfIstioGateway();
