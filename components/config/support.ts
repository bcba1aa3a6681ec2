// Support concern: the pinned versions against the support calendar (policies/lib/supportCalendar.ts).
// An incompatible pair is refused when the config is read, before anything is registered, naming
// both keys and the supported range. A version past its support date is not refused (teams stay on
// a minor on purpose): it is a warning, computed for a given day so tests inject the date.
import {
    gatewayApiIncompatibility,
    istioKubernetesIncompatibility,
    karpenterKubernetesIncompatibility,
    lbcKubernetesIncompatibility,
    PinnedVersions,
    supportStatus,
} from "../../policies/lib/support";
import { needsGatewayApiCrds } from "./modes";
import { ConfigConcern, RawConfig } from "./schema";
import { configError } from "./validate";

/** Refuses pinned versions that do not work together (each key's own format is checked by its concern). */
export function validateCompatibility(raw: RawConfig): void {
    const k8s: string = raw.kubernetesVersion;
    const checks: [string, string, string | undefined][] = [
        ["istioVersion", raw.istioVersion, istioKubernetesIncompatibility(raw.istioVersion, k8s)],
        ["lbcChartVersion", raw.lbcChartVersion, lbcKubernetesIncompatibility(raw.lbcChartVersion, k8s)],
    ];
    // A chart that is not installed has no Kubernetes to support.
    if (raw.karpenterEnabled) {
        checks.push([
            "karpenterChartVersion",
            raw.karpenterChartVersion,
            karpenterKubernetesIncompatibility(raw.karpenterChartVersion, k8s),
        ]);
    }
    // The Gateway API CRDs are installed only for ingressApi gatewayApi or a waypoint.
    if (needsGatewayApiCrds({ ingressApi: raw.ingressApi, ambientWaypoint: raw.ambientWaypoint })) {
        checks.push([
            "gatewayApiVersion",
            raw.gatewayApiVersion,
            gatewayApiIncompatibility(raw.gatewayApiVersion, raw.istioVersion),
        ]);
    }
    for (const [key, value, problem] of checks) if (problem) throw configError(key, value, problem);
}

/**
 * The warnings for versions past a support date on `today` (EKS extended support with its price,
 * Istio end of life, an unmaintained controller chart line). Never thrown: index.ts logs them with
 * `pulumi.log.warn`, the plan and the deploy preflight print them.
 */
export function supportWarnings(settings: PinnedVersions, today: Date): string[] {
    return supportStatus(settings, today)
        .filter((l) => l.pastSupport)
        .map((l) => l.text);
}

/** Owns no key: runs after every concern has checked its own keys' format. */
export const supportConfig: ConfigConcern<object> = {
    keys: [],
    read(raw) {
        validateCompatibility(raw);
        return {};
    },
};
