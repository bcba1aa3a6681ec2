// Network: an existing VPC (ids from config) or a new one with public and private subnets per AZ,
// an internet gateway, NAT gateways (one, or one per AZ) and routes. Subnets carry the tags the AWS
// Load Balancer Controller and EKS use for discovery, so nothing fails with "unable to resolve at
// least one subnet" (LBC #3051) even though our own NLB names its subnets explicitly.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { configError, subnetCidrs } from "./config";

/** Arguments of {@link Network}. */
export interface NetworkArgs {
    /** Cluster name used in the `kubernetes.io/cluster/<name>` subnet tag. */
    clusterName: string;
    /** Number of availability zones (validated >= 2). */
    azCount: number;
    /** Existing VPC id; when set, no VPC, subnets, gateways or routes are created. */
    vpcId?: string;
    /** Existing public subnet ids, one per AZ (existing VPC only). */
    publicSubnetIds?: string[];
    /** Existing private subnet ids, one per AZ (existing VPC only). */
    privateSubnetIds?: string[];
    /** CIDR of the new VPC. */
    vpcCidr: string;
    /** `single` NAT gateway or one per AZ (`perAz`). */
    natGateways: "single" | "perAz";
    /** Tags added to every taggable resource. */
    tags?: Record<string, string>;
}

/** The tags that make a subnet discoverable for load balancers of the given role. */
export function subnetTags(clusterName: string, role: "public" | "private"): Record<string, string> {
    return {
        [role === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
        [`kubernetes.io/cluster/${clusterName}`]: "shared",
    };
}

/**
 * The first `azCount` zones of `zoneNames` (the region's zones that need no opt-in, in AWS order).
 * Never wraps around: two subnets of one role in the same zone would defeat the point of azCount.
 */
export function selectZones(zoneNames: string[], azCount: number): string[] {
    if (azCount > zoneNames.length) {
        throw configError(
            "azCount",
            azCount,
            `exceeds the availability zones of this region that need no opt-in: ${zoneNames.length} found (${zoneNames.join(", ") || "none"})`,
        );
    }
    return zoneNames.slice(0, azCount);
}

/**
 * The tag marking this cluster's node subnets (private) and node security group: Karpenter's
 * EC2NodeClass selects both by it, so its nodes land where the managed nodes do, with the same rules.
 */
export function nodeDiscoveryTags(clusterName: string): Record<string, string> {
    return { "karpenter.sh/discovery": clusterName };
}

/** The tags of a subnet of the given role: load balancer discovery, plus node discovery if private. */
function allSubnetTags(clusterName: string, role: "public" | "private"): Record<string, string> {
    return {
        ...subnetTags(clusterName, role),
        ...(role === "private" ? nodeDiscoveryTags(clusterName) : {}),
    };
}

/** A VPC with public and private subnets across `azCount` AZs, new or existing. */
export class Network extends pulumi.ComponentResource {
    /** The VPC id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The VPC's primary IPv4 CIDR (NLB egress to targets is limited to it). */
    public readonly vpcCidr: pulumi.Output<string>;
    /** Public subnet ids, one per AZ. */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Private subnet ids, one per AZ. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The zones of a new VPC's subnets, checked against azCount (empty for an existing VPC). */
    public readonly availabilityZones: pulumi.Output<string[]>;
    /**
     * What makes the public subnets public: the internet gateway, the public default route and the
     * route-table associations (new VPC only; empty for an existing VPC, whose routing exists).
     * AWS rejects an internet-facing load balancer in a VPC without an attached internet gateway.
     */
    public readonly internetRouting: pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:network:Network", name, {}, opts);
        const parent = { parent: this };

        if (args.vpcId) {
            // Existing VPC: tag the given subnets for discovery (aws.ec2.Tag adds one tag without
            // taking ownership of the subnet), and read the VPC CIDR.
            const vpcId = args.vpcId;
            for (const [role, ids] of [
                ["public", args.publicSubnetIds ?? []],
                ["private", args.privateSubnetIds ?? []],
            ] as const) {
                ids.forEach((subnetId, i) => {
                    for (const [key, value] of Object.entries(allSubnetTags(args.clusterName, role))) {
                        const short = key.startsWith("kubernetes.io/cluster/")
                            ? "cluster"
                            : key.startsWith("kubernetes.io/role/")
                              ? "role"
                              : "nodes";
                        new aws.ec2.Tag(
                            `${name}-${role}-${i}-${short}-tag`,
                            { resourceId: subnetId, key, value },
                            // Other clusters and load balancers may rely on these tags on shared
                            // subnets: `pulumi destroy` forgets them instead of removing them.
                            { parent: this, retainOnDelete: true },
                        );
                    }
                });
            }
            this.vpcId = pulumi.output(vpcId);
            this.vpcCidr = aws.ec2.getVpcOutput({ id: vpcId }, parent).cidrBlock;
            this.publicSubnetIds = pulumi.output(args.publicSubnetIds ?? []);
            this.privateSubnetIds = pulumi.output(args.privateSubnetIds ?? []);
            this.internetRouting = [];
            this.availabilityZones = pulumi.output([]);
        } else {
            const tags = args.tags ?? {};
            const cidrs = subnetCidrs(args.vpcCidr, args.azCount);
            // Regular AZs only: Local and Wavelength Zones (opted-in) lack NLB and EKS support.
            const azs = aws
                .getAvailabilityZonesOutput(
                    {
                        state: "available",
                        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
                    },
                    parent,
                )
                .names.apply((names) => selectZones(names, args.azCount));
            const vpc = new aws.ec2.Vpc(
                `${name}-vpc`,
                {
                    // Waits for the zone check: too few zones fails here, before any network exists.
                    cidrBlock: azs.apply(() => args.vpcCidr),
                    enableDnsHostnames: true, // EKS private endpoint and nodes need DNS hostnames
                    enableDnsSupport: true,
                    tags: { ...tags, Name: `${name}-vpc` },
                },
                parent,
            );
            const igw = new aws.ec2.InternetGateway(
                `${name}-igw`,
                { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } },
                parent,
            );
            const publicRt = new aws.ec2.RouteTable(
                `${name}-public-rt`,
                { vpcId: vpc.id, tags: { ...tags, Name: `${name}-public` } },
                parent,
            );
            const publicDefault = new aws.ec2.Route(
                `${name}-public-default`,
                { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
                parent,
            );
            const internetRouting: pulumi.Resource[] = [igw, publicDefault];

            const publicSubnets: aws.ec2.Subnet[] = [];
            const privateSubnets: aws.ec2.Subnet[] = [];
            const nats: aws.ec2.NatGateway[] = [];
            const natCount = args.natGateways === "perAz" ? args.azCount : 1;
            for (let i = 0; i < args.azCount; i++) {
                const az = azs.apply((zones) => zones[i]);
                const pub = new aws.ec2.Subnet(
                    `${name}-public-${i}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: cidrs.public[i],
                        availabilityZone: az,
                        // Nothing is launched here with a public IP by default: only the NLB and NATs.
                        mapPublicIpOnLaunch: false,
                        tags: {
                            ...tags,
                            Name: `${name}-public-${i}`,
                            ...subnetTags(args.clusterName, "public"),
                        },
                    },
                    parent,
                );
                internetRouting.push(
                    new aws.ec2.RouteTableAssociation(
                        `${name}-public-${i}-rta`,
                        { subnetId: pub.id, routeTableId: publicRt.id },
                        parent,
                    ),
                );
                publicSubnets.push(pub);
                if (i < natCount) {
                    const eip = new aws.ec2.Eip(
                        `${name}-nat-${i}-eip`,
                        { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${i}` } },
                        parent,
                    );
                    nats.push(
                        new aws.ec2.NatGateway(
                            `${name}-nat-${i}`,
                            {
                                allocationId: eip.id,
                                subnetId: pub.id,
                                tags: { ...tags, Name: `${name}-nat-${i}` },
                            },
                            { parent: this, dependsOn: [igw] },
                        ),
                    );
                }
            }
            for (let i = 0; i < args.azCount; i++) {
                const priv = new aws.ec2.Subnet(
                    `${name}-private-${i}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: cidrs.private[i],
                        availabilityZone: azs.apply((zones) => zones[i]),
                        tags: {
                            ...tags,
                            Name: `${name}-private-${i}`,
                            ...allSubnetTags(args.clusterName, "private"),
                        },
                    },
                    parent,
                );
                // Each private subnet routes through the NAT of its AZ, or the single NAT.
                const rt = new aws.ec2.RouteTable(
                    `${name}-private-${i}-rt`,
                    { vpcId: vpc.id, tags: { ...tags, Name: `${name}-private-${i}` } },
                    parent,
                );
                new aws.ec2.Route(
                    `${name}-private-${i}-default`,
                    {
                        routeTableId: rt.id,
                        destinationCidrBlock: "0.0.0.0/0",
                        natGatewayId: nats[i % natCount].id,
                    },
                    parent,
                );
                new aws.ec2.RouteTableAssociation(
                    `${name}-private-${i}-rta`,
                    { subnetId: priv.id, routeTableId: rt.id },
                    parent,
                );
                privateSubnets.push(priv);
            }
            this.vpcId = vpc.id;
            this.vpcCidr = vpc.cidrBlock;
            this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
            this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
            this.internetRouting = internetRouting;
            this.availabilityZones = azs;
        }
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            availabilityZones: this.availabilityZones,
        });
    }
}
