// The Karpenter controller's IAM policy: Karpenter's documented controller policy (its getting-started
// CloudFormation template, KarpenterController*Policy, for the pinned release) narrowed to this
// cluster. Differences from the documented policy, each a narrowing:
// - nodes use an instance profile this program creates (EC2NodeClass `spec.instanceProfile`), so the
//   instance-profile create/tag/add-role/remove-role/delete statements are left out, and reading an
//   instance profile is limited to that one;
// - RunInstances/CreateFleet may use only the node security group and the private subnets, not any
//   security group or subnet of the region;
// - the account is this account, not `*`; the zonal-shift statement is left out (zonal shift is off).
import * as aws from "@pulumi/aws";
import type { AccountScope } from "./awsProvider";

/** What the policy is scoped to (all known once the cluster, queue and node role exist). */
export interface KarpenterPolicyScope extends AccountScope {
    /** EKS cluster name. */
    clusterName: string;
    /** ARN of the interruption queue. */
    queueArn: string;
    /** ARN of the Karpenter node role (the only role the controller may pass). */
    nodeRoleArn: string;
    /** Name of the pre-provisioned node instance profile. */
    instanceProfileName: string;
    /** The node security group id (the only security group nodes may get). */
    nodeSecurityGroupId: string;
    /** The private subnet ids (the only subnets nodes may launch in). */
    subnetIds: string[];
}

/** The least-privilege controller policy for one cluster. */
export function karpenterControllerPolicy(s: KarpenterPolicyScope): aws.iam.PolicyDocument {
    const ec2 = (resource: string, account = s.accountId) =>
        `arn:${s.partition}:ec2:${s.region}:${account}:${resource}`;
    const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
    const launched = [
        "fleet/*",
        "instance/*",
        "volume/*",
        "network-interface/*",
        "launch-template/*",
        "spot-instances-request/*",
    ].map((r) => ec2(r));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowScopedEC2InstanceAccessActions",
                Effect: "Allow",
                Resource: [
                    ec2("image/*", ""),
                    ec2("snapshot/*", ""),
                    ec2(`security-group/${s.nodeSecurityGroupId}`),
                    ...s.subnetIds.map((id) => ec2(`subnet/${id}`)),
                    ec2("capacity-reservation/*"),
                    ec2("placement-group/*"),
                ],
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Resource: ec2("launch-template/*"),
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Resource: launched,
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${clusterTag}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
                    },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Resource: launched,
                Action: "ec2:CreateTags",
                Condition: {
                    StringEquals: {
                        [`aws:RequestTag/${clusterTag}`]: "owned",
                        "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
                        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                    },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Resource: ec2("instance/*"),
                Action: "ec2:CreateTags",
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
                    "ForAllValues:StringEquals": {
                        "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
                    },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Resource: [ec2("instance/*"), ec2("launch-template/*")],
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Condition: {
                    StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
                    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Resource: s.nodeRoleArn,
                Action: "iam:PassRole",
                Condition: {
                    StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] },
                },
            },
            {
                Sid: "AllowAPIServerEndpointDiscovery",
                Effect: "Allow",
                Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`,
                Action: "eks:DescribeCluster",
            },
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Resource: s.queueArn,
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            },
            {
                // Describe calls support no resource-level permissions; read-only, this region only.
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                Resource: "*",
                Action: [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
            },
            {
                // The AMI alias resolves through the public EKS AMI parameters.
                Sid: "AllowSSMReadActions",
                Effect: "Allow",
                Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
                Action: "ssm:GetParameter",
            },
            {
                Sid: "AllowPricingReadActions",
                Effect: "Allow",
                Resource: "*",
                Action: "pricing:GetProducts",
            },
            {
                // Karpenter lists instance profiles to garbage-collect the ones it generates; read-only.
                Sid: "AllowUnscopedInstanceProfileListAction",
                Effect: "Allow",
                Resource: "*",
                Action: "iam:ListInstanceProfiles",
            },
            {
                Sid: "AllowInstanceProfileReadActions",
                Effect: "Allow",
                Resource: `arn:${s.partition}:iam::${s.accountId}:instance-profile/${s.instanceProfileName}`,
                Action: "iam:GetInstanceProfile",
            },
        ],
    };
}
