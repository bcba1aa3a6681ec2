// Autoscaling concern: metrics-server (so HPAs act) and Karpenter (so nodes follow the pods): pinned
// chart versions, the pinned node AMI, and how much Karpenter may launch, of which kinds.
import { isKarpenterRestrictedTag } from "../karpenterCrds";
import { ConfigConcern } from "./schema";
import { parseTags } from "./tags";
import {
    compareVersions,
    configError,
    validateChartVersion,
    validateIntRange,
    validateSubset,
} from "./validate";

/** Validated autoscaling settings. */
export interface AutoscalingSettings {
    /** metrics-server chart version. */
    metricsServerChartVersion: string;
    /** Install Karpenter. */
    karpenterEnabled: boolean;
    /** Karpenter chart version. */
    karpenterChartVersion: string;
    /** Pinned AMI alias of Karpenter's nodes. */
    karpenterAmiAlias: string;
    /** vCPU limit of the NodePool. */
    karpenterCpuLimit: number;
    /** Memory limit of the NodePool, GiB. */
    karpenterMemoryLimitGi: number;
    /** Instance categories Karpenter may launch. */
    karpenterInstanceCategories: string[];
    /** Capacity types Karpenter may launch. */
    karpenterCapacityTypes: string[];
}

/** General-purpose, compute, memory, burstable and storage families; no GPU/accelerator AMIs here. */
export const KARPENTER_INSTANCE_CATEGORIES = ["c", "m", "r", "t", "i", "d", "x", "z"] as const;
/** Capacity types of the NodePool (capacity reservations are not used). */
export const KARPENTER_CAPACITY_TYPES = ["on-demand", "spot"] as const;

/**
 * A pinned Karpenter v1 chart. Whether it supports `kubernetesVersion` is the support concern's
 * check (support.ts, against the support calendar).
 */
export function validateKarpenterChartVersion(value: string): void {
    validateChartVersion("karpenterChartVersion", value);
    if (compareVersions(value, "1.0.0") < 0 || compareVersions(value, "2.0.0") >= 0) {
        throw configError(
            "karpenterChartVersion",
            value,
            "must be a 1.x release: the EC2NodeClass and NodePool created here are the v1 APIs",
        );
    }
}

/** An AL2023 alias pinned to one EKS AMI release, never `@latest`. */
export function validateAmiAlias(value: string): void {
    if (!/^al2023@v\d{8}$/.test(value)) {
        throw configError(
            "karpenterAmiAlias",
            value,
            'must be a pinned Amazon Linux 2023 AMI alias "al2023@vYYYYMMDD" like "al2023@v20260714" (an EKS AMI release; not @latest)',
        );
    }
}

/** With Karpenter on, no user tag may be one Karpenter reserves: its EC2NodeClass would be refused. */
export function validateTagsForKarpenter(tagEntries: readonly string[]): void {
    const tags = parseTags(tagEntries);
    for (const [key, value] of Object.entries(tags)) {
        if (isKarpenterRestrictedTag(key)) {
            throw configError(
                "tags",
                `${key}=${value}`,
                "is a tag Karpenter sets on its nodes itself (eks:eks-cluster-name, kubernetes.io/cluster/*, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass); its EC2NodeClass would be refused: remove it, or set karpenterEnabled to false",
            );
        }
    }
}

/** The autoscaling keys. */
export const autoscalingConfig: ConfigConcern<AutoscalingSettings> = {
    keys: [
        "metricsServerChartVersion",
        "karpenterEnabled",
        "karpenterChartVersion",
        "karpenterAmiAlias",
        "karpenterCpuLimit",
        "karpenterMemoryLimitGi",
        "karpenterInstanceCategories",
        "karpenterCapacityTypes",
    ],
    read(raw) {
        validateChartVersion("metricsServerChartVersion", raw.metricsServerChartVersion);
        validateKarpenterChartVersion(raw.karpenterChartVersion);
        validateAmiAlias(raw.karpenterAmiAlias);
        validateIntRange("karpenterCpuLimit", raw.karpenterCpuLimit, 1, 10000);
        validateIntRange("karpenterMemoryLimitGi", raw.karpenterMemoryLimitGi, 1, 100000);
        validateSubset(
            "karpenterInstanceCategories",
            raw.karpenterInstanceCategories,
            KARPENTER_INSTANCE_CATEGORIES,
        );
        validateSubset("karpenterCapacityTypes", raw.karpenterCapacityTypes, KARPENTER_CAPACITY_TYPES);
        if (raw.karpenterEnabled) validateTagsForKarpenter(raw.tags);
        return {
            metricsServerChartVersion: raw.metricsServerChartVersion,
            karpenterEnabled: raw.karpenterEnabled,
            karpenterChartVersion: raw.karpenterChartVersion,
            karpenterAmiAlias: raw.karpenterAmiAlias,
            karpenterCpuLimit: raw.karpenterCpuLimit,
            karpenterMemoryLimitGi: raw.karpenterMemoryLimitGi,
            karpenterInstanceCategories: raw.karpenterInstanceCategories,
            karpenterCapacityTypes: raw.karpenterCapacityTypes,
        };
    },
};
