// Synthetic stacks for the benchmark: blocks of realistic resources, each block one namespace with
// an Istio gateway Service, in which three double-L7 chains are planted (one per path the pack
// follows: AWS ALB -> listener -> target group -> TargetGroupBinding; ALB Ingress; Gateway API on an
// ALB) next to things that must NOT be reported (an NLB front to the gateway, an ALB to an ordinary
// app, an nginx Ingress to the gateway) and unrelated resources. The generator returns the URNs of
// the planted chains' origins so the benchmark can check the analysis finds exactly those.
import type { StackResource } from "../../policies/lib/types";

const STACK = "bench";
const PROJECT = "synthetic";

function urn(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    tg: "aws:lb/targetGroup:TargetGroup",
    tgb: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    svc: "kubernetes:core/v1:Service",
    ingress: "kubernetes:networking.k8s.io/v1:Ingress",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    bucket: "aws:s3/bucketV2:BucketV2",
    role: "aws:iam/role:Role",
    configMap: "kubernetes:core/v1:ConfigMap",
    deployment: "kubernetes:apps/v1:Deployment",
};

export interface SyntheticStack {
    resources: StackResource[];
    /** URNs on which the mandatory ALB -> gateway policy must report, one violation each. */
    planted: Set<string>;
    counts: { chains: number; nlbFronts: number; nearMisses: number; unrelated: number };
}

/** Builds a stack of exactly `size` resources (size >= 100). */
export function syntheticStack(size: number): SyntheticStack {
    const resources: StackResource[] = [];
    const planted = new Set<string>();
    const counts = { chains: 0, nlbFronts: 0, nearMisses: 0, unrelated: 0 };
    const add = (r: StackResource) => resources.push(r);
    const k8s = (
        type: string,
        name: string,
        props: Record<string, unknown>,
        extra: Partial<StackResource> = {},
    ) => {
        const r: StackResource = { urn: urn(type, name), type, name, props, ...extra };
        add(r);
        return r;
    };
    const meta = (ns: string | undefined, name: string, more: Record<string, unknown> = {}) => ({
        name,
        ...(ns ? { namespace: ns } : {}),
        ...more,
    });
    const k8sObj = (apiVersion: string, kind: string, metadata: object, spec: object) => ({
        apiVersion,
        kind,
        metadata,
        spec,
    });

    // One ALB GatewayClass for the whole stack (cluster-scoped).
    k8s(
        T.gatewayClass,
        "alb",
        k8sObj("gateway.networking.k8s.io/v1", "GatewayClass", meta(undefined, "alb"), {
            controllerName: "gateway.k8s.aws/alb",
        }),
    );

    /** LB -> listener(s) -> target group(s) -> TargetGroupBinding(s) to `service` in `ns`. */
    const awsFront = (
        id: string,
        ns: string,
        kind: "application" | "network",
        service: string,
        ports: number[],
    ) => {
        const lb = k8s(T.lb, `${id}-lb`, {
            loadBalancerType: kind,
            internal: false,
            enableCrossZoneLoadBalancing: true,
            subnets: ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"],
        });
        for (const port of ports) {
            const tg = k8s(T.tg, `${id}-tg-${port}`, {
                port: port === 80 ? 8080 : 8443,
                protocol: kind === "network" ? "TCP" : "HTTP",
                targetType: "ip",
                healthCheck: { protocol: "HTTP", port: "15021", path: "/healthz/ready" },
            });
            k8s(
                T.listener,
                `${id}-listener-${port}`,
                {
                    port,
                    protocol: kind === "network" ? "TCP" : "HTTP",
                    loadBalancerArn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/${id}`,
                    defaultActions: [{ type: "forward", targetGroupArn: `arn:tg/${id}-${port}` }],
                },
                {
                    dependencies: [lb.urn, tg.urn],
                    propertyDependencies: { loadBalancerArn: [lb.urn], defaultActions: [tg.urn] },
                },
            );
            k8s(
                T.tgb,
                `${id}-tgb-${port}`,
                k8sObj("elbv2.k8s.aws/v1beta1", "TargetGroupBinding", meta(ns, `${id}-${port}`), {
                    targetGroupARN: `arn:tg/${id}-${port}`,
                    targetType: "ip",
                    serviceRef: { name: service, port },
                }),
                { dependencies: [tg.urn], propertyDependencies: { spec: [tg.urn] } },
            );
        }
        return lb;
    };

    const block = (b: number) => {
        const ns = `team-${b}`;
        const svc = (name: string, labels: Record<string, string>) =>
            k8s(
                T.svc,
                `${ns}-${name}`,
                k8sObj("v1", "Service", meta(ns, name, { labels }), {
                    type: "ClusterIP",
                    selector: labels,
                    ports: [
                        { name: "http", port: 80, targetPort: 8080 },
                        { name: "https", port: 443, targetPort: 8443 },
                    ],
                }),
            );
        svc("istio-ingressgateway", { istio: "ingressgateway", app: "istio-ingressgateway" });
        svc("web", { app: "web" });

        // Planted chain 1: AWS ALB -> listener -> target group -> TargetGroupBinding -> gateway.
        planted.add(awsFront(`${ns}-alb`, ns, "application", "istio-ingressgateway", [443]).urn);
        // Planted chain 2: an ALB Ingress whose backend is the gateway.
        const ingress = (name: string, className: string) =>
            k8s(
                T.ingress,
                `${ns}-${name}`,
                k8sObj("networking.k8s.io/v1", "Ingress", meta(ns, name), {
                    ingressClassName: className,
                    rules: [
                        {
                            http: {
                                paths: [
                                    {
                                        path: "/",
                                        pathType: "Prefix",
                                        backend: {
                                            service: { name: "istio-ingressgateway", port: { number: 80 } },
                                        },
                                    },
                                ],
                            },
                        },
                    ],
                }),
            );
        planted.add(ingress("public", "alb").urn);
        // Planted chain 3: Gateway API on an ALB -> HTTPRoute -> gateway.
        const gw = k8s(
            T.gateway,
            `${ns}-edge`,
            k8sObj("gateway.networking.k8s.io/v1", "Gateway", meta(ns, "edge"), {
                gatewayClassName: "alb",
                listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
            }),
        );
        k8s(
            T.route,
            `${ns}-edge-route`,
            k8sObj("gateway.networking.k8s.io/v1", "HTTPRoute", meta(ns, "edge-route"), {
                parentRefs: [{ name: "edge" }],
                rules: [{ backendRefs: [{ name: "istio-ingressgateway", port: 80 }] }],
            }),
        );
        planted.add(gw.urn);
        counts.chains += 3;

        // Not chains: an NLB front to the gateway (the intended design), an ALB to an ordinary app,
        // an nginx Ingress to the gateway.
        awsFront(`${ns}-nlb`, ns, "network", "istio-ingressgateway", [80, 443]);
        counts.nlbFronts++;
        awsFront(`${ns}-app-alb`, ns, "application", "web", [443]);
        ingress("internal", "nginx");
        counts.nearMisses += 2;
    };

    const unrelated = (i: number) => {
        counts.unrelated++;
        switch (i % 4) {
            case 0:
                return k8s(T.bucket, `logs-${i}`, { bucket: `logs-${i}`, tags: { team: "platform" } });
            case 1:
                return k8s(T.role, `role-${i}`, { assumeRolePolicy: "{}", name: `role-${i}` });
            case 2:
                return k8s(T.configMap, `cm-${i}`, k8sObj("v1", "ConfigMap", meta("apps", `cm-${i}`), {}));
            default:
                return k8s(
                    T.deployment,
                    `deploy-${i}`,
                    k8sObj("apps/v1", "Deployment", meta("apps", `deploy-${i}`), {
                        replicas: 2,
                        selector: { matchLabels: { app: `deploy-${i}` } },
                    }),
                );
        }
    };

    // About a third of the resources are unrelated, spread between blocks; blocks fill the rest.
    let b = 0;
    let u = 0;
    const blockSize = 28;
    while (resources.length + blockSize <= size) {
        block(b++);
        for (let k = 0; k < 12 && resources.length < size - blockSize; k++) unrelated(u++);
    }
    while (resources.length < size) unrelated(u++);
    return { resources, planted, counts };
}
