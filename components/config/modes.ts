// Modes concern: how ingress is declared (Istio's own API or the Kubernetes Gateway API) and which
// data plane the mesh runs (sidecars or ambient), plus the pieces only those modes use.
import { ConfigConcern, RawConfig } from "./schema";
import { compareVersions, configError, validateOneOf, validatePinnedVersion } from "./validate";

/** How ingress is declared: the gateway chart + networking.istio.io objects, or a Gateway API Gateway. */
export const INGRESS_APIS = ["istio", "gatewayApi"] as const;
/** The data planes. */
export const DATAPLANE_MODES = ["sidecar", "ambient"] as const;

/** Validated mode settings. */
export interface ModesSettings {
    /** Ingress API. */
    ingressApi: (typeof INGRESS_APIS)[number];
    /** Data plane. */
    dataplaneMode: (typeof DATAPLANE_MODES)[number];
    /** Ambient only: a waypoint for the sample namespace. */
    ambientWaypoint: boolean;
    /** Gateway API release whose standard-channel CRDs are installed (when a mode needs them). */
    gatewayApiVersion: string;
}

/** The first Istio release with ambient GA and Gateway parametersRef overlays (HPA, PDB). */
export const MIN_ISTIO_FOR_MODES = "1.24.0";
/** istiod names the generated Service `<gateway name>-istio`, which must still be a DNS label. */
export const MAX_GATEWAY_API_NAME_LENGTH = 63 - "-istio".length;

/** Gateway API releases are exact `x.y.z` (the `v` of the release tag is added by the program). */
export function validateGatewayApiVersion(value: string): void {
    validatePinnedVersion("gatewayApiVersion", value, "Gateway API release", "1.3.0");
}

/** True when the Gateway API CRDs are needed: the ingress itself, or an ambient waypoint. */
export function needsGatewayApiCrds(m: Pick<ModesSettings, "ingressApi" | "ambientWaypoint">): boolean {
    return m.ingressApi === "gatewayApi" || m.ambientWaypoint;
}

/** Cross-key checks of the modes against the Istio version, the gateway name and the sample app. */
export function validateModes(m: ModesSettings, raw: RawConfig): void {
    const nonDefault =
        m.ingressApi !== "istio" ? "ingressApi" : m.dataplaneMode !== "sidecar" ? "dataplaneMode" : "";
    if (nonDefault && compareVersions(raw.istioVersion, MIN_ISTIO_FOR_MODES) < 0) {
        throw configError(
            "istioVersion",
            raw.istioVersion,
            `must be >= ${MIN_ISTIO_FOR_MODES} when ${nonDefault} is "${m[nonDefault]}"`,
        );
    }
    if (m.ingressApi === "gatewayApi" && raw.gatewayName.length > MAX_GATEWAY_API_NAME_LENGTH) {
        throw configError(
            "gatewayName",
            raw.gatewayName,
            `must be at most ${MAX_GATEWAY_API_NAME_LENGTH} characters when ingressApi is "gatewayApi" (Istio names its Service "<gatewayName>-istio")`,
        );
    }
    if (m.ambientWaypoint && m.dataplaneMode !== "ambient") {
        throw configError(
            "ambientWaypoint",
            true,
            'must be false unless dataplaneMode is "ambient" (a waypoint serves ambient workloads only)',
        );
    }
    if (m.ambientWaypoint && !raw.sampleApp) {
        throw configError(
            "ambientWaypoint",
            true,
            "must be false unless sampleApp is true (the waypoint serves the sample namespace)",
        );
    }
}

/** The mode keys. */
export const modesConfig: ConfigConcern<ModesSettings> = {
    keys: ["ingressApi", "dataplaneMode", "ambientWaypoint", "gatewayApiVersion"],
    read(raw) {
        const m: ModesSettings = {
            ingressApi: validateOneOf("ingressApi", raw.ingressApi, INGRESS_APIS),
            dataplaneMode: validateOneOf("dataplaneMode", raw.dataplaneMode, DATAPLANE_MODES),
            ambientWaypoint: raw.ambientWaypoint,
            gatewayApiVersion: raw.gatewayApiVersion,
        };
        validateGatewayApiVersion(m.gatewayApiVersion);
        validateModes(m, raw);
        return m;
    },
};
