// Mesh policy and routing owned by Istio: mTLS STRICT everywhere, and an optional sample app
// exposed through an Istio Gateway + VirtualService (the only L7 routing in the path).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { istioGatewayObject } from "./hostGateway";
import { DataplaneMode, waypointGatewayObject, WAYPOINT_NAME, workloadNamespaceLabels } from "./ambient";
import { GatewayRouteParent, httpRouteSpec } from "./gatewayApi";
import {
    podSecurityLabels,
    RESTRICTED_CONTAINER_SECURITY_CONTEXT,
    RESTRICTED_POD_SECURITY_CONTEXT,
} from "./podSecurity";

/** Arguments of {@link Mesh}. */
export interface MeshArgs {
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** The istiod chart: CRDs and validation webhook must exist first. */
    istiod: pulumi.Resource;
    /** The ingress gateway (chart, or Gateway API Gateway): the sample's routes attach to it. */
    gateway: pulumi.Resource;
    /** Deploy the sample application. */
    sampleApp: boolean;
    /** Route the sample with an HTTPRoute on this Gateway listener; unset: Istio Gateway + VirtualService. */
    routeParent?: GatewayRouteParent;
    /** Data plane of the namespaces created here (default sidecar). */
    dataplaneMode?: DataplaneMode;
    /** The data plane workloads wait for: ztunnel (ambient) or the istio-cni agent (sidecars). */
    dataplane?: pulumi.Resource;
    /** Ambient: deploy a waypoint for the sample namespace (L7 policy for its services). */
    waypoint?: boolean;
    /** Istio API: route the sample for this hostname through this Gateway (`namespace/name`), not its own catch-all one. */
    hostRoute?: { hostname: string; gateway: pulumi.Input<string> };
    /** Sidecars: the sample runs on this canary revision (its name and istiod); unset: the default revision. */
    sampleRevision?: { name: string; istiod: pulumi.Resource };
}

/** Pod-template annotation naming the canary revision: the sample's pods roll when they move on or off it. */
export const REVISION_ANNOTATION = "istio-eks-nlb/istio-revision";

/**
 * Labels of a sidecar namespace on a canary revision: `istio.io/rev`, and no `istio-injection`, which
 * would win over it (the default revision's injector selects `istio-injection=enabled`).
 */
export function revisionNamespaceLabels(revision: string): Record<string, string> {
    return { "istio.io/rev": revision };
}

/** Istio's root namespace (istiod's default): a policy there without a selector covers the whole mesh. */
export const ISTIO_ROOT_NAMESPACE = "istio-system";

/** Namespace of the sample app. */
export const SAMPLE_NAMESPACE = "sample";
/** Name of the sample app's Deployment and Service. */
export const SAMPLE_APP = "hello";
/** Labels of the sample app's pods (its Service and policies select them). */
export const SAMPLE_LABELS = { app: SAMPLE_APP } as const;

/** Mesh-wide STRICT mTLS and the optional sample app. */
export class Mesh extends pulumi.ComponentResource {
    /** The mesh-wide PeerAuthentication. */
    public readonly peerAuthentication: k8s.apiextensions.CustomResource;
    /** The sample app's namespace (undefined without the sample app): its policies wait for it. */
    public readonly sampleNamespace?: k8s.core.v1.Namespace;

    constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:mesh:Mesh", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };

        // In the root namespace, with no selector: applies to every workload in the mesh.
        this.peerAuthentication = new k8s.apiextensions.CustomResource(
            `${name}-mtls-strict`,
            {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "default", namespace: ISTIO_ROOT_NAMESPACE },
                spec: { mtls: { mode: "STRICT" } },
            },
            { ...k8sOpts, dependsOn: [args.istiod] },
        );

        if (args.sampleApp) {
            const appLabels = SAMPLE_LABELS;
            const mode = args.dataplaneMode ?? "sidecar";
            const waypointOn = mode === "ambient" && args.waypoint === true;
            const ns = new k8s.core.v1.Namespace(
                `${name}-sample-ns`,
                {
                    metadata: {
                        name: SAMPLE_NAMESPACE,
                        labels: {
                            ...(args.sampleRevision
                                ? revisionNamespaceLabels(args.sampleRevision.name)
                                : workloadNamespaceLabels(mode, waypointOn ? WAYPOINT_NAME : undefined)),
                            ...podSecurityLabels(),
                        },
                    },
                },
                k8sOpts,
            );
            this.sampleNamespace = ns;
            const waypoint = waypointOn
                ? new k8s.apiextensions.CustomResource(
                      `${name}-sample-waypoint`,
                      waypointGatewayObject(SAMPLE_NAMESPACE),
                      {
                          ...k8sOpts,
                          dependsOn: [ns, args.istiod, ...(args.dataplane ? [args.dataplane] : [])],
                      },
                  )
                : undefined;
            // After istiod, or the pods start without a sidecar and fail STRICT mTLS (ambient: after
            // ztunnel and the waypoint, which carry their traffic).
            const deployment = new k8s.apps.v1.Deployment(
                `${name}-sample-deployment`,
                {
                    metadata: { name: SAMPLE_APP, namespace: SAMPLE_NAMESPACE, labels: appLabels },
                    spec: {
                        replicas: 2,
                        selector: { matchLabels: appLabels },
                        template: {
                            metadata: {
                                labels: appLabels,
                                // A new template on each move, so `pulumi up` restarts the pods into the
                                // revision the namespace now names (injection happens at pod creation).
                                ...(args.sampleRevision
                                    ? { annotations: { [REVISION_ANNOTATION]: args.sampleRevision.name } }
                                    : {}),
                            },
                            spec: {
                                securityContext: RESTRICTED_POD_SECURITY_CONTEXT,
                                containers: [
                                    {
                                        name: "hello",
                                        image: "nginxinc/nginx-unprivileged:1.27-alpine",
                                        ports: [{ name: "http", containerPort: 8080 }],
                                        readinessProbe: { httpGet: { path: "/", port: 8080 } },
                                        resources: {
                                            requests: { cpu: "10m", memory: "32Mi" },
                                            limits: { memory: "64Mi" },
                                        },
                                        securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
                                    },
                                ],
                            },
                        },
                    },
                },
                {
                    ...k8sOpts,
                    dependsOn: [
                        ns,
                        args.istiod,
                        ...(args.sampleRevision ? [args.sampleRevision.istiod] : []),
                        ...(args.dataplane ? [args.dataplane] : []),
                        ...(waypoint ? [waypoint] : []),
                    ],
                },
            );
            new k8s.core.v1.Service(
                `${name}-sample-service`,
                {
                    metadata: { name: SAMPLE_APP, namespace: SAMPLE_NAMESPACE, labels: appLabels },
                    spec: {
                        type: "ClusterIP",
                        selector: appLabels,
                        ports: [{ name: "http", port: 80, targetPort: 8080 }],
                    },
                },
                { ...k8sOpts, dependsOn: [ns] },
            );
            if (args.routeParent) {
                new k8s.apiextensions.CustomResource(
                    `${name}-sample-httproute`,
                    {
                        apiVersion: "gateway.networking.k8s.io/v1",
                        kind: "HTTPRoute",
                        metadata: { name: "hello", namespace: SAMPLE_NAMESPACE },
                        spec: httpRouteSpec(args.routeParent, { name: SAMPLE_APP, port: 80 }),
                    },
                    { ...k8sOpts, dependsOn: [ns, args.gateway, deployment] },
                );
            } else {
                // Without a hostname the sample brings its own catch-all Gateway; with one it joins the
                // hostname's Gateway (HTTPS when there is a certificate).
                const gateway = args.hostRoute
                    ? undefined
                    : new k8s.apiextensions.CustomResource(
                          `${name}-sample-gateway`,
                          istioGatewayObject("hello", SAMPLE_NAMESPACE, ["*"]) as any,
                          { ...k8sOpts, dependsOn: [ns, args.gateway] },
                      );
                new k8s.apiextensions.CustomResource(
                    `${name}-sample-virtualservice`,
                    {
                        apiVersion: "networking.istio.io/v1",
                        kind: "VirtualService",
                        metadata: { name: "hello", namespace: SAMPLE_NAMESPACE },
                        spec: {
                            hosts: [args.hostRoute?.hostname ?? "*"],
                            gateways: [args.hostRoute?.gateway ?? "hello"],
                            http: [
                                {
                                    route: [
                                        {
                                            destination: {
                                                host: `${SAMPLE_APP}.${SAMPLE_NAMESPACE}.svc.cluster.local`,
                                                port: { number: 80 },
                                            },
                                        },
                                    ],
                                },
                            ],
                        },
                    },
                    { ...k8sOpts, dependsOn: [gateway ?? args.gateway, deployment] },
                );
            }
        }
        this.registerOutputs({});
    }
}
