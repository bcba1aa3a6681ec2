// Project configuration: the declared schema (mirrored in Pulumi.yaml, kept in sync by a test), small
// pure validators, and one reader that turns a `pulumi.Config`-like getter into validated settings.
// Everything here is pure so that index.ts, the tests and the offline plan tool share one code path
// and every bad value is rejected before a single resource is registered.

/** The project name: the config namespace of every key below. */
export const PROJECT = "istio-eks-nlb";

/** The one error class thrown for any invalid configuration value. */
export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

type ConfigType = "string" | "integer" | "boolean" | "array";

/** One declared config key: its type, default and description (the source of the Pulumi.yaml schema). */
export interface ConfigKeySpec {
    /** The Pulumi.yaml config type. */
    type: ConfigType;
    /** The default used when the stack does not set the key. */
    default: string | number | boolean | string[];
    /** One sentence for Pulumi.yaml and the README. */
    description: string;
}

/**
 * Every key the program reads. Pulumi.yaml declares the same keys with the same types and defaults
 * (test/components/config.test.ts fails if they drift); the CLI applies the Pulumi.yaml defaults,
 * this table applies them under mocks and in the offline tools.
 */
export const CONFIG_SCHEMA = {
    vpcId: { type: "string", default: "", description: "Existing VPC id; empty creates a new VPC." },
    publicSubnetIds: {
        type: "array",
        default: [],
        description: "Existing VPC only: public subnet ids, one per AZ.",
    },
    privateSubnetIds: {
        type: "array",
        default: [],
        description: "Existing VPC only: private subnet ids, one per AZ (nodes, internal NLB).",
    },
    vpcCidr: { type: "string", default: "10.0.0.0/16", description: "New VPC only: IPv4 CIDR (/16 to /22)." },
    azCount: { type: "integer", default: 3, description: "Number of availability zones (at least 2)." },
    natGateways: {
        type: "string",
        default: "single",
        description: "New VPC only: `single` NAT gateway (cheap) or `perAz` (HA).",
    },
    clusterName: {
        type: "string",
        default: "",
        description: "EKS cluster name; empty derives `istio-eks-nlb-<stack>`.",
    },
    kubernetesVersion: {
        type: "string",
        default: "1.33",
        description: "Pinned EKS Kubernetes version, `major.minor`.",
    },
    nodeInstanceTypes: {
        type: "array",
        default: ["m6i.large"],
        description: "Managed node group instance types.",
    },
    nodeMinSize: { type: "integer", default: 2, description: "Managed node group minimum size." },
    nodeDesiredSize: { type: "integer", default: 2, description: "Managed node group desired size." },
    nodeMaxSize: { type: "integer", default: 4, description: "Managed node group maximum size." },
    endpointPublicAccess: {
        type: "boolean",
        default: true,
        description: "Expose the Kubernetes API endpoint publicly.",
    },
    endpointPrivateAccess: {
        type: "boolean",
        default: true,
        description: "Expose the Kubernetes API endpoint inside the VPC.",
    },
    endpointPublicAccessCidrs: {
        type: "array",
        default: ["0.0.0.0/0"],
        description: "CIDRs allowed to reach the public API endpoint.",
    },
    clusterLogTypes: {
        type: "array",
        default: ["api", "audit", "authenticator"],
        description: "EKS control-plane log types sent to CloudWatch.",
    },
    secretsEncryption: {
        type: "boolean",
        default: false,
        description: "Envelope-encrypt Kubernetes secrets with a dedicated KMS key.",
    },
    lbcChartVersion: {
        type: "string",
        default: "1.13.4",
        description: "Pinned aws-load-balancer-controller Helm chart version.",
    },
    istioVersion: {
        type: "string",
        default: "1.27.3",
        description: "Pinned Istio version (base, istiod and gateway charts), `x.y.z`.",
    },
    istiodReplicas: { type: "integer", default: 1, description: "istiod replicas (minimum of its HPA)." },
    gatewayNamespace: {
        type: "string",
        default: "istio-ingress",
        description: "Namespace of the Istio ingress gateway.",
    },
    gatewayName: {
        type: "string",
        default: "istio-ingressgateway",
        description: "Gateway Helm release name, also its Service and Deployment name.",
    },
    gatewayReplicas: {
        type: "integer",
        default: 1,
        description: "Gateway replicas (HPA minimum); 2 or more adds a PodDisruptionBudget.",
    },
    gatewayMaxReplicas: {
        type: "integer",
        default: 1,
        description: "Gateway HPA maximum; equal to gatewayReplicas disables the HPA.",
    },
    gatewayNumTrustedProxies: {
        type: "integer",
        default: 0,
        description: "Proxies in front of the NLB that add X-Forwarded-For (0: the NLB adds none).",
    },
    nlbScheme: {
        type: "string",
        default: "internal",
        description: "NLB scheme: `internet-facing` or `internal`.",
    },
    nlbSourceCidrs: {
        type: "array",
        default: [],
        description:
            "CIDRs admitted on 80/443; required for internet-facing, empty internal means the VPC CIDR.",
    },
    nlbDeletionProtection: { type: "boolean", default: false, description: "NLB deletion protection." },
    nlbDeregistrationDelay: {
        type: "integer",
        default: 120,
        description: "Target group deregistration delay in seconds (0-3600); gateway drain follows it.",
    },
    clientIpMode: {
        type: "string",
        default: "preserveClientIp",
        description: "How the client IP reaches Istio: `preserveClientIp` or `proxyProtocolV2`.",
    },
    sampleApp: {
        type: "boolean",
        default: false,
        description: "Deploy the sample app behind an Istio Gateway + VirtualService.",
    },
} as const satisfies Record<string, ConfigKeySpec>;

/** A declared config key name. */
export type ConfigKey = keyof typeof CONFIG_SCHEMA;

/** The NLB schemes AWS accepts. */
export const NLB_SCHEMES = ["internet-facing", "internal"] as const;
/** How the client source address reaches the gateway. */
export const CLIENT_IP_MODES = ["preserveClientIp", "proxyProtocolV2"] as const;
/** NAT gateway layouts of a new VPC. */
export const NAT_MODES = ["single", "perAz"] as const;

/** Validated, typed settings for the whole platform. */
export interface PlatformSettings {
    /** Stack name the settings were read for. */
    stack: string;
    /** AWS region (`aws:region`). */
    region: string;
    /** Existing VPC id, or undefined to create a VPC. */
    vpcId?: string;
    /** Existing public subnet ids (existing VPC only). */
    publicSubnetIds: string[];
    /** Existing private subnet ids (existing VPC only). */
    privateSubnetIds: string[];
    /** CIDR of a new VPC. */
    vpcCidr: string;
    /** Number of AZs. */
    azCount: number;
    /** NAT layout of a new VPC. */
    natGateways: (typeof NAT_MODES)[number];
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
    /** LBC chart version. */
    lbcChartVersion: string;
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
    /** Sample app on/off. */
    sampleApp: boolean;
}

const fmt = (v: unknown): string => (v === undefined ? "(unset)" : (JSON.stringify(v) ?? String(v)));

/** Builds the one error message shape: key, bad value, what is allowed. */
export function configError(key: string, value: unknown, allowed: string): ConfigError {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    return new ConfigError(`Invalid config "${full}": ${fmt(value)} ${allowed}`);
}

// ---- pure validators -------------------------------------------------------------------------

/** True for a canonical IPv4 CIDR such as 10.0.0.0/16 (host bits must be zero). */
export function isIpv4Cidr(value: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return false;
    const ip = ipToInt(octets);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (ip & ~mask) >>> 0 === 0;
}

function ipToInt(octets: number[]): number {
    return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** Throws unless `value` is a canonical IPv4 CIDR. */
export function validateCidr(key: string, value: string): void {
    if (!isIpv4Cidr(value)) {
        throw configError(key, value, "is not a valid IPv4 CIDR (like 10.0.0.0/16, host bits zero)");
    }
}

/** Throws unless every element is a canonical IPv4 CIDR. */
export function validateCidrList(key: string, values: string[]): void {
    for (const v of values) validateCidr(key, v);
}

/** Throws unless `value` is an integer in [min, max]. */
export function validateIntRange(key: string, value: number, min: number, max: number): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        throw configError(key, value, `must be an integer from ${min} to ${max}`);
    }
}

/** Throws unless value is one of `allowed`. */
export function validateOneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
    if (!(allowed as readonly string[]).includes(value)) {
        throw configError(key, value, `must be one of ${allowed.join("|")}`);
    }
    return value as T;
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

/** At least 2 AZs (an NLB and HA need two), at most 6 (the subnet layout's limit). */
export function validateAzCount(azCount: number): void {
    if (!Number.isInteger(azCount) || azCount < 2 || azCount > 6) {
        throw configError("azCount", azCount, "must be an integer from 2 to 6 (at least 2 AZs)");
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

/** Istio releases are exact `x.y.z`; ranges, `latest` and `x.y` are rejected so every env runs one build. */
export function validateIstioVersion(value: string): void {
    if (!/^\d+\.\d+\.\d+$/.test(value)) {
        throw configError("istioVersion", value, 'must be a pinned Istio version "x.y.z" like "1.27.3"');
    }
}

/** A Helm chart version pinned to x.y.z. */
export function validateChartVersion(key: string, value: string): void {
    if (!/^\d+\.\d+\.\d+$/.test(value)) {
        throw configError(key, value, 'must be a pinned chart version "x.y.z" like "1.13.4"');
    }
}

/** Compares `x.y.z` versions: negative, zero or positive like a sort comparator. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < 3; i++) {
        if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    }
    return 0;
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
            `must be >= 1.27.0 when clientIpMode is "proxyProtocolV2" (status-port health checks need ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL)`,
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

/** Existing VPC: one public and one private subnet per AZ; a new VPC takes no subnet ids. */
export function validateExistingVpc(
    vpcId: string,
    publicSubnetIds: string[],
    privateSubnetIds: string[],
    azCount: number,
): void {
    if (!vpcId) {
        if (publicSubnetIds.length > 0 || privateSubnetIds.length > 0) {
            throw configError(
                publicSubnetIds.length > 0 ? "publicSubnetIds" : "privateSubnetIds",
                publicSubnetIds.length > 0 ? publicSubnetIds : privateSubnetIds,
                "must be empty unless vpcId is set (a new VPC creates its own subnets)",
            );
        }
        return;
    }
    if (!/^vpc-[0-9a-f]+$/.test(vpcId))
        throw configError("vpcId", vpcId, 'must be a VPC id like "vpc-0abc123"');
    for (const [key, ids] of [
        ["publicSubnetIds", publicSubnetIds],
        ["privateSubnetIds", privateSubnetIds],
    ] as const) {
        if (ids.length !== azCount) {
            throw configError(key, ids, `must list exactly azCount (${azCount}) subnet ids, one per AZ`);
        }
        for (const id of ids) {
            if (!/^subnet-[0-9a-f]+$/.test(id))
                throw configError(key, id, 'must be a subnet id like "subnet-0abc123"');
        }
    }
}

/** A new VPC's CIDR must leave room for /28 public subnets in the layout of network.ts. */
export function validateVpcCidr(value: string): void {
    validateCidr("vpcCidr", value);
    const prefix = Number(value.split("/")[1]);
    if (prefix < 16 || prefix > 22) throw configError("vpcCidr", value, "must have a prefix from /16 to /22");
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

/** DNS-1123 label (namespaces, release names). */
export function validateDnsLabel(key: string, value: string): void {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)) {
        throw configError(key, value, "must be a DNS-1123 label (lowercase alphanumerics and '-', max 63)");
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

// ---- reading ---------------------------------------------------------------------------------

/** Anything with `get(key)` returning the raw string value, such as `new pulumi.Config()`. */
export interface ConfigGetter {
    /** Returns the raw (string) value of a key in the project namespace, or undefined if unset. */
    get(key: string): string | undefined;
}

function parseValue(key: ConfigKey, raw: string | undefined): unknown {
    const spec: ConfigKeySpec = CONFIG_SCHEMA[key];
    if (raw === undefined || raw === "") return spec.default;
    switch (spec.type) {
        case "string":
            return raw;
        case "integer": {
            const n = Number(raw);
            if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
                throw configError(key, raw, "must be an integer");
            return n;
        }
        case "boolean":
            if (raw !== "true" && raw !== "false") throw configError(key, raw, "must be true or false");
            return raw === "true";
        case "array": {
            let v: unknown;
            try {
                v = JSON.parse(raw);
            } catch {
                throw configError(key, raw, "must be a list of strings");
            }
            if (!Array.isArray(v) || v.some((e) => typeof e !== "string")) {
                throw configError(key, v, "must be a list of strings");
            }
            return v;
        }
    }
}

/**
 * Reads every key (applying the schema defaults), validates them all and returns typed settings.
 * Throws ConfigError on the first bad value; registers nothing.
 */
export function readSettings(
    config: ConfigGetter,
    context: { stack: string; region: string | undefined },
): PlatformSettings {
    const raw = {} as Record<ConfigKey, any>;
    for (const key of Object.keys(CONFIG_SCHEMA) as ConfigKey[]) raw[key] = parseValue(key, config.get(key));
    return validateSettings(raw, context);
}

/** Validates already-typed values (defaults applied) and returns the settings object. */
export function validateSettings(
    raw: Record<ConfigKey, any>,
    context: { stack: string; region: string | undefined },
): PlatformSettings {
    if (!context.region) throw configError("aws:region", undefined, "must be set, e.g. us-west-2");
    validateAzCount(raw.azCount);
    validateExistingVpc(raw.vpcId, raw.publicSubnetIds, raw.privateSubnetIds, raw.azCount);
    validateVpcCidr(raw.vpcCidr);
    const natGateways = validateOneOf("natGateways", raw.natGateways, NAT_MODES);
    const clusterName: string = raw.clusterName || `${PROJECT}-${context.stack}`;
    validateClusterName(clusterName);
    validateKubernetesVersion(raw.kubernetesVersion);
    if (raw.nodeInstanceTypes.length === 0) {
        throw configError("nodeInstanceTypes", raw.nodeInstanceTypes, "must list at least one instance type");
    }
    validateNodeSizes(raw.nodeMinSize, raw.nodeDesiredSize, raw.nodeMaxSize);
    if (!raw.endpointPublicAccess && !raw.endpointPrivateAccess) {
        throw configError("endpointPrivateAccess", false, "must be true when endpointPublicAccess is false");
    }
    validateCidrList("endpointPublicAccessCidrs", raw.endpointPublicAccessCidrs);
    const logTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
    for (const t of raw.clusterLogTypes) validateOneOf("clusterLogTypes", t, logTypes);
    validateChartVersion("lbcChartVersion", raw.lbcChartVersion);
    validateIstioVersion(raw.istioVersion);
    validateIntRange("istiodReplicas", raw.istiodReplicas, 1, 10);
    validateDnsLabel("gatewayNamespace", raw.gatewayNamespace);
    validateDnsLabel("gatewayName", raw.gatewayName);
    validateGatewayReplicas(raw.gatewayReplicas, raw.gatewayMaxReplicas);
    validateIntRange("gatewayNumTrustedProxies", raw.gatewayNumTrustedProxies, 0, 10);
    const nlbScheme = validateOneOf("nlbScheme", raw.nlbScheme, NLB_SCHEMES);
    validateNlbSources(nlbScheme, raw.nlbSourceCidrs);
    validateIntRange("nlbDeregistrationDelay", raw.nlbDeregistrationDelay, 0, 3600);
    const clientIpMode = validateClientIpMode(raw.clientIpMode, raw.istioVersion);
    return {
        stack: context.stack,
        region: context.region,
        vpcId: raw.vpcId || undefined,
        publicSubnetIds: raw.publicSubnetIds,
        privateSubnetIds: raw.privateSubnetIds,
        vpcCidr: raw.vpcCidr,
        azCount: raw.azCount,
        natGateways,
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
        lbcChartVersion: raw.lbcChartVersion,
        istioVersion: raw.istioVersion,
        istiodReplicas: raw.istiodReplicas,
        gatewayNamespace: raw.gatewayNamespace,
        gatewayName: raw.gatewayName,
        gatewayReplicas: raw.gatewayReplicas,
        gatewayMaxReplicas: raw.gatewayMaxReplicas,
        gatewayNumTrustedProxies: raw.gatewayNumTrustedProxies,
        nlbScheme,
        nlbSourceCidrs: raw.nlbSourceCidrs,
        nlbDeletionProtection: raw.nlbDeletionProtection,
        nlbDeregistrationDelay: raw.nlbDeregistrationDelay,
        clientIpMode,
        sampleApp: raw.sampleApp,
    };
}

// ---- derived values (pure) ---------------------------------------------------------------------

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

/** Subnet CIDRs of a new VPC: private /19s (from a /16) first, public /22s in the last eighth. */
export function subnetCidrs(vpcCidr: string, azCount: number): { public: string[]; private: string[] } {
    const [base, prefixText] = vpcCidr.split("/");
    const prefix = Number(prefixText);
    const start = ipToInt(base.split(".").map(Number));
    const sub = (newBits: number, index: number): string => {
        const p = prefix + newBits;
        const ip = (start + index * 2 ** (32 - p)) >>> 0;
        return `${[24, 16, 8, 0].map((s) => (ip >>> s) & 255).join(".")}/${p}`;
    };
    const azs = Array.from({ length: azCount }, (_, i) => i);
    // Private subnets hold the pods (VPC CNI gives each pod a VPC IP): give them the big blocks.
    return { private: azs.map((i) => sub(3, i)), public: azs.map((i) => sub(6, 56 + i)) };
}
