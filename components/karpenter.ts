// Karpenter, the node autoscaler: it launches EC2 nodes for pods the managed node group has no room
// for and consolidates them away when they are idle or underused. Its controller runs on the managed
// node group (never on a node it manages), with an IRSA role scoped to this cluster; its nodes use a
// role and instance profile of their own (joined through an EC2_LINUX access entry), the private
// subnets and the managed nodes' security group, both selected by the discovery tag this program
// sets, so a gateway pod scheduled on a Karpenter node passes the same NLB and webhook rules.
// Spot interruptions, rebalance recommendations, scheduled maintenance and instance state changes
// reach the controller through an encrypted SQS queue fed by EventBridge rules, so it drains a node
// before EC2 takes it away.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { awsManagedPolicyArn, AwsAccount } from "./awsProvider";
import { NODE_ROLE_POLICIES } from "./cluster";
import { EC2_NODE_CLASS, EC2NodeClassSpec, NODE_POOL, NodePoolSpec } from "./karpenterCrds";
import { irsaAnnotations, irsaTrustPolicy } from "./irsa";
import { karpenterControllerPolicy } from "./karpenterPolicy";
import { nodeDiscoveryTags } from "./network";

/** OCI repository of the Karpenter chart (the chart is published there only). */
export const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
/** Namespace of the controller (Karpenter's documented default). */
export const KARPENTER_NAMESPACE = "kube-system";
/** Service account of the controller: the IRSA trust names exactly this one. */
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
/** Name of the one EC2NodeClass and the one NodePool. */
export const KARPENTER_POOL_NAME = "default";

/** The EC2 events Karpenter handles, as its documented EventBridge rules match them. */
export const INTERRUPTION_EVENTS = [
    { id: "scheduled-change", source: "aws.health", detailType: "AWS Health Event" },
    { id: "spot-interruption", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    { id: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    { id: "state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    {
        id: "capacity-reservation-interruption",
        source: "aws.ec2",
        detailType: "EC2 Capacity Reservation Instance Interruption Warning",
    },
] as const;

/** Arguments of {@link Karpenter}. */
export interface KarpenterArgs {
    /** EKS cluster name (settings, IAM scope, discovery tags). */
    clusterName: string;
    /** AWS region of the cluster. */
    region: string;
    /** Partition and account of the cluster (the controller policy's ARNs). */
    account: AwsAccount;
    /** IAM OIDC provider ARN of the cluster (IRSA). */
    oidcProviderArn: pulumi.Input<string>;
    /** OIDC issuer without `https://`. */
    oidcIssuer: pulumi.Input<string>;
    /** The node security group (carries the NLB and control-plane rules); tagged for discovery. */
    nodeSecurityGroupId: pulumi.Input<string>;
    /** The private subnets (tagged for discovery); the controller may launch only there. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** Pinned chart version. */
    chartVersion: string;
    /** Pinned AMI alias, `al2023@vYYYYMMDD`. */
    amiAlias: string;
    /** NodePool limit on the vCPUs of all Karpenter nodes together. */
    cpuLimit: number;
    /** NodePool limit on the memory of all Karpenter nodes together, in GiB. */
    memoryLimitGi: number;
    /** EC2 instance categories Karpenter may choose from (`c`, `m`, `r`, ...). */
    instanceCategories: string[];
    /** Capacity types (`on-demand`, `spot`). */
    capacityTypes: string[];
    /** Controller replicas (2 needs two managed nodes: the chart spreads them over hosts). */
    replicas: number;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** What the controller must wait for: the cluster's managed node group, where it runs. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
    /** Tags for AWS resources (and Karpenter's instances, volumes and launch templates). */
    tags?: Record<string, string>;
}

/** Inputs of {@link karpenterValues}. */
export interface KarpenterValuesInput {
    /** EKS cluster name (the controller's `settings.clusterName`). */
    clusterName: pulumi.Input<string>;
    /** AWS region, given to the controller because its pods cannot reach IMDS. */
    region: string;
    /** Name of the interruption queue. */
    interruptionQueue: pulumi.Input<string>;
    /** ARN of the controller's IRSA role. */
    roleArn: pulumi.Input<string>;
    /** Controller replicas. */
    replicas: number;
}

/** Values for the Karpenter chart (pure, so tests can check them and they can be rendered). */
export function karpenterValues(v: KarpenterValuesInput): Record<string, unknown> {
    return {
        settings: { clusterName: v.clusterName, interruptionQueue: v.interruptionQueue },
        serviceAccount: {
            create: true,
            name: KARPENTER_SERVICE_ACCOUNT,
            annotations: irsaAnnotations(v.roleArn),
        },
        replicas: v.replicas,
        // On the managed node group only: a controller on a node it manages could consolidate itself
        // away. (Helm replaces lists, so the chart's own "no Karpenter node" term is repeated here.)
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [
                        {
                            matchExpressions: [
                                { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
                                { key: "eks.amazonaws.com/nodegroup", operator: "Exists" },
                            ],
                        },
                    ],
                },
            },
        },
        controller: {
            // The region, given: with IMDSv2 at hop limit 1 a pod cannot ask IMDS, where Karpenter
            // would look for it otherwise (and exit).
            env: [{ name: "AWS_REGION", value: v.region }],
            // Karpenter's guidance: memory request = limit, so the scheduler never overcommits it.
            resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } },
        },
    };
}

/** Inputs of {@link ec2NodeClassSpec}. */
export interface NodeClassInput {
    /** EKS cluster name: its discovery tag selects the subnets and the security group. */
    clusterName: string;
    /** Pinned AMI alias, `al2023@vYYYYMMDD`. */
    amiAlias: string;
    /** Name of the node instance profile the program creates. */
    instanceProfile: string;
    /** Tags of the nodes' instances, volumes and launch templates. */
    tags: Record<string, string>;
}

/** The EC2NodeClass spec: where and how Karpenter's nodes launch. */
export function ec2NodeClassSpec(v: NodeClassInput): EC2NodeClassSpec {
    return {
        amiSelectorTerms: [{ alias: v.amiAlias }],
        subnetSelectorTerms: [{ tags: nodeDiscoveryTags(v.clusterName) }],
        securityGroupSelectorTerms: [{ tags: nodeDiscoveryTags(v.clusterName) }],
        instanceProfile: v.instanceProfile,
        // IMDSv2 only, hop limit 1, as on the managed nodes: pods cannot reach the node's credentials.
        metadataOptions: {
            httpEndpoint: "enabled",
            httpProtocolIPv6: "disabled",
            httpPutResponseHopLimit: 1,
            httpTokens: "required",
        },
        blockDeviceMappings: [
            {
                deviceName: "/dev/xvda",
                rootVolume: true,
                ebs: {
                    volumeSize: "50Gi",
                    volumeType: "gp3",
                    encrypted: true,
                    deleteOnTermination: true,
                },
            },
        ],
        tags: v.tags,
    };
}

/** Inputs of {@link nodePoolSpec}. */
export type NodePoolInput = Pick<
    KarpenterArgs,
    "cpuLimit" | "memoryLimitGi" | "instanceCategories" | "capacityTypes"
>;

/** The NodePool spec: which instances, how much in total, and when to consolidate. */
export function nodePoolSpec(v: NodePoolInput): NodePoolSpec {
    return {
        template: {
            spec: {
                nodeClassRef: {
                    group: EC2_NODE_CLASS.apiVersion.split("/")[0],
                    kind: EC2_NODE_CLASS.kind,
                    name: KARPENTER_POOL_NAME,
                },
                requirements: [
                    // amd64 Linux like the managed nodes, so every image that runs there runs here.
                    { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    { key: "karpenter.sh/capacity-type", operator: "In", values: v.capacityTypes },
                    {
                        key: "karpenter.k8s.aws/instance-category",
                        operator: "In",
                        values: v.instanceCategories,
                    },
                    // Nitro generations only (5+): current prices, ENI limits and EBS performance.
                    { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["4"] },
                ],
                // Nodes are replaced after 30 days, so none runs unpatched for long.
                expireAfter: "720h",
            },
        },
        // The cost ceiling: Karpenter launches nothing beyond these totals.
        limits: { cpu: String(v.cpuLimit), memory: `${v.memoryLimitGi}Gi` },
        disruption: {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: "1m",
            // At most 10% of the pool's nodes disrupted at once; PDBs are honoured on every drain.
            budgets: [{ nodes: "10%" }],
        },
    };
}

/** Interruption queue + rules, node role/profile/access entry, controller IAM, chart, node class and pool. */
export class Karpenter extends pulumi.ComponentResource {
    /** The controller chart (installs the CRDs). */
    public readonly chart: k8s.helm.v4.Chart;
    /** The EC2NodeClass. */
    public readonly nodeClass: k8s.apiextensions.CustomResource;
    /** The NodePool. */
    public readonly nodePool: k8s.apiextensions.CustomResource;
    /** The interruption queue's name. */
    public readonly queueName: pulumi.Output<string>;
    /** The node role's ARN. */
    public readonly nodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:karpenter:Karpenter", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = { parent: this };

        // Interruption queue: SSE with SQS-managed keys; messages older than 5 minutes are moot.
        const queue = new aws.sqs.Queue(
            `${name}-interruption`,
            { messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags },
            parent,
        );
        const rules = INTERRUPTION_EVENTS.map((event) => {
            const rule = new aws.cloudwatch.EventRule(
                `${name}-${event.id}`,
                {
                    description: `Karpenter interruption handling (${args.clusterName}): ${event.detailType}`,
                    eventPattern: JSON.stringify({
                        source: [event.source],
                        "detail-type": [event.detailType],
                    }),
                    tags,
                },
                parent,
            );
            new aws.cloudwatch.EventTarget(
                `${name}-${event.id}-target`,
                { rule: rule.name, arn: queue.arn, targetId: "KarpenterInterruptionQueueTarget" },
                parent,
            );
            return rule;
        });
        new aws.sqs.QueuePolicy(
            `${name}-interruption-policy`,
            {
                queueUrl: queue.url,
                policy: pulumi
                    .all([queue.arn, pulumi.all(rules.map((r) => r.arn))])
                    .apply(([queueArn, ruleArns]) =>
                        JSON.stringify(interruptionQueuePolicy(queueArn, ruleArns)),
                    ),
            },
            parent,
        );

        // Node identity: a role of its own (the managed node group's role already has its access entry).
        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
                tags,
            },
            parent,
        );
        // Named by policy, not by position: were the list reordered, attachments named by index would
        // swap policies, and a replacement that attaches before it detaches would detach a policy
        // that another attachment still needs.
        const nodePolicies = NODE_ROLE_POLICIES.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-node-${policy}`,
                    {
                        role: nodeRole.name,
                        policyArn: awsManagedPolicyArn(args.account.partition, policy),
                    },
                    parent,
                ),
        );
        const instanceProfile = new aws.iam.InstanceProfile(
            `${name}-node-profile`,
            { role: nodeRole.name, tags },
            parent,
        );
        const accessEntry = new aws.eks.AccessEntry(
            `${name}-node-access`,
            { clusterName: args.clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags },
            // The cluster must exist (its node group does).
            { parent: this, dependsOn: args.dependsOn },
        );

        // Controller identity: IRSA for kube-system:karpenter, the policy scoped to this cluster.
        const controllerRole = new aws.iam.Role(
            `${name}-controller-role`,
            {
                assumeRolePolicy: irsaTrustPolicy({
                    oidcProviderArn: args.oidcProviderArn,
                    oidcIssuer: args.oidcIssuer,
                    namespace: KARPENTER_NAMESPACE,
                    serviceAccount: KARPENTER_SERVICE_ACCOUNT,
                }),
                tags,
            },
            parent,
        );
        const controllerPolicy = new aws.iam.Policy(
            `${name}-controller-policy`,
            {
                description: `Karpenter controller for ${args.clusterName}: nodes of this cluster only`,
                policy: pulumi
                    .all([
                        args.account.partition,
                        args.account.accountId,
                        queue.arn,
                        nodeRole.arn,
                        instanceProfile.name,
                        args.nodeSecurityGroupId,
                        args.privateSubnetIds,
                    ])
                    .apply(([p, account, queueArn, nodeRoleArn, profile, sg, subnets]) =>
                        JSON.stringify(
                            karpenterControllerPolicy({
                                partition: p,
                                region: args.region,
                                accountId: account,
                                clusterName: args.clusterName,
                                queueArn,
                                nodeRoleArn,
                                instanceProfileName: profile,
                                nodeSecurityGroupId: sg,
                                subnetIds: subnets,
                            }),
                        ),
                    ),
                tags,
            },
            parent,
        );
        const controllerAttachment = new aws.iam.RolePolicyAttachment(
            `${name}-controller-policy-attachment`,
            { role: controllerRole.name, policyArn: controllerPolicy.arn },
            parent,
        );

        const k8sOpts = { parent: this, provider: args.provider };
        this.chart = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                chart: KARPENTER_CHART,
                name: "karpenter",
                version: args.chartVersion,
                namespace: KARPENTER_NAMESPACE,
                values: karpenterValues({
                    clusterName: args.clusterName,
                    region: args.region,
                    interruptionQueue: queue.name,
                    roleArn: controllerRole.arn,
                    replicas: args.replicas,
                }),
            },
            // After the node group it runs on, and with its permissions in place before it reconciles.
            { ...k8sOpts, dependsOn: [...args.dependsOn, controllerAttachment] },
        );

        // The node class and pool need the CRDs (the chart), and nodes need their access entry and
        // policies before the first one launches. On destroy the pool goes first, while the
        // controller still runs to drain and terminate its nodes.
        this.nodeClass = new k8s.apiextensions.CustomResource(
            `${name}-nodeclass`,
            {
                ...EC2_NODE_CLASS,
                metadata: { name: KARPENTER_POOL_NAME },
                spec: instanceProfile.name.apply((profile) =>
                    ec2NodeClassSpec({
                        clusterName: args.clusterName,
                        amiAlias: args.amiAlias,
                        instanceProfile: profile,
                        tags,
                    }),
                ),
            },
            { ...k8sOpts, dependsOn: [this.chart, accessEntry, ...nodePolicies] },
        );
        this.nodePool = new k8s.apiextensions.CustomResource(
            `${name}-nodepool`,
            { ...NODE_POOL, metadata: { name: KARPENTER_POOL_NAME }, spec: nodePoolSpec(args) },
            { ...k8sOpts, dependsOn: [this.chart, this.nodeClass] },
        );

        this.queueName = queue.name;
        this.nodeRoleArn = nodeRole.arn;
        this.registerOutputs({ queueName: this.queueName, nodeRoleArn: this.nodeRoleArn });
    }
}

/** SQS policy: only our EventBridge rules may send; nothing may use the queue without TLS. */
export function interruptionQueuePolicy(queueArn: string, ruleArns: string[]): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Id: "EC2InterruptionPolicy",
        Statement: [
            {
                Sid: "EventBridgeRulesSend",
                Effect: "Allow",
                Principal: { Service: ["events.amazonaws.com"] },
                Action: "sqs:SendMessage",
                Resource: queueArn,
                Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
            },
            {
                Sid: "DenyHTTP",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
