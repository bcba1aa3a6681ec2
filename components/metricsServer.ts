// metrics-server: EKS ships none, and without the metrics API the gateway's and istiod's
// HorizontalPodAutoscalers never act. Installed from its pinned upstream Helm chart rather than as the
// EKS add-on: the chart is rendered and checked like every other chart here (its objects reach the
// policy pack at preview), its replica count and PodDisruptionBudget follow the environment, and the
// version is pinned by this program instead of by an add-on version table per Kubernetes release.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** Helm repository of the upstream metrics-server chart. */
export const METRICS_SERVER_CHART_REPO = "https://kubernetes-sigs.github.io/metrics-server/";
/** Namespace of metrics-server (the APIService `v1beta1.metrics.k8s.io` points there). */
export const METRICS_SERVER_NAMESPACE = "kube-system";

/** Arguments of {@link MetricsServer}. */
export interface MetricsServerArgs {
    /** Pinned chart version. */
    chartVersion: string;
    /** Replicas: 2 keeps the metrics API up through a node drain; 1 in small stacks. */
    replicas: number;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Resources the chart must wait for (the managed node group it runs on). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Values for the metrics-server chart (pure, so tests can check them). */
export function metricsServerValues(args: Pick<MetricsServerArgs, "replicas">): Record<string, unknown> {
    const ha = args.replicas >= 2;
    return {
        replicas: args.replicas,
        // A PDB over one replica would block every drain; over two it lets one go at a time.
        podDisruptionBudget: ha ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
        // Two replicas on two nodes, or a node drain takes the metrics API (and every HPA) down.
        affinity: ha
            ? {
                  podAntiAffinity: {
                      preferredDuringSchedulingIgnoredDuringExecution: [
                          {
                              weight: 100,
                              podAffinityTerm: {
                                  topologyKey: "kubernetes.io/hostname",
                                  labelSelector: {
                                      matchLabels: { "app.kubernetes.io/name": "metrics-server" },
                                  },
                              },
                          },
                      ],
                  },
              }
            : {},
        resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
    };
}

/** The metrics-server chart in kube-system. */
export class MetricsServer extends pulumi.ComponentResource {
    /** The chart (anything relying on the metrics API, such as an HPA, may depend on it). */
    public readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:metricsServer:MetricsServer", name, {}, opts);
        this.chart = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                chart: "metrics-server",
                name: "metrics-server",
                version: args.chartVersion,
                repositoryOpts: { repo: METRICS_SERVER_CHART_REPO },
                namespace: METRICS_SERVER_NAMESPACE,
                values: metricsServerValues(args),
            },
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        this.registerOutputs({});
    }
}
