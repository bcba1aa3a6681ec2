// Istio concern: the pinned version, istiod and the ingress gateway's name, size and XFF trust.
import { ConfigConcern } from "./schema";
import { configError, validateDnsLabel, validateIntRange } from "./validate";

/** Validated Istio settings. */
export interface IstioSettings {
    /** Istio version. */
    istioVersion: string;
    /** istiod replicas. */
    istiodReplicas: number;
    /** Gateway namespace. */
    gatewayNamespace: string;
    /** Gateway release / Service name. */
    gatewayName: string;
    /** Gateway replicas. */
    gatewayReplicas: number;
    /** Gateway HPA maximum. */
    gatewayMaxReplicas: number;
    /** XFF trusted proxy count. */
    gatewayNumTrustedProxies: number;
}

/** Istio releases are exact `x.y.z`; ranges, `latest` and `x.y` are rejected so every env runs one build. */
export function validateIstioVersion(value: string): void {
    if (!/^\d+\.\d+\.\d+$/.test(value)) {
        throw configError("istioVersion", value, 'must be a pinned Istio version "x.y.z" like "1.27.3"');
    }
}

/** Gateway replicas and HPA bounds. */
export function validateGatewayReplicas(replicas: number, maxReplicas: number): void {
    validateIntRange("gatewayReplicas", replicas, 1, 100);
    if (!Number.isInteger(maxReplicas) || maxReplicas < replicas || maxReplicas > 100) {
        throw configError(
            "gatewayMaxReplicas",
            maxReplicas,
            `must be an integer from gatewayReplicas (${replicas}) to 100`,
        );
    }
}

/** The Istio keys. */
export const istioConfig: ConfigConcern<IstioSettings> = {
    keys: [
        "istioVersion",
        "istiodReplicas",
        "gatewayNamespace",
        "gatewayName",
        "gatewayReplicas",
        "gatewayMaxReplicas",
        "gatewayNumTrustedProxies",
    ],
    read(raw) {
        validateIstioVersion(raw.istioVersion);
        validateIntRange("istiodReplicas", raw.istiodReplicas, 1, 10);
        validateDnsLabel("gatewayNamespace", raw.gatewayNamespace);
        validateDnsLabel("gatewayName", raw.gatewayName);
        validateGatewayReplicas(raw.gatewayReplicas, raw.gatewayMaxReplicas);
        validateIntRange("gatewayNumTrustedProxies", raw.gatewayNumTrustedProxies, 0, 10);
        return {
            istioVersion: raw.istioVersion,
            istiodReplicas: raw.istiodReplicas,
            gatewayNamespace: raw.gatewayNamespace,
            gatewayName: raw.gatewayName,
            gatewayReplicas: raw.gatewayReplicas,
            gatewayMaxReplicas: raw.gatewayMaxReplicas,
            gatewayNumTrustedProxies: raw.gatewayNumTrustedProxies,
        };
    },
};
