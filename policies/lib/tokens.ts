// Type tokens the pack follows, matched as strings (the pack imports no provider SDK).

export type Kind =
    | "lb"
    | "listener"
    | "listenerRule"
    | "targetGroup"
    | "tgAttachment"
    | "asgAttachment"
    | "service"
    | "ingress"
    | "ingressClass"
    | "tgb"
    | "gatewayClass"
    | "gateway"
    | "route"
    | "workload"
    | "helmRelease"
    | "helmChart";

const ELB = "aws:(?:lb|alb|elasticloadbalancingv2)";
const GWAPI = "kubernetes:gateway\\.networking\\.k8s\\.io/(?:v1|v1beta1|v1alpha2|v1alpha3)";

const PATTERNS: [Kind, RegExp][] = [
    ["lb", new RegExp(`^${ELB}/loadBalancer:LoadBalancer$`)],
    ["listener", new RegExp(`^${ELB}/listener:Listener$`)],
    ["listenerRule", new RegExp(`^${ELB}/listenerRule:ListenerRule$`)],
    ["targetGroup", new RegExp(`^${ELB}/targetGroup:TargetGroup$`)],
    ["tgAttachment", new RegExp(`^${ELB}/targetGroupAttachment:TargetGroupAttachment$`)],
    ["asgAttachment", /^aws:autoscaling\/attachment:Attachment$/],
    ["service", /^kubernetes:core\/v1:Service$/],
    [
        "ingress",
        /^kubernetes:(?:networking\.k8s\.io\/v1|networking\.k8s\.io\/v1beta1|extensions\/v1beta1):Ingress$/,
    ],
    ["ingressClass", /^kubernetes:networking\.k8s\.io\/(?:v1|v1beta1):IngressClass$/],
    ["tgb", /^kubernetes:elbv2\.k8s\.aws\/(?:v1beta1|v1):TargetGroupBinding$/],
    ["gatewayClass", new RegExp(`^${GWAPI}:GatewayClass$`)],
    ["gateway", new RegExp(`^${GWAPI}:Gateway$`)],
    // HTTP/gRPC routes, and the Layer-4 routes an ALB cannot take (reported as such).
    ["route", new RegExp(`^${GWAPI}:(?:HTTPRoute|GRPCRoute|TLSRoute|TCPRoute|UDPRoute)$`)],
    // What runs pods: a Service is the gateway when its selector picks a gateway workload's pods.
    [
        "workload",
        /^kubernetes:(?:(?:apps\/(?:v1|v1beta1|v1beta2)|extensions\/v1beta1):(?:Deployment|DaemonSet|StatefulSet|ReplicaSet)|core\/v1:Pod)$/,
    ],
    ["helmRelease", /^kubernetes:helm\.sh\/v3:Release$/],
    ["helmChart", /^kubernetes:helm\.sh\/v[34]:Chart$/],
];

const cache = new Map<string, Kind | null>();

/** The kind of a type token this pack cares about, or undefined. */
export function kindOf(type: string): Kind | undefined {
    let k = cache.get(type);
    if (k === undefined) {
        k = null;
        for (const [kind, re] of PATTERNS) {
            if (re.test(type)) {
                k = kind;
                break;
            }
        }
        cache.set(type, k);
    }
    return k ?? undefined;
}

/** Controllers and classes. */
export const ALB_INGRESS_CONTROLLER = "ingress.k8s.aws/alb";
/** EKS Auto Mode's built-in load balancing: the same ALB, run by AWS. */
export const EKS_AUTO_ALB_INGRESS_CONTROLLER = "eks.amazonaws.com/alb";
/** IngressClass controllers that make an ALB. */
export const ALB_INGRESS_CONTROLLERS: readonly string[] = [
    ALB_INGRESS_CONTROLLER,
    EKS_AUTO_ALB_INGRESS_CONTROLLER,
];
export const ALB_GATEWAY_CONTROLLER = "gateway.k8s.aws/alb";
export const ISTIO_GATEWAY_CONTROLLER = "istio.io/gateway-controller";
