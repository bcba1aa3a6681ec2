// EKS: the control plane (pulumi-eks v4 Cluster), the VPC CNI add-on on its own IRSA role, a
// managed node group in the private subnets on a launch template that enforces IMDSv2 and tags what
// it launches, and the node security-group rules Istio needs.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { awsManagedPolicyArn, AwsAccount } from "./awsProvider";
import { irsaTrustPolicy } from "./irsa";
import { nodeDiscoveryTags } from "./network";

/** Arguments of {@link Cluster}. */
export interface ClusterArgs {
    /** EKS cluster name (also used in subnet tags, so it is fixed rather than auto-named). */
    clusterName: string;
    /** Pinned Kubernetes version, `major.minor`. */
    kubernetesVersion: string;
    /** VPC of the cluster. */
    vpcId: pulumi.Input<string>;
    /** Public subnets (public endpoint ENIs / load balancers only; no nodes). */
    publicSubnetIds: pulumi.Input<string[]>;
    /** Private subnets: nodes and control-plane ENIs. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** Node instance types. */
    instanceTypes: string[];
    /** Node group minimum size. */
    minSize: number;
    /** Node group desired size (Pulumi sets it at create time only, see ignoreChanges). */
    desiredSize: number;
    /** Node group maximum size. */
    maxSize: number;
    /** Public API endpoint. */
    endpointPublicAccess: boolean;
    /** Private API endpoint. */
    endpointPrivateAccess: boolean;
    /** CIDRs admitted to the public API endpoint. */
    publicAccessCidrs: string[];
    /** Control-plane log types. */
    logTypes: string[];
    /** Create a KMS key and envelope-encrypt Kubernetes secrets with it. */
    secretsEncryption: boolean;
    /** Retention of the control-plane log group, days. */
    logRetentionDays: number;
    /** IAM role/user ARNs (validated) given cluster-admin through access entries. */
    clusterAdmins: string[];
    /** Partition and account of the cluster: policy ARNs follow the partition (aws, aws-us-gov, aws-cn). */
    account: AwsAccount;
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/** Istio ports the control plane must reach on the nodes (the anchors' node SG rules). */
export const ISTIO_CONTROL_PLANE_PORTS = [
    { port: 15017, description: "istiod sidecar-injection and validation webhooks" },
    { port: 15012, description: "istiod xDS and CA (control plane to istiod pods)" },
] as const;

/**
 * AWS-managed policies of the node roles (managed and Karpenter's nodes alike). Not `AmazonEKS_CNI_Policy`: the VPC CNI has its own role
 * (IRSA), so a pod that reaches the node's credentials cannot rewire the node's network interfaces.
 */
export const NODE_ROLE_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
] as const;

/** The VPC CNI's service account: the IRSA trust of its role names exactly this one. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/** Resource types a launch template tags at launch: the instance, its volumes and its ENIs. */
export const LAUNCH_TAGGED_RESOURCE_TYPES = ["instance", "volume", "network-interface"] as const;

/** The EKS access policy each of `clusterAdmins` gets, at cluster scope. */
export const CLUSTER_ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy";

/** A stable resource-name suffix for an admin ARN: list order can change without replacing entries. */
export function adminNameSuffix(principalArn: string): string {
    const [, , , , account, resource] = principalArn.split(":");
    return `${resource.replace(/[^A-Za-z0-9_.-]+/g, "-")}-${account}`;
}

/** EKS cluster, managed nodes, OIDC provider (IRSA) and a Kubernetes provider for it. */
export class Cluster extends pulumi.ComponentResource {
    /** The pulumi-eks cluster. */
    public readonly cluster: eks.Cluster;
    /** Kubernetes provider bound to this cluster's kubeconfig. */
    public readonly provider: k8s.Provider;
    /** Kubeconfig as a JSON string (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** EKS cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Security group of the worker nodes (and, with VPC CNI, of the gateway pods). */
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** IAM OIDC provider ARN for IRSA trust policies. */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** OIDC issuer without `https://`, the prefix of IRSA condition keys. */
    public readonly oidcIssuer: pulumi.Output<string>;
    /** The managed node group. */
    public readonly nodeGroup: eks.ManagedNodeGroup;
    /** The VPC CNI add-on, on its own IRSA role. */
    public readonly vpcCniAddon: aws.eks.Addon;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:cluster:Cluster", name, {}, opts);
        const tags = args.tags ?? {};
        const partition = args.account.partition;
        // pulumi-eks components are remote: they do not inherit providers from their parent, so the
        // AWS provider this component was given (with the platform's default tags) is passed explicitly.
        const awsProvider = this.getProvider("aws::Provider");
        const remoteOpts = { parent: this, ...(awsProvider ? { providers: { aws: awsProvider } } : {}) };

        let encryptionConfigKeyArn: pulumi.Output<string> | undefined;
        if (args.secretsEncryption) {
            const key = new aws.kms.Key(
                `${name}-secrets-key`,
                {
                    description: `EKS secrets envelope encryption for ${args.clusterName}`,
                    enableKeyRotation: true,
                    deletionWindowInDays: 30,
                    tags,
                },
                { parent: this },
            );
            new aws.kms.Alias(
                `${name}-secrets-key-alias`,
                { name: `alias/eks/${args.clusterName}-secrets`, targetKeyId: key.keyId },
                { parent: this },
            );
            encryptionConfigKeyArn = key.arn;
        }

        // EKS creates this group on first log write, with no retention, and leaves it behind on
        // destroy. Created first, it has a retention and is deleted with the stack.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: `/aws/eks/${args.clusterName}/cluster`,
                retentionInDays: args.logRetentionDays,
                tags,
            },
            { parent: this },
        );

        this.cluster = new eks.Cluster(
            `${name}-eks`,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                vpcId: args.vpcId,
                publicSubnetIds: args.publicSubnetIds,
                privateSubnetIds: args.privateSubnetIds,
                nodeAssociatePublicIpAddress: false,
                // Nodes come from the managed node group below, on our own launch template.
                skipDefaultNodeGroup: true,
                // Access entries instead of the aws-auth ConfigMap.
                authenticationMode: eks.AuthenticationMode.Api,
                createOidcProvider: true,
                // pulumi-eks would create the vpc-cni add-on before the OIDC provider exists, so without
                // an IRSA role; the add-on is created below with its own role instead.
                useDefaultVpcCni: true,
                endpointPublicAccess: args.endpointPublicAccess,
                endpointPrivateAccess: args.endpointPrivateAccess,
                publicAccessCidrs: args.endpointPublicAccess ? args.publicAccessCidrs : undefined,
                enabledClusterLogTypes: args.logTypes,
                // Karpenter's EC2NodeClass selects this security group by tag: its nodes get the same
                // rules as the managed nodes (NLB -> gateway ports, control plane -> istiod webhooks).
                nodeSecurityGroupTags: nodeDiscoveryTags(args.clusterName),
                encryptionConfigKeyArn,
                tags,
            },
            { ...remoteOpts, dependsOn: [logGroup] },
        );

        // Authentication mode API gives cluster-admin to the creator only: everyone else needs an
        // access entry (no aws-auth ConfigMap).
        for (const principalArn of args.clusterAdmins) {
            const suffix = adminNameSuffix(principalArn);
            const entry = new aws.eks.AccessEntry(
                `${name}-admin-${suffix}`,
                { clusterName: this.cluster.eksCluster.name, principalArn, type: "STANDARD", tags },
                { parent: this },
            );
            new aws.eks.AccessPolicyAssociation(
                `${name}-admin-${suffix}-policy`,
                {
                    clusterName: this.cluster.eksCluster.name,
                    principalArn,
                    policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_ACCESS_POLICY}`,
                    accessScope: { type: "cluster" },
                },
                { parent: this, dependsOn: [entry] },
            );
        }

        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
                tags,
            },
            { parent: this },
        );
        // Pods get their own roles via IRSA; the node keeps only what the kubelet and image pulls need.
        const nodePolicies = NODE_ROLE_POLICIES.map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-node-${policy}`,
                    { role: nodeRole.name, policyArn: awsManagedPolicyArn(partition, policy) },
                    { parent: this },
                ),
        );

        // The VPC CNI (aws-node) as an EKS add-on on its own IRSA role. OVERWRITE adopts the aws-node
        // DaemonSet EKS bootstraps. Nodes come after it: aws-node on a node without its role could not
        // assign pod IPs, because the node role no longer carries the CNI policy.
        const vpcCniRole = new aws.iam.Role(
            `${name}-vpc-cni-role`,
            {
                assumeRolePolicy: irsaTrustPolicy({
                    oidcProviderArn: this.cluster.oidcProviderArn,
                    oidcIssuer: this.cluster.oidcIssuer,
                    namespace: VPC_CNI_SERVICE_ACCOUNT.namespace,
                    serviceAccount: VPC_CNI_SERVICE_ACCOUNT.name,
                }),
                tags,
            },
            { parent: this },
        );
        const vpcCniPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-vpc-cni-policy`,
            { role: vpcCniRole.name, policyArn: awsManagedPolicyArn(partition, "AmazonEKS_CNI_Policy") },
            { parent: this },
        );
        this.vpcCniAddon = new aws.eks.Addon(
            `${name}-vpc-cni`,
            {
                clusterName: this.cluster.eksCluster.name,
                addonName: "vpc-cni",
                serviceAccountRoleArn: vpcCniRole.arn,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            },
            { parent: this, dependsOn: [vpcCniPolicy] },
        );

        this.nodeSecurityGroupId = this.cluster.nodeSecurityGroupId;
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-nodes-lt`,
            {
                // IMDSv2 only, hop limit 1: pods (not host-network) cannot reach the node's instance
                // credentials; they use IRSA. Nothing in this stack needs IMDS from a pod: the LBC gets
                // its region and VPC id from chart values.
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                },
                // The pulumi-eks node SG: it already admits the control plane on 443 and 1025-65535,
                // the Istio rules below document and pin the two ports Istio cannot work without.
                vpcSecurityGroupIds: [this.nodeSecurityGroupId],
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: 50,
                            volumeType: "gp3",
                            encrypted: "true",
                            deleteOnTermination: "true",
                        },
                    },
                ],
                // Provider default tags stop at resources Pulumi creates: what the node group launches
                // from this template is tagged here.
                tagSpecifications: LAUNCH_TAGGED_RESOURCE_TYPES.map((resourceType) => ({
                    resourceType,
                    tags: { ...tags, Name: `${args.clusterName}-node` },
                })),
                tags,
            },
            { parent: this },
        );

        this.nodeGroup = new eks.ManagedNodeGroup(
            `${name}-nodes`,
            {
                cluster: this.cluster,
                // The control plane's version: with a custom launch template (no AMI in it) EKS picks
                // the node AMI for this version, so raising kubernetesVersion upgrades the nodes too,
                // after the control plane.
                version: this.cluster.eksCluster.version,
                nodeRole,
                subnetIds: args.privateSubnetIds,
                instanceTypes: args.instanceTypes,
                scalingConfig: {
                    minSize: args.minSize,
                    desiredSize: args.desiredSize,
                    maxSize: args.maxSize,
                },
                launchTemplate: {
                    id: launchTemplate.id,
                    version: pulumi.interpolate`${launchTemplate.latestVersion}`,
                },
                tags,
            },
            // Nodes without their policies never join (NodeCreationFailure), and without the CNI's role
            // they get no pod IPs: attach and install those first.
            { ...remoteOpts, dependsOn: [...nodePolicies, this.vpcCniAddon] },
        );

        for (const { port, description } of ISTIO_CONTROL_PLANE_PORTS) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-istio-${port}`,
                {
                    securityGroupId: this.nodeSecurityGroupId,
                    referencedSecurityGroupId: this.cluster.clusterSecurityGroupId,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    description,
                },
                { parent: this },
            );
        }

        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.cluster.kubeconfigJson, enableServerSideApply: true },
            // Workloads need nodes: anything using this provider waits for the node group.
            { parent: this, dependsOn: [this.nodeGroup] },
        );
        this.clusterName = this.cluster.eksCluster.name;
        this.oidcProviderArn = this.cluster.oidcProviderArn;
        this.oidcIssuer = this.cluster.oidcIssuer;
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuer: this.oidcIssuer,
        });
    }
}
