// Istio canary concern: a second istiod at a newer version, as its own revision, beside the current
// one (istio.io "Canary upgrades" and "Upgrade with Helm"), and which of the program's workloads run
// on it. The runbook is docs/upgrades.md#istio-canary-upgrade.
import {
    gatewayApiIncompatibility,
    istioKubernetesIncompatibility,
    istioMinor,
} from "../../policies/lib/support";
import { needsGatewayApiCrds } from "./modes";
import { ConfigConcern, RawConfig } from "./schema";
import { compareVersions, configError, validatePinnedVersion } from "./validate";

/** The program's workloads that can be moved to the canary revision. */
export const CANARY_WORKLOADS = ["gateway", "sample"] as const;
/** One of {@link CANARY_WORKLOADS}. */
export type CanaryWorkload = (typeof CANARY_WORKLOADS)[number];

/** Validated canary settings. */
export interface IstioCanarySettings {
    /** Version of the canary istiod; empty: no canary. */
    istioCanaryVersion: string;
    /** The program's workloads injected by the canary revision instead of the default one. */
    istioCanaryWorkloads: CanaryWorkload[];
}

/** The canary's settings as the components take them: version and revision, or undefined without one. */
export interface IstioCanary {
    /** Istio version of the canary istiod (its chart version). */
    version: string;
    /** Its revision: `istio.io/rev` value, and the suffix of its resources (`istiod-<revision>`). */
    revision: string;
    /** The program's workloads on it. */
    workloads: readonly CanaryWorkload[];
}

/**
 * The revision of an Istio version: `1.28.0` -> `1-28-0`, the naming Istio's upgrade guides use. A
 * revision is immutable: a new version gets a new revision, so a second canary never edits the first.
 */
export function canaryRevision(version: string): string {
    return version.replace(/\./g, "-");
}

/** The canary of validated settings, or undefined when `istioCanaryVersion` is empty. */
export function istioCanary(s: IstioCanarySettings): IstioCanary | undefined {
    if (!s.istioCanaryVersion) return undefined;
    return {
        version: s.istioCanaryVersion,
        revision: canaryRevision(s.istioCanaryVersion),
        workloads: s.istioCanaryWorkloads,
    };
}

/** True when `workload` runs on the canary revision. */
export function onCanary(canary: IstioCanary | undefined, workload: CanaryWorkload): boolean {
    return canary?.workloads.includes(workload) ?? false;
}

/** The Istio version the base chart (CRDs, cluster-wide resources) installs: the newer of the two. */
export function istioBaseVersion(istioVersion: string, canary: IstioCanary | undefined): string {
    return canary && compareVersions(canary.version, istioVersion) > 0 ? canary.version : istioVersion;
}

/**
 * `istioCanaryVersion` against `istioVersion` and the data plane. Equal is allowed: it is the promoted
 * state of the runbook (istioVersion moved up to the canary's, the workloads still on the canary go
 * back to the default revision). Older is refused (the CRDs stay at the newer version; roll back by
 * moving workloads back, not with an older canary), and so is more than one minor ahead: istio-cni
 * stays at istioVersion until promotion and supports a control plane of its own minor or the next,
 * and the promotion upgrades the default revision in place, one minor at a time as Istio requires.
 */
export function validateIstioCanaryVersion(canary: string, raw: RawConfig): void {
    if (canary === "") return;
    validatePinnedVersion("istioCanaryVersion", canary, "Istio version", "1.28.0");
    const current = String(raw.istioVersion);
    if (compareVersions(canary, current) < 0) {
        throw configError(
            "istioCanaryVersion",
            canary,
            `must not be older than istioVersion (${current}): a canary runs a newer Istio beside the current one; to roll back, move the workloads back (istioCanaryWorkloads) and unset it`,
        );
    }
    const [cMajor, cMinor] = canary.split(".").map(Number);
    const [major, minor] = current.split(".").map(Number);
    if (cMajor !== major || cMinor > minor + 1) {
        throw configError(
            "istioCanaryVersion",
            canary,
            `must be at most one minor ahead of istioVersion (${current}), i.e. ${major}.${minor}.x or ${major}.${minor + 1}.x: istio-cni stays at istioVersion until promotion, and a node agent supports a control plane at most one minor newer; upgrade one minor per canary`,
        );
    }
    // The canary runs on the same cluster as istiod, and with the Gateway API reads the same CRDs.
    const k8sProblem = istioKubernetesIncompatibility(canary, raw.kubernetesVersion);
    if (k8sProblem) throw configError("istioCanaryVersion", canary, k8sProblem);
    if (
        needsGatewayApiCrds({ ingressApi: raw.ingressApi, ambientWaypoint: raw.ambientWaypoint }) &&
        gatewayApiIncompatibility(raw.gatewayApiVersion, canary)
    ) {
        const needs = istioMinor(canary)?.gatewayApi;
        throw configError(
            "istioCanaryVersion",
            canary,
            `is not built against gatewayApiVersion "${raw.gatewayApiVersion}", the Gateway API CRDs both revisions read (${needs ? `Istio ${canary} needs ${needs}` : "no Gateway API release is recorded for it in policies/lib/supportCalendar.ts"}): canary a version built against the same Gateway API minor as istioVersion, or upgrade the CRDs and istioVersion first`,
        );
    }
    if (raw.dataplaneMode === "ambient") {
        throw configError(
            "istioCanaryVersion",
            canary,
            'must be empty when dataplaneMode is "ambient": ztunnel is one DaemonSet per node and is upgraded in place, not per revision (istio.io "Upgrade with Helm" for ambient); upgrade with istioVersion instead',
        );
    }
}

/** `istioCanaryWorkloads`: distinct known workloads, only with a canary, and only ones this stack runs. */
export function validateIstioCanaryWorkloads(workloads: string[], raw: RawConfig): CanaryWorkload[] {
    for (const w of workloads) {
        if (!(CANARY_WORKLOADS as readonly string[]).includes(w))
            throw configError(
                "istioCanaryWorkloads",
                workloads,
                `contains "${w}"; allowed: ${CANARY_WORKLOADS.join("|")}`,
            );
    }
    if (new Set(workloads).size !== workloads.length)
        throw configError("istioCanaryWorkloads", workloads, "must not repeat a value");
    if (workloads.length > 0 && !raw.istioCanaryVersion)
        throw configError(
            "istioCanaryWorkloads",
            workloads,
            "must be empty while istioCanaryVersion is empty (there is no canary revision to run on)",
        );
    if (workloads.includes("sample") && !raw.sampleApp)
        throw configError(
            "istioCanaryWorkloads",
            workloads,
            'must not contain "sample" unless sampleApp is true (there is no sample app to move)',
        );
    return workloads as CanaryWorkload[];
}

/** The canary keys. */
export const istioCanaryConfig: ConfigConcern<IstioCanarySettings> = {
    keys: ["istioCanaryVersion", "istioCanaryWorkloads"],
    read(raw) {
        validateIstioCanaryVersion(raw.istioCanaryVersion, raw);
        return {
            istioCanaryVersion: raw.istioCanaryVersion,
            istioCanaryWorkloads: validateIstioCanaryWorkloads(raw.istioCanaryWorkloads, raw),
        };
    },
};
