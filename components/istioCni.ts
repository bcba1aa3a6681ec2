// The Istio CNI node agent (chart `cni`), one install per cluster. Ambient needs it (it redirects
// enrolled pods' traffic to ztunnel); sidecars can use it too (it sets up their redirection instead
// of the NET_ADMIN init container Pod Security `baseline` forbids). Whichever mode asks for it, this
// is the one install: the ambient profile also serves sidecar pods.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ISTIO_CHART_REPO } from "./istio";

/**
 * Namespace of the node agents (istio-cni, ztunnel). They need node privileges (NET_ADMIN, host
 * paths) that Pod Security `baseline` forbids, so they run in kube-system, which this program does
 * not create or label, rather than in istio-system.
 */
export const NODE_AGENT_NAMESPACE = "kube-system";

/** Values of the `cni` chart: the ambient profile when asked, and the runtime's seccomp profile. */
export function istioCniValues(ambient: boolean): Record<string, unknown> {
    return { ...(ambient ? { profile: "ambient" } : {}), seccompProfile: { type: "RuntimeDefault" } };
}

/** Arguments of {@link IstioCni}. */
export interface IstioCniArgs {
    /** Pinned Istio version: must match istiod. */
    version: string;
    /** Enable ambient redirection (the chart's `ambient` profile). */
    ambient: boolean;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** istiod: the agent reads its mesh configuration. */
    istiod: pulumi.Resource;
}

/** The istio-cni DaemonSet (chart `cni`), after istiod. */
export class IstioCni extends pulumi.ComponentResource {
    /** The chart: what depends on the node agent waits for it. */
    public readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: IstioCniArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:istioCni:IstioCni", name, {}, opts);
        this.chart = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                chart: "cni",
                name: "istio-cni",
                version: args.version,
                repositoryOpts: { repo: ISTIO_CHART_REPO },
                namespace: NODE_AGENT_NAMESPACE,
                values: istioCniValues(args.ambient),
            },
            { parent: this, provider: args.provider, dependsOn: [args.istiod] },
        );
        this.registerOutputs({});
    }
}
