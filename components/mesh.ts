// Mesh policy and routing owned by Istio: mTLS STRICT everywhere, and an optional sample app
// exposed through an Istio Gateway + VirtualService (the only L7 routing in the path).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { GATEWAY_SELECTOR } from "./istio";

/** Arguments of {@link Mesh}. */
export interface MeshArgs {
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** The istiod chart: CRDs and validation webhook must exist first. */
    istiod: pulumi.Resource;
    /** The gateway chart: the sample's Gateway binds to its pods. */
    gateway: pulumi.Resource;
    /** Deploy the sample application. */
    sampleApp: boolean;
}

/** Namespace of the sample app. */
export const SAMPLE_NAMESPACE = "sample";

/** Mesh-wide STRICT mTLS and the optional sample app. */
export class Mesh extends pulumi.ComponentResource {
    /** The mesh-wide PeerAuthentication. */
    public readonly peerAuthentication: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:mesh:Mesh", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };

        // In the root namespace, with no selector: applies to every workload in the mesh.
        this.peerAuthentication = new k8s.apiextensions.CustomResource(
            `${name}-mtls-strict`,
            {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: { name: "default", namespace: "istio-system" },
                spec: { mtls: { mode: "STRICT" } },
            },
            { ...k8sOpts, dependsOn: [args.istiod] },
        );

        if (args.sampleApp) {
            const appLabels = { app: "hello" };
            const ns = new k8s.core.v1.Namespace(
                `${name}-sample-ns`,
                { metadata: { name: SAMPLE_NAMESPACE, labels: { "istio-injection": "enabled" } } },
                k8sOpts,
            );
            // After istiod, or the pods start without a sidecar and fail STRICT mTLS.
            const deployment = new k8s.apps.v1.Deployment(
                `${name}-sample-deployment`,
                {
                    metadata: { name: "hello", namespace: SAMPLE_NAMESPACE, labels: appLabels },
                    spec: {
                        replicas: 2,
                        selector: { matchLabels: appLabels },
                        template: {
                            metadata: { labels: appLabels },
                            spec: {
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
                                        securityContext: {
                                            allowPrivilegeEscalation: false,
                                            runAsNonRoot: true,
                                            capabilities: { drop: ["ALL"] },
                                        },
                                    },
                                ],
                            },
                        },
                    },
                },
                { ...k8sOpts, dependsOn: [ns, args.istiod] },
            );
            new k8s.core.v1.Service(
                `${name}-sample-service`,
                {
                    metadata: { name: "hello", namespace: SAMPLE_NAMESPACE, labels: appLabels },
                    spec: {
                        type: "ClusterIP",
                        selector: appLabels,
                        ports: [{ name: "http", port: 80, targetPort: 8080 }],
                    },
                },
                { ...k8sOpts, dependsOn: [ns] },
            );
            const gateway = new k8s.apiextensions.CustomResource(
                `${name}-sample-gateway`,
                {
                    apiVersion: "networking.istio.io/v1",
                    kind: "Gateway",
                    metadata: { name: "hello", namespace: SAMPLE_NAMESPACE },
                    spec: {
                        selector: GATEWAY_SELECTOR,
                        servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }],
                    },
                },
                { ...k8sOpts, dependsOn: [ns, args.gateway] },
            );
            new k8s.apiextensions.CustomResource(
                `${name}-sample-virtualservice`,
                {
                    apiVersion: "networking.istio.io/v1",
                    kind: "VirtualService",
                    metadata: { name: "hello", namespace: SAMPLE_NAMESPACE },
                    spec: {
                        hosts: ["*"],
                        gateways: ["hello"],
                        http: [
                            {
                                route: [
                                    {
                                        destination: {
                                            host: `hello.${SAMPLE_NAMESPACE}.svc.cluster.local`,
                                            port: { number: 80 },
                                        },
                                    },
                                ],
                            },
                        ],
                    },
                },
                { ...k8sOpts, dependsOn: [gateway, deployment] },
            );
        }
        this.registerOutputs({});
    }
}
