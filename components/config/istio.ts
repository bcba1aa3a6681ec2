// Istio concern: the pinned version, istiod and the ingress gateway's name, size and XFF trust.
import { ConfigConcern } from "./schema";
import { validateDnsLabel, validateIntRange, validatePinnedVersion } from "./validate";

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
    validatePinnedVersion("istioVersion", value, "Istio version", "1.27.3");
}

/** Gateway replicas and HPA bounds. */
export function validateGatewayReplicas(replicas: number, maxReplicas: number): void {
    validateIntRange("gatewayReplicas", replicas, 1, 100);
    validateIntRange("gatewayMaxReplicas", maxReplicas, replicas, 100, {
        min: `gatewayReplicas (${replicas})`,
    });
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
