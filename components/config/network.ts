// Network concern: a new VPC (CIDR, AZs, NAT layout) or an existing one (VPC and subnet ids), and
// the VPC flow logs that record its traffic either way.
import { ConfigConcern } from "./schema";
import {
    configError,
    ipToInt,
    validateCidr,
    validateIntRange,
    validateLogRetentionDays,
    validateOneOf,
} from "./validate";

/** NAT gateway layouts of a new VPC. */
export const NAT_MODES = ["single", "perAz"] as const;

/** Validated network settings. */
export interface NetworkSettings {
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
    /** VPC flow logs (all traffic) to CloudWatch Logs. */
    flowLogs: boolean;
    /** Retention of the flow log group, days. */
    flowLogRetentionDays: number;
}

/** At least 2 AZs (an NLB and HA need two), at most 6 (the subnet layout's limit). */
export function validateAzCount(azCount: number): void {
    validateIntRange("azCount", azCount, 2, 6, { note: "(at least 2 AZs)" });
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

/** The network keys. */
export const networkConfig: ConfigConcern<NetworkSettings> = {
    keys: [
        "vpcId",
        "publicSubnetIds",
        "privateSubnetIds",
        "vpcCidr",
        "azCount",
        "natGateways",
        "flowLogs",
        "flowLogRetentionDays",
    ],
    read(raw) {
        validateAzCount(raw.azCount);
        validateLogRetentionDays("flowLogRetentionDays", raw.flowLogRetentionDays);
        validateExistingVpc(raw.vpcId, raw.publicSubnetIds, raw.privateSubnetIds, raw.azCount);
        validateVpcCidr(raw.vpcCidr);
        return {
            vpcId: raw.vpcId || undefined,
            publicSubnetIds: raw.publicSubnetIds,
            privateSubnetIds: raw.privateSubnetIds,
            vpcCidr: raw.vpcCidr,
            azCount: raw.azCount,
            natGateways: validateOneOf("natGateways", raw.natGateways, NAT_MODES),
            flowLogs: raw.flowLogs,
            flowLogRetentionDays: raw.flowLogRetentionDays,
        };
    },
};
