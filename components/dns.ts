// The hostname's Route 53 alias to the NLB. The NLB is a Pulumi resource, so its DNS name and
// canonical zone are outputs here: no external-dns controller, and the record follows the NLB
// (created after it, replaced with it, deleted with the stack).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** Arguments of {@link Dns}. */
export interface DnsArgs {
    /** FQDN of the record. */
    hostname: string;
    /** Route 53 hosted zone that holds `hostname`. */
    hostedZoneId: string;
    /** DNS name of the load balancer the alias points at. */
    targetDnsName: pulumi.Input<string>;
    /** Canonical hosted zone id of that load balancer. */
    targetZoneId: pulumi.Input<string>;
    /** The load balancer's IP address type: `dualstack` adds an AAAA alias. */
    ipAddressType: "ipv4" | "dualstack";
}

/** The record types an alias needs for a load balancer's address type. */
export function aliasRecordTypes(ipAddressType: DnsArgs["ipAddressType"]): ("A" | "AAAA")[] {
    return ipAddressType === "dualstack" ? ["A", "AAAA"] : ["A"];
}

/** A (and AAAA for a dual-stack NLB) alias records from the hostname to the NLB. */
export class Dns extends pulumi.ComponentResource {
    /** One record per type in {@link aliasRecordTypes}. */
    public readonly records: aws.route53.Record[];
    /** The record's FQDN as Route 53 reports it. */
    public readonly fqdn: pulumi.Output<string>;

    constructor(name: string, args: DnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:dns:Dns", name, {}, opts);
        this.records = aliasRecordTypes(args.ipAddressType).map(
            (type) =>
                new aws.route53.Record(
                    `${name}-${type.toLowerCase()}`,
                    {
                        zoneId: args.hostedZoneId,
                        name: args.hostname,
                        type,
                        aliases: [
                            {
                                name: args.targetDnsName,
                                zoneId: args.targetZoneId,
                                // The alias counts as unhealthy while the NLB has no healthy target, so
                                // failover or weighted records added next to it route around it.
                                evaluateTargetHealth: true,
                            },
                        ],
                    },
                    { parent: this },
                ),
        );
        this.fqdn = this.records[0].fqdn;
        this.registerOutputs({ fqdn: this.fqdn });
    }
}
