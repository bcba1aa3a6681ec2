// Observability concern: where the mesh's metrics go (nothing, an in-cluster Prometheus stack, or
// Amazon Managed Service for Prometheus), how the in-cluster one is sized, where traces go, who is
// told when the ingress path breaks, and whether Kiali may be opened without logging in.
import { ConfigConcern, ConfigContext } from "./schema";
import { configError, validateIntRange, validateOneOf } from "./validate";

/** The metrics backends: none, kube-prometheus-stack in the cluster, or AMP fed by its managed collector. */
export const OBSERVABILITY_MODES = ["none", "inCluster", "managed"] as const;
/** One of {@link OBSERVABILITY_MODES}. */
export type ObservabilityMode = (typeof OBSERVABILITY_MODES)[number];

/** Validated observability settings. */
export interface ObservabilitySettings {
    /** Metrics backend (the NLB alarms and their topic exist in every mode). */
    observability: ObservabilityMode;
    /** inCluster: days Prometheus keeps samples. */
    prometheusRetentionDays: number;
    /** inCluster: size of Prometheus's volume, GiB. */
    prometheusStorageGi: number;
    /** inCluster: memory request (and limit) of Prometheus, MiB. */
    prometheusMemoryMi: number;
    /** OpenTelemetry collector `host:port` traces are sent to; unset: no tracing. */
    tracingEndpoint?: { host: string; port: number };
    /** Percent of requests traced (0-100, decimals allowed) when tracingEndpoint is set. */
    tracingSamplingPercent: number;
    /** Address subscribed to the alarm topic; empty: no subscription. */
    alarmEmail: string;
    /** Kiali without login (dev stacks only, never by default). */
    kialiAnonymous: boolean;
}

const HOST_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** `host:port` of an OTLP/gRPC collector: a DNS name or IPv4 address and a port 1-65535; empty: no tracing. */
export function parseTracingEndpoint(value: string): ObservabilitySettings["tracingEndpoint"] {
    if (value === "") return undefined;
    const m = /^([^:\s]+):(\d{1,5})$/.exec(value);
    const host = m?.[1] ?? "";
    const port = Number(m?.[2]);
    const hostOk =
        host.length <= 253 &&
        (host.split(".").every((l) => HOST_LABEL.test(l)) || /^(\d{1,3}\.){3}\d{1,3}$/.test(host));
    if (!m || !hostOk || port < 1 || port > 65535) {
        throw configError(
            "tracingEndpoint",
            value,
            'must be "host:port" of an OpenTelemetry (OTLP gRPC) collector, like "otel-collector.observability.svc.cluster.local:4317" (lowercase DNS name or IPv4 address, port 1-65535), or empty for no tracing',
        );
    }
    return { host, port };
}

/** A percentage 0-100 with at most two decimals (Istio's randomSamplingPercentage is a double). */
export function parseSamplingPercent(value: string): number {
    const n = Number(value);
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(value.trim()) || n < 0 || n > 100) {
        throw configError(
            "tracingSamplingPercent",
            value,
            'must be a percentage from 0 to 100 with at most two decimals, like "1" or "0.5"',
        );
    }
    return n;
}

/** An e-mail address for the alarm topic's subscription (AWS sends it a confirmation link). */
export function validateAlarmEmail(value: string): void {
    if (value === "" || /^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(value)) return;
    throw configError("alarmEmail", value, 'must be an e-mail address like "oncall@example.com", or empty');
}

/** True for a stack that is a development stack by its name: `dev`, `dev-*` or `*-dev`. */
export function isDevStack(stack: string): boolean {
    return stack === "dev" || stack.startsWith("dev-") || stack.endsWith("-dev");
}

/**
 * Kiali without login shows every namespace's traffic and configuration to whoever reaches its port.
 * It is refused unless there is a Kiali (a metrics backend) and the stack is a development stack by
 * its name, so copying a dev stack file to prod cannot carry it along.
 */
export function validateKialiAnonymous(
    s: Pick<ObservabilitySettings, "kialiAnonymous" | "observability">,
    stack: string,
): void {
    if (!s.kialiAnonymous) return;
    if (s.observability === "none") {
        throw configError(
            "kialiAnonymous",
            true,
            'must be false when observability is "none" (no Kiali is installed)',
        );
    }
    if (!isDevStack(stack)) {
        throw configError(
            "kialiAnonymous",
            true,
            `must be false on stack "${stack}": anonymous Kiali is allowed on development stacks only (named dev, dev-* or *-dev); log in with a token instead (docs/observability.md)`,
        );
    }
}

/** The observability keys. */
export const observabilityConfig: ConfigConcern<ObservabilitySettings> = {
    keys: [
        "observability",
        "prometheusRetentionDays",
        "prometheusStorageGi",
        "prometheusMemoryMi",
        "tracingEndpoint",
        "tracingSamplingPercent",
        "alarmEmail",
        "kialiAnonymous",
    ],
    read(raw, ctx: ConfigContext) {
        const observability = validateOneOf("observability", raw.observability, OBSERVABILITY_MODES);
        validateIntRange("prometheusRetentionDays", raw.prometheusRetentionDays, 1, 365);
        validateIntRange("prometheusStorageGi", raw.prometheusStorageGi, 5, 1000);
        validateIntRange("prometheusMemoryMi", raw.prometheusMemoryMi, 512, 65536);
        validateAlarmEmail(raw.alarmEmail);
        const settings: ObservabilitySettings = {
            observability,
            prometheusRetentionDays: raw.prometheusRetentionDays,
            prometheusStorageGi: raw.prometheusStorageGi,
            prometheusMemoryMi: raw.prometheusMemoryMi,
            tracingEndpoint: parseTracingEndpoint(raw.tracingEndpoint),
            tracingSamplingPercent: parseSamplingPercent(raw.tracingSamplingPercent),
            alarmEmail: raw.alarmEmail,
            kialiAnonymous: raw.kialiAnonymous,
        };
        validateKialiAnonymous(settings, ctx.stack);
        return settings;
    },
};
