// Cluster concern: the EKS control plane (name, version, API endpoint, logs, encryption) and the
// managed node group's size and instance types.
import { ConfigConcern } from "./schema";
import {
    PROJECT,
    configError,
    validateCidrList,
    validateIntRange,
    validateLogRetentionDays,
    validateOneOf,
} from "./validate";

/** EKS control-plane log types. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Validated cluster settings. */
export interface ClusterSettings {
    /** EKS cluster name. */
    clusterName: string;
    /** Pinned Kubernetes version. */
    kubernetesVersion: string;
    /** Node instance types. */
    nodeInstanceTypes: string[];
    /** Node group minimum size. */
    nodeMinSize: number;
    /** Node group desired size. */
    nodeDesiredSize: number;
    /** Node group maximum size. */
    nodeMaxSize: number;
    /** Public API endpoint on/off. */
    endpointPublicAccess: boolean;
    /** Private API endpoint on/off. */
    endpointPrivateAccess: boolean;
    /** CIDRs admitted to the public API endpoint. */
    endpointPublicAccessCidrs: string[];
    /** Control-plane log types. */
    clusterLogTypes: string[];
    /** KMS envelope encryption of secrets. */
    secretsEncryption: boolean;
    /** Retention of the control-plane log group, days. */
    clusterLogRetentionDays: number;
    /** IAM principal ARNs given cluster-admin through access entries. */
    clusterAdmins: string[];
}

/**
 * An IAM role or user ARN in any partition (aws, aws-cn, aws-us-gov, aws-iso*, ...), with an optional
 * path. STS assumed-role ARNs, groups and wildcards cannot be access-entry principals.
 */
const IAM_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/** Every entry must be an IAM role or user ARN, each at most once. */
export function validateClusterAdmins(arns: string[]): void {
    const seen = new Set<string>();
    for (const arn of arns) {
        if (!IAM_PRINCIPAL_ARN.test(arn)) {
            throw configError(
                "clusterAdmins",
                arn,
                'is not an IAM role or user ARN, like "arn:aws:iam::123456789012:role/platform-admins" (use the role ARN, not an sts assumed-role ARN)',
            );
        }
        if (seen.has(arn))
            throw configError("clusterAdmins", arn, "is listed twice (one access entry per principal)");
        seen.add(arn);
    }
}

/** EKS cluster names: 1-100 chars, letter/digit first, then letters, digits, '-' and '_'. */
export function validateClusterName(value: string): void {
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(value)) {
        throw configError(
            "clusterName",
            value,
            "must be 1-100 letters, digits, '-' or '_', starting alphanumeric",
        );
    }
}

/** EKS versions are `major.minor`; anything else (`latest`, `1`, `1.33.1`) is unpinned or malformed. */
export function validateKubernetesVersion(value: string): void {
    if (!/^1\.\d{2}$/.test(value)) {
        throw configError(
            "kubernetesVersion",
            value,
            'must be a pinned EKS version "major.minor" like "1.33"',
        );
    }
}

/** Node group sizes: min <= max, min <= desired <= max. */
export function validateNodeSizes(min: number, desired: number, max: number): void {
    validateIntRange("nodeMinSize", min, 1, 450);
    validateIntRange("nodeMaxSize", max, 1, 450);
    if (min > max) throw configError("nodeMinSize", min, `must be <= nodeMaxSize (${max})`);
    if (desired < min || desired > max) {
        throw configError(
            "nodeDesiredSize",
            desired,
            `must be within [nodeMinSize, nodeMaxSize] = [${min}, ${max}]`,
        );
    }
}

/**
 * A public API endpoint needs an explicit list of who may reach it: nothing opens the Kubernetes API
 * to the world by default. `pulumi up` itself talks to the API (Helm charts, custom resources), so
 * private-only works only from inside the VPC this stack creates; the error says both ways out.
 */
export function validateEndpointAccess(publicAccess: boolean, privateAccess: boolean, cidrs: string[]): void {
    if (!publicAccess && !privateAccess) {
        throw configError("endpointPrivateAccess", false, "must be true when endpointPublicAccess is false");
    }
    validateCidrList("endpointPublicAccessCidrs", cidrs);
    if (publicAccess && cidrs.length === 0) {
        throw configError(
            "endpointPublicAccessCidrs",
            cidrs,
            "must list the CIDRs allowed to reach the public Kubernetes API endpoint (the networks you and your CI " +
                "run `pulumi up` and kubectl from), e.g. `pulumi config set --path 'endpointPublicAccessCidrs[0]' " +
                "203.0.113.0/24`; or set endpointPublicAccess to false for a private-only endpoint reachable from " +
                "inside the VPC (see docs/security.md)",
        );
    }
}

/** The cluster keys. */
export const clusterConfig: ConfigConcern<ClusterSettings> = {
    keys: [
        "clusterName",
        "kubernetesVersion",
        "nodeInstanceTypes",
        "nodeMinSize",
        "nodeDesiredSize",
        "nodeMaxSize",
        "endpointPublicAccess",
        "endpointPrivateAccess",
        "endpointPublicAccessCidrs",
        "clusterLogTypes",
        "secretsEncryption",
        "clusterLogRetentionDays",
        "clusterAdmins",
    ],
    read(raw, ctx) {
        const clusterName: string = raw.clusterName || `${PROJECT}-${ctx.stack}`;
        validateClusterName(clusterName);
        validateKubernetesVersion(raw.kubernetesVersion);
        if (raw.nodeInstanceTypes.length === 0) {
            throw configError(
                "nodeInstanceTypes",
                raw.nodeInstanceTypes,
                "must list at least one instance type",
            );
        }
        validateNodeSizes(raw.nodeMinSize, raw.nodeDesiredSize, raw.nodeMaxSize);
        validateEndpointAccess(
            raw.endpointPublicAccess,
            raw.endpointPrivateAccess,
            raw.endpointPublicAccessCidrs,
        );
        for (const t of raw.clusterLogTypes) validateOneOf("clusterLogTypes", t, CLUSTER_LOG_TYPES);
        validateLogRetentionDays("clusterLogRetentionDays", raw.clusterLogRetentionDays);
        validateClusterAdmins(raw.clusterAdmins);
        return {
            clusterName,
            kubernetesVersion: raw.kubernetesVersion,
            nodeInstanceTypes: raw.nodeInstanceTypes,
            nodeMinSize: raw.nodeMinSize,
            nodeDesiredSize: raw.nodeDesiredSize,
            nodeMaxSize: raw.nodeMaxSize,
            endpointPublicAccess: raw.endpointPublicAccess,
            endpointPrivateAccess: raw.endpointPrivateAccess,
            endpointPublicAccessCidrs: raw.endpointPublicAccessCidrs,
            clusterLogTypes: raw.clusterLogTypes,
            secretsEncryption: raw.secretsEncryption,
            clusterLogRetentionDays: raw.clusterLogRetentionDays,
            clusterAdmins: raw.clusterAdmins,
        };
    },
};
