// The one Network Load Balancer in front of the Istio gateway, as first-class Pulumi resources.
// It depends on the network only, so AWS provisions it while EKS is still being created, and
// `pulumi destroy` deletes it: no controller-created load balancer is ever left behind.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { GATEWAY_STATUS_PORT } from "./istio";

/** Arguments of {@link Nlb}. */
export interface NlbArgs {
    /** VPC of the NLB and its targets. */
    vpcId: pulumi.Input<string>;
    /** VPC CIDR: the NLB may only send traffic and health checks into the VPC. */
    vpcCidr: pulumi.Input<string>;
    /** Subnets matching the scheme (public for internet-facing, private for internal), one per AZ. */
    subnetIds: pulumi.Input<string[]>;
    /** `internet-facing` or `internal`. */
    scheme: "internet-facing" | "internal";
    /** CIDRs admitted on 80/443; empty means the VPC CIDR (internal only, enforced by validation). */
    sourceCidrs: string[];
    /** AWS deletion protection on the NLB. */
    deletionProtection: boolean;
    /** Target group deregistration delay, seconds. */
    deregistrationDelay: number;
    /** Client IP delivery: source-IP preservation or PROXY protocol v2. */
    clientIpMode: "preserveClientIp" | "proxyProtocolV2";
    /** Resources the load balancer waits for (internet-facing: the internet gateway and public routes). */
    waitFor?: pulumi.Input<pulumi.Resource>[];
    /** `ipv4` (default) or `dualstack` (needs subnets with IPv6 CIDRs). */
    ipAddressType?: "ipv4" | "dualstack";
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/** The gateway Service ports the NLB forwards (TCP pass-through, TLS terminates in Istio). */
export const NLB_PORTS = [80, 443] as const;
/** Istio's gateway status port and readiness path: the only health check that reflects Envoy readiness. */
export const HEALTH_CHECK = {
    port: String(GATEWAY_STATUS_PORT),
    path: "/healthz/ready",
    protocol: "HTTP",
} as const;

/** What the target groups do with the client's address. */
export interface ClientIpDelivery {
    /** Target group `preserve_client_ip.enabled`. */
    preserveClientIp: boolean;
    /** Target group `proxy_protocol_v2.enabled`. */
    proxyProtocolV2: boolean;
    /** Why the configured mode was adjusted, if it was (shown as a warning at preview and up). */
    warning?: string;
}

/**
 * Resolves clientIpMode for a scheme. Preservation through an internal NLB hairpins: a pod calling the
 * NLB from the node that hosts the gateway pod it is sent to gets its reply straight from that node,
 * not through the NLB, and the connection times out (AWS "NAT loopback"). So an internal NLB never
 * preserves; PROXY protocol v2 carries the client IP without that failure.
 */
export function clientIpDelivery(scheme: NlbArgs["scheme"], mode: NlbArgs["clientIpMode"]): ClientIpDelivery {
    if (mode === "proxyProtocolV2") return { preserveClientIp: false, proxyProtocolV2: true };
    if (scheme === "internet-facing") return { preserveClientIp: true, proxyProtocolV2: false };
    return {
        preserveClientIp: false,
        proxyProtocolV2: false,
        warning:
            'clientIpMode "preserveClientIp" with nlbScheme "internal": client-IP preservation is off, because pods calling the NLB from the node of the gateway pod they reach would time out (NLB NAT loopback); Istio sees the NLB\'s address. Set clientIpMode to "proxyProtocolV2" to receive client IPs.',
    };
}

/** Internet-facing or internal NLB with its security group, TCP listeners and IP target groups. */
export class Nlb extends pulumi.ComponentResource {
    /** The load balancer. */
    public readonly loadBalancer: aws.lb.LoadBalancer;
    /** The NLB's security group (target SGs reference it). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** One IP target group per port in {@link NLB_PORTS}. */
    public readonly targetGroups: { port: number; targetGroup: aws.lb.TargetGroup }[];
    /** NLB ARN. */
    public readonly arn: pulumi.Output<string>;
    /** NLB DNS name. */
    public readonly dnsName: pulumi.Output<string>;
    /** Canonical hosted zone id, for Route 53 alias records. */
    public readonly zoneId: pulumi.Output<string>;
    /** IP address type: a `dualstack` NLB also gets AAAA alias records. */
    public readonly ipAddressType: "ipv4" | "dualstack";

    constructor(name: string, args: NlbArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:nlb:Nlb", name, {}, opts);
        const tags = args.tags ?? {};
        const sources: pulumi.Input<string>[] =
            args.sourceCidrs.length > 0 ? args.sourceCidrs : [args.vpcCidr];

        const sg = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "Istio ingress NLB: admits the configured source CIDRs on 80/443 only",
                ingress: NLB_PORTS.map((port) => ({
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrBlocks: sources,
                    description: `client traffic on ${port}`,
                })),
                // Traffic and health checks only go to targets inside the VPC.
                egress: [...NLB_PORTS, GATEWAY_STATUS_PORT].map((port) => ({
                    protocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrBlocks: [args.vpcCidr],
                    description:
                        port === GATEWAY_STATUS_PORT
                            ? "health checks to the gateway status port"
                            : `to targets on ${port}`,
                })),
                tags: { ...tags, Name: `${name}-sg` },
            },
            { parent: this },
        );

        this.loadBalancer = new aws.lb.LoadBalancer(
            `${name}-lb`,
            {
                // Explicit: a missing type means "application", and an ALB here would put a second L7 hop
                // in front of Istio.
                loadBalancerType: "network",
                internal: args.scheme === "internal",
                subnets: args.subnetIds,
                securityGroups: [sg.id],
                enableCrossZoneLoadBalancing: true,
                enableDeletionProtection: args.deletionProtection,
                ipAddressType: args.ipAddressType ?? "ipv4",
                tags,
            },
            // Only network resources: the NLB still provisions while EKS is being created.
            { parent: this, dependsOn: args.waitFor ?? [] },
        );

        const clientIp = clientIpDelivery(args.scheme, args.clientIpMode);
        if (clientIp.warning) pulumi.log.warn(clientIp.warning, this);
        this.targetGroups = NLB_PORTS.map((port) => {
            const targetGroup = new aws.lb.TargetGroup(
                `${name}-tg-${port}`,
                {
                    vpcId: args.vpcId,
                    // ip targets: the LBC registers gateway pod IPs (TargetGroupBinding), no NodePort hop.
                    targetType: "ip",
                    protocol: "TCP",
                    port,
                    deregistrationDelay: args.deregistrationDelay,
                    // With ip targets AWS preserves nothing by default; choose explicitly. The NLB's own SG
                    // stays usable as a source in target SG rules even with preservation on.
                    preserveClientIp: String(clientIp.preserveClientIp),
                    proxyProtocolV2: clientIp.proxyProtocolV2,
                    healthCheck: {
                        enabled: true,
                        protocol: HEALTH_CHECK.protocol,
                        port: HEALTH_CHECK.port,
                        path: HEALTH_CHECK.path,
                        matcher: "200",
                        interval: 10,
                        healthyThreshold: 2,
                        unhealthyThreshold: 2,
                    },
                    tags,
                },
                { parent: this },
            );
            new aws.lb.Listener(
                `${name}-listener-${port}`,
                {
                    loadBalancerArn: this.loadBalancer.arn,
                    protocol: "TCP",
                    port,
                    // No certificate: TLS passes through and Istio terminates it (SNI routing kept).
                    defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                    tags,
                },
                { parent: this },
            );
            return { port, targetGroup };
        });

        this.securityGroupId = sg.id;
        this.arn = this.loadBalancer.arn;
        this.dnsName = this.loadBalancer.dnsName;
        this.zoneId = this.loadBalancer.zoneId;
        this.ipAddressType = args.ipAddressType ?? "ipv4";
        this.registerOutputs({
            arn: this.arn,
            dnsName: this.dnsName,
            zoneId: this.zoneId,
            securityGroupId: this.securityGroupId,
        });
    }
}
