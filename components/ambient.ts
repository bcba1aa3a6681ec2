// The ambient data plane (`dataplaneMode: ambient`): no sidecars; the istio-cni node agent
// (components/istioCni.ts) redirects the traffic of enrolled pods to ztunnel (one per node, L4 mTLS
// over HBONE), and an optional waypoint proxy adds L7 policy for a namespace. Install order, as Istio
// documents it for Helm: base -> istiod (profile ambient) -> istio-cni (profile ambient) -> ztunnel;
// workloads after ztunnel.
// The ingress gateway is unchanged: an Envoy gateway behind the NLB, never captured by ztunnel (its
// namespace is not enrolled; Gateway API gateways get `istio.io/dataplane-mode: none` from istiod),
// which speaks HBONE to ambient pods. PeerAuthentication STRICT is enforced by ztunnel.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ModesSettings } from "./config/modes";
import { ISTIO_CHART_REPO } from "./istio";
import { NODE_AGENT_NAMESPACE } from "./istioCni";

/** A data-plane mode (`sidecar` or `ambient`). */
export type DataplaneMode = ModesSettings["dataplaneMode"];

/** Namespace of ztunnel (with istio-cni): istiod must trust ztunnel's service account there. */
export const AMBIENT_NAMESPACE = NODE_AGENT_NAMESPACE;
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
export function waypointGatewayObject(namespace: pulumi.Input<string>): k8s.apiextensions.CustomResourceArgs {
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
    /** The istio-cni node agent (ambient profile), which comes after istiod. */
    cni: pulumi.Resource;
}

/** ztunnel, after the istio-cni node agent. */
export class AmbientDataplane extends pulumi.ComponentResource {
    /** ztunnel: workloads wait for it. */
    public readonly ztunnel: k8s.helm.v4.Chart;

    constructor(name: string, args: AmbientDataplaneArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:ambient:AmbientDataplane", name, {}, opts);
        // After the CNI agent: a ztunnel that starts first has no pods handed to it until the agent runs.
        this.ztunnel = new k8s.helm.v4.Chart(
            `${name}-ztunnel`,
            {
                chart: "ztunnel",
                name: "ztunnel",
                version: args.version,
                repositoryOpts: { repo: ISTIO_CHART_REPO },
                namespace: AMBIENT_NAMESPACE,
                values: {},
            },
            { parent: this, provider: args.provider, dependsOn: [args.cni] },
        );
        this.registerOutputs({});
    }
}
