// CloudWatch alarms on the NLB's target groups: the only signal the L4 side gives. A gateway pod that
// fails its health check on 15021 is taken out of the NLB by AWS without a word; these alarms say so
// before users do. They exist in every observability mode (they cost cents) and go to the one alarm
// topic. Metrics are the NLB's (`AWS/NetworkELB`), per target group and load balancer: CloudWatch
// names both by the ends of their ARNs (`targetgroup/<name>/<id>`, `net/<name>/<id>`).
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** The NLB metrics namespace. */
export const NLB_METRICS_NAMESPACE = "AWS/NetworkELB";

/** Arguments of {@link NlbAlarms}. */
export interface NlbAlarmsArgs {
    /** The NLB's ARN suffix (`net/<name>/<id>`): the `LoadBalancer` dimension. */
    loadBalancerArnSuffix: pulumi.Input<string>;
    /** Each target group's port and ARN suffix (`targetgroup/<name>/<id>`): the `TargetGroup` dimension. */
    targetGroups: { port: number; arnSuffix: pulumi.Input<string> }[];
    /** The gateway's minimum replicas: fewer healthy targets than this is an alarm. */
    gatewayMinReplicas: number;
    /** The topic alarms and recoveries are sent to. */
    topicArn: pulumi.Input<string>;
    /** Resources the alarms wait for (the topic policy that admits CloudWatch). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/** One alarm of a target group, independent of which target group. */
export interface NlbAlarmSpec {
    /** Short name (resource names, the plan). */
    id: "unhealthy-hosts" | "healthy-below-min" | "target-resets";
    /** The `AWS/NetworkELB` metric. */
    metricName: "UnHealthyHostCount" | "HealthyHostCount" | "TCP_Target_Reset_Count";
    /** Statistic over each period. */
    statistic: "Maximum" | "Minimum" | "Sum";
    /** How the statistic is compared with the threshold. */
    comparisonOperator: "GreaterThanThreshold" | "LessThanThreshold";
    /** The threshold. */
    threshold: number;
    /** Period, seconds. */
    period: number;
    /** Consecutive periods over the threshold before the alarm fires. */
    evaluationPeriods: number;
    /** What a period without data means. */
    treatMissingData: "breaching" | "notBreaching";
    /** What the alarm means, for whoever receives it. */
    description: string;
}

/**
 * Resets from targets that stay above this many per 5 minutes for 10 minutes: Envoy closing
 * connections (overload, crash, drain cut short). A few resets are normal (a client gone, a drain).
 */
export const TARGET_RESET_THRESHOLD = 10;

/** The three alarms every target group gets (pure, so tests and the plan read the same list). */
export function nlbAlarmSpecs(gatewayMinReplicas: number): NlbAlarmSpec[] {
    return [
        {
            id: "unhealthy-hosts",
            metricName: "UnHealthyHostCount",
            statistic: "Maximum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: 0,
            period: 60,
            evaluationPeriods: 2,
            treatMissingData: "notBreaching",
            description:
                "A gateway pod fails the NLB health check (15021 /healthz/ready) for 2 minutes: it gets no traffic.",
        },
        {
            id: "healthy-below-min",
            metricName: "HealthyHostCount",
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: gatewayMinReplicas,
            period: 60,
            evaluationPeriods: 2,
            // No data: the NLB reports no targets at all, the worst case.
            treatMissingData: "breaching",
            description: `Fewer healthy gateway targets than the gateway's minimum (${gatewayMinReplicas}) for 2 minutes.`,
        },
        {
            id: "target-resets",
            metricName: "TCP_Target_Reset_Count",
            statistic: "Sum",
            comparisonOperator: "GreaterThanThreshold",
            threshold: TARGET_RESET_THRESHOLD,
            period: 300,
            evaluationPeriods: 2,
            treatMissingData: "notBreaching",
            description: `Gateway pods reset more than ${TARGET_RESET_THRESHOLD} connections per 5 minutes for 10 minutes.`,
        },
    ];
}

/** The alarms of every target group of the NLB. */
export class NlbAlarms extends pulumi.ComponentResource {
    /** Every alarm's name (the plan and the docs list them). */
    public readonly alarmNames: pulumi.Output<string>[];

    constructor(name: string, args: NlbAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:nlbAlarms:NlbAlarms", name, {}, opts);
        this.alarmNames = [];
        for (const tg of args.targetGroups) {
            for (const spec of nlbAlarmSpecs(args.gatewayMinReplicas)) {
                const alarm = new aws.cloudwatch.MetricAlarm(
                    `${name}-${tg.port}-${spec.id}`,
                    {
                        alarmDescription: `NLB target group ${tg.port}: ${spec.description}`,
                        namespace: NLB_METRICS_NAMESPACE,
                        metricName: spec.metricName,
                        dimensions: { TargetGroup: tg.arnSuffix, LoadBalancer: args.loadBalancerArnSuffix },
                        statistic: spec.statistic,
                        comparisonOperator: spec.comparisonOperator,
                        threshold: spec.threshold,
                        period: spec.period,
                        evaluationPeriods: spec.evaluationPeriods,
                        treatMissingData: spec.treatMissingData,
                        alarmActions: [args.topicArn],
                        okActions: [args.topicArn],
                        tags: args.tags,
                    },
                    { parent: this, dependsOn: args.dependsOn },
                );
                this.alarmNames.push(alarm.name);
            }
        }
        this.registerOutputs({});
    }
}
