// VPC flow logs: the network record of the stack. The NLB passes TCP through and keeps no useful
// access log, so who connected to what (and what the security groups refused) is only known from
// flow logs. Every flow of the VPC (accepted and rejected) goes to a CloudWatch Logs group with a
// retention, written by a role that only the flow-logs service of this account may assume and that
// may only write to that one group. Works for a VPC the program creates and for an adopted one.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AccountScope, AwsAccount } from "./awsProvider";

/** Arguments of {@link FlowLogs}. */
export interface FlowLogsArgs {
    /** The VPC whose traffic is recorded (new or existing). */
    vpcId: pulumi.Input<string>;
    /** Cluster name: names the log group. */
    clusterName: string;
    /** Region of the stack (in the role's source-ARN condition). */
    region: string;
    /** Partition and account of the stack (the role's confused-deputy conditions). */
    account: AwsAccount;
    /** Retention of the log group, days (a CloudWatch Logs value). */
    retentionDays: number;
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/** The service that delivers flow logs: the only principal trusted by the delivery role. */
export const FLOW_LOGS_SERVICE = "vpc-flow-logs.amazonaws.com";

/** Name of the flow log group of a cluster's VPC. */
export function flowLogGroupName(clusterName: string): string {
    return `/aws/vpc-flow-logs/${clusterName}`;
}

/**
 * Trust policy of the delivery role: the flow-logs service only, and only on behalf of flow logs of
 * this account and region (aws:SourceAccount / aws:SourceArn stop another account's flow log from
 * using this role: the confused-deputy guard AWS documents for flow logs). The flow log id is not
 * known before the flow log exists, and the flow log needs the role first: hence `vpc-flow-log/*`.
 */
export function flowLogsTrustPolicy(s: AccountScope): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: FLOW_LOGS_SERVICE },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": s.accountId },
                    ArnLike: {
                        "aws:SourceArn": `arn:${s.partition}:ec2:${s.region}:${s.accountId}:vpc-flow-log/*`,
                    },
                },
            },
        ],
    };
}

/**
 * Permissions of the delivery role: write streams and events to the one log group, nothing else.
 * No logs:CreateLogGroup: the program owns the group (with its retention); if it is deleted,
 * delivery stops instead of recreating a group that never expires. DescribeLogGroups cannot be
 * scoped to one group (it lists), so it is limited to this account and region.
 */
export function flowLogsDeliveryPolicy(logGroupArn: string, s: AccountScope): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
            {
                Effect: "Allow",
                Action: ["logs:DescribeLogGroups"],
                Resource: `arn:${s.partition}:logs:${s.region}:${s.accountId}:log-group:*`,
            },
        ],
    };
}

/** A CloudWatch Logs group with retention, its delivery role, and a flow log of ALL traffic of the VPC. */
export class FlowLogs extends pulumi.ComponentResource {
    /** The log group the flow log writes to. */
    public readonly logGroupName: pulumi.Output<string>;
    /** The flow log's id. */
    public readonly flowLogId: pulumi.Output<string>;

    constructor(name: string, args: FlowLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:flowLogs:FlowLogs", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = { parent: this };
        const scope = pulumi
            .all([args.account.partition, args.account.accountId])
            .apply(([partition, accountId]): AccountScope => ({ partition, accountId, region: args.region }));

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: flowLogGroupName(args.clusterName), retentionInDays: args.retentionDays, tags },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `VPC flow logs delivery to ${flowLogGroupName(args.clusterName)}`,
                assumeRolePolicy: scope.apply((s) => JSON.stringify(flowLogsTrustPolicy(s))),
                tags,
            },
            parent,
        );
        const delivery = new aws.iam.RolePolicy(
            `${name}-delivery`,
            {
                role: role.id,
                policy: pulumi
                    .all([logGroup.arn, scope])
                    .apply(([arn, s]) => JSON.stringify(flowLogsDeliveryPolicy(arn, s))),
            },
            parent,
        );
        const flowLog = new aws.ec2.FlowLog(
            `${name}-vpc`,
            {
                vpcId: args.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
                tags,
            },
            // The role must be able to write before the first delivery.
            { parent: this, dependsOn: [delivery] },
        );
        this.logGroupName = logGroup.name;
        this.flowLogId = flowLog.id;
        this.registerOutputs({ logGroupName: this.logGroupName, flowLogId: this.flowLogId });
    }
}
