// Istio from the official charts, in the order that avoids the known races: base (CRDs) ->
// istiod (ready, so its injection webhook exists) -> gateway (so the gateway pod gets injected).
// The gateway Service is ClusterIP: the NLB reaches the pods through TargetGroupBindings, and no
// controller ever sees a Service of type LoadBalancer to turn into a second load balancer.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { computeDrainTiming, IstioCanary, istioBaseVersion } from "./config";
import {
    podSecurityLabels,
    RESTRICTED_CONTAINER_SECURITY_CONTEXT,
    RESTRICTED_POD_SECURITY_CONTEXT,
} from "./podSecurity";

/** Helm repository of the official Istio charts. */
export const ISTIO_CHART_REPO = "https://istio-release.storage.googleapis.com/charts";

/** The settings that shape an ingress gateway, whichever API deploys it (see {@link gatewayValues}). */
export interface GatewayValuesInput {
    /** Gateway name: the chart's release (its Service and Deployment), or the Gateway API Gateway. */
    gatewayName: string;
    /** Gateway replicas (HPA minimum). */
    gatewayReplicas: number;
    /** Gateway HPA maximum (equal to gatewayReplicas: no HPA). */
    gatewayMaxReplicas: number;
    /** NLB deregistration delay the drain timing follows. */
    deregistrationDelay: number;
    /** Whether the NLB sends PROXY protocol v2. */
    proxyProtocolV2: boolean;
    /** X-Forwarded-For hops to trust in front of the gateway. */
    numTrustedProxies: number;
    /** The istiod revision that injects the gateway's pods; unset: the default revision. */
    revision?: string;
}

/** Arguments of {@link Istio}. */
export interface IstioArgs {
    /** Pinned Istio version (chart version of base, istiod and gateway). */
    version: string;
    /** istiod replicas (HPA minimum). */
    istiodReplicas: number;
    /** Namespace of the gateway. */
    gatewayNamespace: string;
    /** The gateway chart's shape; unset: no chart (the ingress is a Gateway API Gateway istiod deploys). */
    gateway?: GatewayValuesInput;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Resources the gateway pods must wait for (the LBC, so its readiness gate is injected). */
    gatewayDependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Values added to the istiod chart's (the ambient profile). */
    istiodExtraValues?: Record<string, unknown>;
    /** Resources istiod must wait for besides base (the Gateway API CRDs, which istiod watches). */
    istiodDependsOn?: pulumi.Input<pulumi.Resource>[];
    /** meshConfig.extensionProviders (access log and tracing providers a Telemetry object selects). */
    meshExtensionProviders?: Record<string, unknown>[];
    /** A second istiod at a newer version as its own revision (config/istioCanary.ts); unset: none. */
    canary?: IstioCanary;
}

/** The gateway's status port: Envoy's readiness (`/healthz/ready`), where the NLB health-checks it. */
export const GATEWAY_STATUS_PORT = 15021;

/** Labels of the gateway pods; the Istio `Gateway` selector must match them. */
export const GATEWAY_SELECTOR = { istio: "ingressgateway" } as const;

/** A PodDisruptionBudget body that can never block a node drain. */
export interface DrainSafePdb {
    /** One pod at a time: a drain always progresses, a rollout never loses more than one. */
    maxUnavailable: 1;
    /** Pods that are not ready can always be evicted, so one unhealthy pod cannot stall a drain. */
    unhealthyPodEvictionPolicy: "AlwaysAllow";
}

/**
 * The PDB for a workload running at least `minReplicas` pods, or undefined for none. One replica gets
 * none: `minAvailable: 1` over it allows zero evictions (node-group upgrades fail with
 * PodEvictionFailure, istio #12602) and `maxUnavailable: 1` over it protects nothing.
 */
export function drainSafePdb(minReplicas: number): DrainSafePdb | undefined {
    return minReplicas >= 2 ? { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" } : undefined;
}

/** Values for the Istio `istiod` chart (root keys: the `pilot.*` prefix is legacy in 1.27). */
export function istiodValues(
    args: Pick<IstioArgs, "istiodReplicas" | "meshExtensionProviders">,
): Record<string, unknown> {
    const pdb = drainSafePdb(args.istiodReplicas);
    return {
        replicaCount: args.istiodReplicas,
        autoscaleMin: args.istiodReplicas,
        autoscaleMax: Math.max(5, args.istiodReplicas),
        // The chart's default PDB is minAvailable: 1, rendered whenever this flag is on. Its template
        // uses pdb.maxUnavailable (and ignores the default minAvailable) once that key is set.
        global: { defaultPodDisruptionBudget: { enabled: pdb !== undefined } },
        ...(pdb ? { pdb } : {}),
        // Access logs and tracing are Telemetry objects selecting these providers (meshTelemetry.ts),
        // not meshConfig.accessLogFile.
        ...(args.meshExtensionProviders?.length
            ? { meshConfig: { extensionProviders: args.meshExtensionProviders } }
            : {}),
        // Injected pods use the istio-cni agent (istioCni.ts) instead of a NET_ADMIN init container.
        cni: { enabled: true },
        // istiod and the gateways istiod deploys (Gateway API) run with the runtime's seccomp profile.
        seccompProfile: { type: "RuntimeDefault" },
        gateways: { seccompProfile: { type: "RuntimeDefault" } },
    };
}

/** Values for the Istio `gateway` chart (pure, so tests and policies can check them). */
export function gatewayValues(args: GatewayValuesInput): Record<string, unknown> {
    const drain = computeDrainTiming(args.deregistrationDelay);
    const ha = args.gatewayReplicas >= 2;
    const proxyConfig: Record<string, unknown> = {
        terminationDrainDuration: `${drain.drainDurationSeconds}s`,
    };
    if (args.proxyProtocolV2) {
        proxyConfig.gatewayTopology = { numTrustedProxies: args.numTrustedProxies, proxyProtocol: {} };
    } else if (args.numTrustedProxies > 0) {
        proxyConfig.gatewayTopology = { numTrustedProxies: args.numTrustedProxies };
    }
    return {
        // The chart labels the pods `istio.io/rev` with it: only their injector changes, the Service not.
        ...(args.revision ? { revision: args.revision } : {}),
        labels: { ...GATEWAY_SELECTOR, app: args.gatewayName },
        service: {
            // Never LoadBalancer: the NLB is a Pulumi resource, bound via TargetGroupBinding.
            type: "ClusterIP",
            ports: [
                {
                    name: "status-port",
                    port: GATEWAY_STATUS_PORT,
                    protocol: "TCP",
                    targetPort: GATEWAY_STATUS_PORT,
                },
                { name: "http2", port: 80, protocol: "TCP", targetPort: 80 },
                { name: "https", port: 443, protocol: "TCP", targetPort: 443 },
            ],
        },
        replicaCount: args.gatewayReplicas,
        autoscaling:
            args.gatewayMaxReplicas > args.gatewayReplicas
                ? {
                      enabled: true,
                      minReplicas: args.gatewayReplicas,
                      maxReplicas: args.gatewayMaxReplicas,
                      targetCPUUtilizationPercentage: 70,
                  }
                : { enabled: false },
        // `{}` renders no PDB (one replica).
        podDisruptionBudget: drainSafePdb(args.gatewayReplicas) ?? {},
        topologySpreadConstraints: ha
            ? [
                  {
                      maxSkew: 1,
                      topologyKey: "topology.kubernetes.io/zone",
                      whenUnsatisfiable: "DoNotSchedule",
                      labelSelector: { matchLabels: GATEWAY_SELECTOR },
                  },
                  {
                      maxSkew: 1,
                      topologyKey: "kubernetes.io/hostname",
                      whenUnsatisfiable: "ScheduleAnyway",
                      labelSelector: { matchLabels: GATEWAY_SELECTOR },
                  },
              ]
            : [],
        // Kubernetes must not kill Envoy before it has drained for as long as the NLB may still send.
        terminationGracePeriodSeconds: drain.terminationGracePeriodSeconds,
        podAnnotations: { "proxy.istio.io/config": JSON.stringify(proxyConfig) },
        // With PPv2 the NLB's health checks carry a PROXY header too: the status port must accept it.
        env: args.proxyProtocolV2 ? { ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL: "true" } : {},
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "1Gi" } },
        // What Pod Security `restricted` requires. Setting the pod context replaces the chart's
        // default, so its sysctl (binding 80/443 without NET_BIND_SERVICE; allowed at every level)
        // is repeated here. Container: the chart's defaults plus seccomp.
        securityContext: {
            ...RESTRICTED_POD_SECURITY_CONTEXT,
            sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
        },
        containerSecurityContext: {
            ...RESTRICTED_CONTAINER_SECURITY_CONTEXT,
            readOnlyRootFilesystem: true,
            runAsUser: 1337,
            runAsGroup: 1337,
        },
    };
}

/** Istio base, istiod and the ingress gateway, each a Helm chart, chained by dependsOn. */
export class Istio extends pulumi.ComponentResource {
    /** istio-base (CRDs). */
    public readonly base: k8s.helm.v4.Chart;
    /** istiod: the default revision, at `version`. */
    public readonly istiod: k8s.helm.v4.Chart;
    /** The canary istiod (revision `canary.revision`, at `canary.version`); undefined without a canary. */
    public readonly canaryIstiod?: k8s.helm.v4.Chart;
    /** The ingress gateway chart (undefined without `gateway`). */
    public readonly gateway?: k8s.helm.v4.Chart;
    /** Gateway namespace. */
    public readonly gatewayNamespace: pulumi.Output<string>;
    /** The gateway chart's Service name (its release name); undefined without `gateway`. */
    public readonly gatewayServiceName?: pulumi.Output<string>;

    constructor(name: string, args: IstioArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:istio:Istio", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const repositoryOpts = { repo: ISTIO_CHART_REPO };

        const systemNs = new k8s.core.v1.Namespace(
            `${name}-system-ns`,
            { metadata: { name: "istio-system", labels: podSecurityLabels() } },
            k8sOpts,
        );
        const gatewayNs = new k8s.core.v1.Namespace(
            `${name}-gateway-ns`,
            {
                metadata: {
                    name: args.gatewayNamespace,
                    // The LBC injects a readiness gate so a rolling update waits for the new pod to be a
                    // healthy NLB target before the old one goes away.
                    labels: {
                        "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
                        ...podSecurityLabels(),
                    },
                },
            },
            k8sOpts,
        );

        // The CRDs and cluster-wide resources are the newer revision's: an older istiod reads newer CRDs.
        this.base = new k8s.helm.v4.Chart(
            `${name}-base`,
            {
                chart: "base",
                version: istioBaseVersion(args.version, args.canary),
                repositoryOpts,
                namespace: "istio-system",
                values: { defaultRevision: "default" },
            },
            { ...k8sOpts, dependsOn: [systemNs] },
        );
        this.istiod = new k8s.helm.v4.Chart(
            `${name}-istiod`,
            {
                chart: "istiod",
                version: args.version,
                repositoryOpts,
                namespace: "istio-system",
                values: { ...istiodValues(args), ...args.istiodExtraValues },
            },
            { ...k8sOpts, dependsOn: [this.base, ...(args.istiodDependsOn ?? [])] },
        );
        if (args.canary) {
            // Named by its revision: every resource it renders is suffixed with it (istiod-<rev>, its
            // injector and validator webhooks), so it never touches the default revision's; a new
            // canary version is a new release, never an edit of a running revision.
            this.canaryIstiod = new k8s.helm.v4.Chart(
                `${name}-istiod-${args.canary.revision}`,
                {
                    chart: "istiod",
                    name: `istiod-${args.canary.revision}`,
                    version: args.canary.version,
                    repositoryOpts,
                    namespace: "istio-system",
                    values: {
                        ...istiodValues(args),
                        ...args.istiodExtraValues,
                        revision: args.canary.revision,
                    },
                },
                { ...k8sOpts, dependsOn: [this.base, ...(args.istiodDependsOn ?? [])] },
            );
        }
        if (args.gateway) {
            this.gateway = new k8s.helm.v4.Chart(
                `${name}-gateway`,
                {
                    chart: "gateway",
                    name: args.gateway.gatewayName,
                    version: args.version,
                    repositoryOpts,
                    namespace: args.gatewayNamespace,
                    values: gatewayValues(args.gateway),
                },
                {
                    ...k8sOpts,
                    // After istiod, and the canary's when it injects the pods.
                    dependsOn: [
                        gatewayNs,
                        this.istiod,
                        ...(args.gateway.revision && this.canaryIstiod ? [this.canaryIstiod] : []),
                        ...(args.gatewayDependsOn ?? []),
                    ],
                },
            );
            this.gatewayServiceName = pulumi.output(args.gateway.gatewayName);
        }
        this.gatewayNamespace = gatewayNs.metadata.name;
        this.registerOutputs({
            gatewayNamespace: this.gatewayNamespace,
            gatewayServiceName: this.gatewayServiceName,
        });
    }
}
