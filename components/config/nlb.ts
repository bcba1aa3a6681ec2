// NLB concern: scheme, who may reach it, deletion protection, deregistration delay (which the
// gateway's drain timing follows) and how the client IP reaches Istio.
import { ConfigConcern } from "./schema";
import { compareVersions, configError, validateCidrList, validateIntRange, validateOneOf } from "./validate";

/** The NLB schemes AWS accepts. */
export const NLB_SCHEMES = ["internet-facing", "internal"] as const;
/** How the client source address reaches the gateway. */
export const CLIENT_IP_MODES = ["preserveClientIp", "proxyProtocolV2"] as const;

/** Validated NLB settings. */
export interface NlbSettings {
    /** NLB scheme. */
    nlbScheme: (typeof NLB_SCHEMES)[number];
    /** Source CIDRs admitted by the NLB security group (empty: internal, VPC CIDR). */
    nlbSourceCidrs: string[];
    /** NLB deletion protection. */
    nlbDeletionProtection: boolean;
    /** Deregistration delay, seconds. */
    nlbDeregistrationDelay: number;
    /** Client IP mode. */
    clientIpMode: (typeof CLIENT_IP_MODES)[number];
}

/** The first Istio release whose status port accepts PROXY protocol (istio #55986). */
export const MIN_ISTIO_FOR_PPV2 = "1.27.0";

/** PPv2 breaks the NLB's HTTP health check on 15021 unless Istio can accept it there. */
export function validateClientIpMode(mode: string, istioVersion: string): (typeof CLIENT_IP_MODES)[number] {
    const m = validateOneOf("clientIpMode", mode, CLIENT_IP_MODES);
    if (m === "proxyProtocolV2" && compareVersions(istioVersion, MIN_ISTIO_FOR_PPV2) < 0) {
        throw configError(
            "istioVersion",
            istioVersion,
            `must be >= ${MIN_ISTIO_FOR_PPV2} when clientIpMode is "proxyProtocolV2" (status-port health checks need ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL)`,
        );
    }
    return m;
}

/** An internet-facing NLB must say who may reach it; there is no implicit 0.0.0.0/0. */
export function validateNlbSources(scheme: string, sourceCidrs: string[]): void {
    if (scheme === "internet-facing" && sourceCidrs.length === 0) {
        throw configError(
            "nlbSourceCidrs",
            sourceCidrs,
            'must list at least one CIDR when nlbScheme is "internet-facing" (use ["0.0.0.0/0"] to admit everyone)',
        );
    }
    validateCidrList("nlbSourceCidrs", sourceCidrs);
}

/** Seconds the gateway keeps serving after termination starts, beyond the NLB's deregistration delay. */
export const DRAIN_MARGIN_SECONDS = 15;

/** Drain timing of the gateway pods, derived from the NLB deregistration delay. */
export interface DrainTiming {
    /** Envoy keeps accepting and draining connections this long (proxy `terminationDrainDuration`). */
    drainDurationSeconds: number;
    /** Kubernetes kills the pod only after this (drain + margin for Envoy shutdown). */
    terminationGracePeriodSeconds: number;
}

/**
 * The NLB keeps routing to a deregistering target for up to the deregistration delay (LBC #2366), so
 * Envoy must keep serving at least that long, and Kubernetes must not SIGKILL it before it is done.
 */
export function computeDrainTiming(
    deregistrationDelaySeconds: number,
    margin = DRAIN_MARGIN_SECONDS,
): DrainTiming {
    const drain = Math.max(deregistrationDelaySeconds, 5);
    return { drainDurationSeconds: drain, terminationGracePeriodSeconds: drain + margin };
}

/** The NLB keys. */
export const nlbConfig: ConfigConcern<NlbSettings> = {
    keys: ["nlbScheme", "nlbSourceCidrs", "nlbDeletionProtection", "nlbDeregistrationDelay", "clientIpMode"],
    read(raw) {
        const nlbScheme = validateOneOf("nlbScheme", raw.nlbScheme, NLB_SCHEMES);
        validateNlbSources(nlbScheme, raw.nlbSourceCidrs);
        validateIntRange("nlbDeregistrationDelay", raw.nlbDeregistrationDelay, 0, 3600);
        return {
            nlbScheme,
            nlbSourceCidrs: raw.nlbSourceCidrs,
            nlbDeletionProtection: raw.nlbDeletionProtection,
            nlbDeregistrationDelay: raw.nlbDeregistrationDelay,
            clientIpMode: validateClientIpMode(raw.clientIpMode, raw.istioVersion),
        };
    },
};
