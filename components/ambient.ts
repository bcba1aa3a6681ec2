// The ambient data plane (`dataplaneMode: ambient`): no sidecars; the istio-cni node agent redirects
// the traffic of enrolled pods to ztunnel (one per node, L4 mTLS over HBONE), and an optional
// waypoint proxy adds L7 policy for a namespace. Install order, as Istio documents it for Helm:
// base -> istiod (profile ambient) -> istio-cni (profile ambient) -> ztunnel; workloads after ztunnel.
// The ingress gateway is unchanged: an Envoy gateway behind the NLB, never captured by ztunnel (its
// namespace is not enrolled; Gateway API gateways get `istio.io/dataplane-mode: none` from istiod),
// which speaks HBONE to ambient pods. PeerAuthentication STRICT is enforced by ztunnel.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ModesSettings } from "./config/modes";
import { ISTIO_CHART_REPO } from "./istio";

/** A data-plane mode (`sidecar` or `ambient`). */
export type DataplaneMode = ModesSettings["dataplaneMode"];

/**
 * Namespace of istio-cni and ztunnel. Both need node privileges (NET_ADMIN, host paths) that Pod
 * Security `baseline` forbids, so they run in kube-system, which this program does not create or
 * label, rather than in istio-system. istiod must then trust ztunnel's service account from there.
 */
export const AMBIENT_NAMESPACE = "kube-system";
/** Name of the optional waypoint (a Gateway of class `istio-waypoint`) in an enrolled namespace. */
export const WAYPOINT_NAME = "waypoint";

/** The istiod chart values ambient adds to the sidecar install. */
export function ambientIstiodValues(): Record<string, unknown> {
    return {
        // PILOT_ENABLE_AMBIENT, HBONE for proxies (so the gateway reaches ambient pods) and the
        // ambient CNI flag: the same profile the cni chart gets.
        profile: "ambient",
        // CA_TRUSTED_NODE_ACCOUNTS: ztunnel requests certificates for the pods on its node.
        trustedZtunnelNamespace: AMBIENT_NAMESPACE,
    };
}

/**
 * Labels of a namespace the program creates for workloads. Sidecar: injection. Ambient: enrolment
 * (and no injection label, or pods would get both), plus the waypoint for all traffic to its
 * services, the ingress gateway's included, when one is deployed.
 */
export function workloadNamespaceLabels(mode: DataplaneMode, waypoint?: string): Record<string, string> {
    if (mode === "sidecar") return { "istio-injection": "enabled" };
    return {
        "istio.io/dataplane-mode": "ambient",
        ...(waypoint ? { "istio.io/use-waypoint": waypoint, "istio.io/ingress-use-waypoint": "true" } : {}),
    };
}

/** The waypoint Gateway (what `istioctl waypoint generate` writes) for the services of a namespace. */
export function waypointGatewayObject(namespace: pulumi.Input<string>): Record<string, any> {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
            name: WAYPOINT_NAME,
            namespace,
            labels: { "istio.io/waypoint-for": "service" },
            // The namespace's services route through it only once it serves.
            annotations: { "pulumi.com/waitFor": "condition=Programmed" },
        },
        spec: {
            gatewayClassName: "istio-waypoint",
            listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }],
        },
    };
}

/** Arguments of {@link AmbientDataplane}. */
export interface AmbientDataplaneArgs {
    /** Pinned Istio version: the cni and ztunnel charts must match istiod. */
    version: string;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** The istiod chart (ztunnel gets its certificates and configuration from istiod). */
    istiod: pulumi.Resource;
}

/** istio-cni and ztunnel, after istiod. */
export class AmbientDataplane extends pulumi.ComponentResource {
    /** The istio-cni node agent (ambient profile). */
    public readonly cni: k8s.helm.v4.Chart;
    /** ztunnel: workloads wait for it. */
    public readonly ztunnel: k8s.helm.v4.Chart;

    constructor(name: string, args: AmbientDataplaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:ambient:AmbientDataplane", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const common = {
            version: args.version,
            repositoryOpts: { repo: ISTIO_CHART_REPO },
            namespace: AMBIENT_NAMESPACE,
        };

        this.cni = new k8s.helm.v4.Chart(
            `${name}-cni`,
            { ...common, chart: "cni", name: "istio-cni", values: { profile: "ambient" } },
            { ...k8sOpts, dependsOn: [args.istiod] },
        );
        // After the CNI agent: a ztunnel that starts first has no pods handed to it until the agent runs.
        this.ztunnel = new k8s.helm.v4.Chart(
            `${name}-ztunnel`,
            { ...common, chart: "ztunnel", name: "ztunnel", values: {} },
            { ...k8sOpts, dependsOn: [this.cni] },
        );
        this.registerOutputs({});
    }
}
