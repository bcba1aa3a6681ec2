// The one place every alarm and alert of the stack goes: an SNS topic encrypted with its own KMS key
// (the AWS-managed SNS key cannot be used: its key policy admits no service but SNS, so CloudWatch
// could not publish), which CloudWatch alarms of this account may publish to, and in `managed` mode
// the Amazon Managed Service for Prometheus alert manager of this account and region. The in-cluster
// Alertmanager publishes through its own IAM role (observability.ts), which this account's key and
// topic admit through IAM. An optional e-mail address is subscribed.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AccountScope, AwsAccount } from "./awsProvider";

/** Arguments of {@link AlarmTopic}. */
export interface AlarmTopicArgs {
    /** Region of the stack (the publishers' source-ARN conditions). */
    region: string;
    /** Partition and account of the stack. */
    account: AwsAccount;
    /** Whether the AMP alert manager may publish (observability `managed`). */
    allowManagedPrometheus: boolean;
    /** E-mail address to subscribe; empty: no subscription. */
    email: string;
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/** The services that publish to the topic: CloudWatch alarms, and AMP's alert manager in `managed`. */
export const ALARM_PUBLISHERS = {
    cloudwatch: "cloudwatch.amazonaws.com",
    managedPrometheus: "aps.amazonaws.com",
} as const;

/**
 * Key policy of the topic's key. The account administers it through IAM (the root statement is what
 * lets IAM policies, such as the in-cluster Alertmanager's, use it). The publishing services may only
 * generate data keys and decrypt: that is what SNS asks of a publisher of an encrypted topic. Who may
 * publish at all is decided by the topic policy, scoped to this account's alarms and workspaces.
 */
export function alarmKeyPolicy(s: AccountScope, allowManagedPrometheus: boolean): Record<string, unknown> {
    const services = [
        ALARM_PUBLISHERS.cloudwatch,
        ...(allowManagedPrometheus ? [ALARM_PUBLISHERS.managedPrometheus] : []),
    ];
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersThroughIam",
                Effect: "Allow",
                Principal: { AWS: `arn:${s.partition}:iam::${s.accountId}:root` },
                Action: "kms:*",
                Resource: "*",
            },
            {
                Sid: "PublishersEncrypt",
                Effect: "Allow",
                Principal: { Service: services },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
            },
        ],
    };
}

/**
 * Topic policy: CloudWatch alarms of this account (any alarm ARN of this account and region) and,
 * in `managed`, the AMP workspaces of this account and region may publish. The workspace ARN itself
 * is not used because the workspace's alert manager definition needs the topic first; the account
 * and region conditions are what AWS documents against the confused deputy.
 */
export function alarmTopicPolicy(
    topicArn: string,
    s: AccountScope,
    allowManagedPrometheus: boolean,
): Record<string, unknown> {
    const statements: Record<string, unknown>[] = [
        {
            Sid: "CloudWatchAlarmsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: ALARM_PUBLISHERS.cloudwatch },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: {
                StringEquals: { "aws:SourceAccount": s.accountId },
                ArnLike: {
                    "aws:SourceArn": `arn:${s.partition}:cloudwatch:${s.region}:${s.accountId}:alarm:*`,
                },
            },
        },
    ];
    if (allowManagedPrometheus) {
        statements.push({
            Sid: "ManagedPrometheusAlertManager",
            Effect: "Allow",
            Principal: { Service: ALARM_PUBLISHERS.managedPrometheus },
            Action: ["sns:Publish", "sns:GetTopicAttributes"],
            Resource: topicArn,
            Condition: {
                StringEquals: { "aws:SourceAccount": s.accountId },
                ArnLike: { "aws:SourceArn": `arn:${s.partition}:aps:${s.region}:${s.accountId}:workspace/*` },
            },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** The alarm topic, its key and policy, and the optional e-mail subscription. */
export class AlarmTopic extends pulumi.ComponentResource {
    /** The topic's ARN: every alarm action and alert receiver. */
    public readonly topicArn: pulumi.Output<string>;
    /** The key the topic is encrypted with (publishers outside the account's services need it). */
    public readonly keyArn: pulumi.Output<string>;
    /** Completes once the topic policy admits the publishers: alarms and alert managers wait for it. */
    public readonly ready: pulumi.Resource;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:alarmTopic:AlarmTopic", name, {}, opts);
        const tags = args.tags ?? {};
        const scope = pulumi
            .all([args.account.partition, args.account.accountId])
            .apply(([partition, accountId]): AccountScope => ({ partition, accountId, region: args.region }));

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: "Encrypts the alarm topic (NLB alarms, Prometheus alerts)",
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: scope.apply((s) => JSON.stringify(alarmKeyPolicy(s, args.allowManagedPrometheus))),
                tags,
            },
            { parent: this },
        );
        const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: key.arn, tags }, { parent: this });
        this.ready = new aws.sns.TopicPolicy(
            `${name}-policy`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, scope])
                    .apply(([arn, s]) =>
                        JSON.stringify(alarmTopicPolicy(arn, s, args.allowManagedPrometheus)),
                    ),
            },
            { parent: this },
        );
        if (args.email) {
            // AWS mails a confirmation link; nothing is delivered to the address until it is followed.
            new aws.sns.TopicSubscription(
                `${name}-email`,
                { topic: topic.arn, protocol: "email", endpoint: args.email },
                { parent: this },
            );
        }
        this.topicArn = topic.arn;
        this.keyArn = key.arn;
        this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
    }
}
