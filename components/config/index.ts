// Project configuration: Pulumi.yaml declares every key (schema.ts reads it); each concern module
// owns its keys' validation and settings type; this module composes them. Everything is pure, so
// index.ts, the tests and the offline plan tool share one code path, and every bad value is rejected
// before a single resource is registered.
import { ConfigConcern, ConfigContext, DECLARED_SCHEMA, DeclaredKey, parseConfig } from "./schema";
import { configError } from "./validate";
import { ClusterSettings, clusterConfig } from "./cluster";
import { IstioSettings, istioConfig } from "./istio";
import { IstioCanarySettings, istioCanaryConfig } from "./istioCanary";
import { LoadBalancerControllerSettings, loadBalancerControllerConfig } from "./loadBalancerController";
import { MeshSettings, meshConfig } from "./mesh";
import { ModesSettings, modesConfig } from "./modes";
import { NetworkSettings, networkConfig } from "./network";
import { NlbSettings, nlbConfig } from "./nlb";
import { TlsSettings, tlsConfig } from "./tls";
import { AutoscalingSettings, autoscalingConfig } from "./autoscaling";
import { TagsSettings, tagsConfig } from "./tags";
import { supportConfig } from "./support";
import { ObservabilitySettings, observabilityConfig } from "./observability";

export * from "./validate";
export * from "./schema";
export * from "./network";
export * from "./cluster";
export * from "./loadBalancerController";
export * from "./istio";
export * from "./istioCanary";
export * from "./nlb";
export * from "./mesh";
export * from "./modes";
export * from "./tls";
export * from "./autoscaling";
export * from "./tags";
export * from "./support";
export * from "./observability";

/** Every concern, in validation order (the first bad value found is the one reported). */
export const CONFIG_CONCERNS: readonly ConfigConcern<object>[] = [
    networkConfig,
    clusterConfig,
    loadBalancerControllerConfig,
    istioConfig,
    nlbConfig,
    meshConfig,
    modesConfig,
    istioCanaryConfig,
    tlsConfig,
    autoscalingConfig,
    tagsConfig,
    observabilityConfig,
    // Cross-key: the pinned versions against the support calendar, once each is well-formed.
    supportConfig,
];

/** Validated, typed settings for the whole platform: the stack context plus every concern's settings. */
export type PlatformSettings = ConfigContext &
    NetworkSettings &
    ClusterSettings &
    LoadBalancerControllerSettings &
    IstioSettings &
    NlbSettings &
    MeshSettings &
    ModesSettings &
    IstioCanarySettings &
    TlsSettings &
    AutoscalingSettings &
    TagsSettings &
    ObservabilitySettings;

/**
 * Reads the CLI's config map (`pulumi.runtime.allConfig()`: full keys -> raw strings), applies the
 * Pulumi.yaml defaults, rejects undeclared keys, validates every concern and returns typed settings.
 * Throws ConfigError on the first bad value; registers nothing.
 */
export function readSettings(
    allConfig: Readonly<Record<string, string>>,
    context: { stack: string; region: string | undefined },
    schema: Readonly<Record<string, DeclaredKey>> = DECLARED_SCHEMA,
): PlatformSettings {
    return validateSettings(parseConfig(allConfig, schema), context);
}

/** Validates already-typed values (defaults applied) through every concern. */
export function validateSettings(
    raw: Record<string, any>,
    context: { stack: string; region: string | undefined },
): PlatformSettings {
    if (!context.region) throw configError("aws:region", undefined, "must be set, e.g. us-west-2");
    const ctx: ConfigContext = { stack: context.stack, region: context.region };
    const settings: Record<string, unknown> = { ...ctx };
    for (const concern of CONFIG_CONCERNS) Object.assign(settings, concern.read(raw, ctx));
    return settings as unknown as PlatformSettings;
}
