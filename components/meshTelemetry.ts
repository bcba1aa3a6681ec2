// Access logs and tracing through Istio's Telemetry API: one mesh-wide Telemetry in the root
// namespace (istio-system) selects providers that meshConfig.extensionProviders declares. Not
// `meshConfig.accessLogFile`, which can only be all or nothing in text, and which no Telemetry can
// turn off again. `telemetry.istio.io/v1` is served from Istio 1.22 on, so the same objects hold for
// 1.27 and 1.30+.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** The extension provider of the JSON access log (Envoy's file access log on stdout). */
export const ACCESS_LOG_PROVIDER = "envoy-json";
/** The extension provider of tracing (OpenTelemetry, OTLP gRPC). */
export const TRACING_PROVIDER = "otel-tracing";
/** Istio's root namespace: a Telemetry there applies to the whole mesh. */
export const MESH_ROOT_NAMESPACE = "istio-system";

/** What the mesh reports besides metrics. */
export interface MeshTelemetrySettings {
    /** Mesh-wide JSON access logs (on whenever observability is not `none`). */
    accessLogs: boolean;
    /** Tracing to an OpenTelemetry collector; unset: no tracing. */
    tracing?: {
        /** Collector host (a Service FQDN or an address). */
        host: string;
        /** Collector port (OTLP gRPC). */
        port: number;
        /** Percent of requests sampled, 0-100. */
        samplingPercent: number;
    };
}

/**
 * meshConfig.extensionProviders for istiod's chart. An empty `labels` map is Istio's default JSON
 * access log format (pilot's buildFileAccessJSONLogFormat uses its own field set when none is given).
 */
export function meshExtensionProviders(s: MeshTelemetrySettings): Record<string, unknown>[] {
    return [
        ...(s.accessLogs
            ? [
                  {
                      name: ACCESS_LOG_PROVIDER,
                      envoyFileAccessLog: { path: "/dev/stdout", logFormat: { labels: {} } },
                  },
              ]
            : []),
        ...(s.tracing
            ? [{ name: TRACING_PROVIDER, opentelemetry: { service: s.tracing.host, port: s.tracing.port } }]
            : []),
    ];
}

/** The mesh-wide Telemetry spec, or undefined when there is nothing to turn on. */
export function meshTelemetrySpec(s: MeshTelemetrySettings): Record<string, unknown> | undefined {
    if (!s.accessLogs && !s.tracing) return undefined;
    return {
        ...(s.accessLogs ? { accessLogging: [{ providers: [{ name: ACCESS_LOG_PROVIDER }] }] } : {}),
        ...(s.tracing
            ? {
                  tracing: [
                      {
                          providers: [{ name: TRACING_PROVIDER }],
                          randomSamplingPercentage: s.tracing.samplingPercent,
                      },
                  ],
              }
            : {}),
    };
}

/** Arguments of {@link MeshTelemetry}. */
export interface MeshTelemetryArgs {
    /** The providers to turn on (declared in istiod's meshConfig by {@link meshExtensionProviders}). */
    settings: MeshTelemetrySettings;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** istiod (the Telemetry CRD comes with base, the providers with istiod's mesh config). */
    istiod: pulumi.Input<pulumi.Resource>;
}

/** The mesh-wide Telemetry object, when access logs or tracing are on. */
export class MeshTelemetry extends pulumi.ComponentResource {
    /** The Telemetry object (undefined when nothing is on). */
    public readonly telemetry?: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MeshTelemetryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:meshTelemetry:MeshTelemetry", name, {}, opts);
        const spec = meshTelemetrySpec(args.settings);
        if (spec) {
            this.telemetry = new k8s.apiextensions.CustomResource(
                `${name}-mesh-default`,
                {
                    apiVersion: "telemetry.istio.io/v1",
                    kind: "Telemetry",
                    metadata: { name: "mesh-default", namespace: MESH_ROOT_NAMESPACE },
                    spec,
                },
                { parent: this, provider: args.provider, dependsOn: [args.istiod] },
            );
        }
        this.registerOutputs({});
    }
}
