// AWS Load Balancer Controller, installed for one job only: TargetGroupBinding, i.e. registering
// the gateway pod IPs in the target groups of the NLB that Pulumi owns. It never creates load
// balancers here, so its IAM policy is a fraction of the upstream one.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { irsaAnnotations, irsaTrustPolicy } from "./irsa";

/** Arguments of {@link LoadBalancerController}. */
export interface LoadBalancerControllerArgs {
    /** EKS cluster name (controller flag). */
    clusterName: pulumi.Input<string>;
    /** AWS region, passed to the controller so it never needs IMDS. */
    region: string;
    /** VPC id, passed to the controller so it never needs IMDS. */
    vpcId: pulumi.Input<string>;
    /** IAM OIDC provider ARN of the cluster (IRSA). */
    oidcProviderArn: pulumi.Input<string>;
    /** OIDC issuer without `https://`. */
    oidcIssuer: pulumi.Input<string>;
    /** The only target groups the controller may register targets in. */
    targetGroupArns: pulumi.Input<string>[];
    /** Pinned chart version. */
    chartVersion: string;
    /** Controller replicas (2 keeps the pod webhook available during node drains). */
    replicas: number;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/** The controller's namespace and service account: the IRSA trust names exactly this one. */
export const LBC_NAMESPACE = "kube-system";
/** Service account name of the controller. */
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * The least-privilege policy document for TargetGroupBinding-only operation. No security-group
 * writes: the controller manages node rules only for a binding with `spec.networking`, and ours have
 * none (Pulumi owns the node rule from the NLB's security group).
 */
export function lbcPolicyDocument(targetGroupArns: string[]): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                // Describe calls support no resource-level permissions, hence "*"; they are read-only.
                Sid: "DescribeLoadBalancing",
                Effect: "Allow",
                Action: [
                    "elasticloadbalancing:DescribeLoadBalancers",
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetGroupAttributes",
                    "elasticloadbalancing:DescribeTargetHealth",
                    "elasticloadbalancing:DescribeTags",
                ],
                Resource: "*",
            },
            {
                // The write the controller exists for, limited to our own target groups' ARNs.
                Sid: "RegisterGatewayTargets",
                Effect: "Allow",
                Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                Resource: targetGroupArns,
            },
            {
                // Resolving pod IPs to ENIs/subnets/SGs for ip targets; read-only.
                Sid: "DescribeNetworking",
                Effect: "Allow",
                Action: [
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeInstances",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcs",
                    "ec2:GetSecurityGroupsForVpc",
                ],
                Resource: "*",
            },
        ],
    };
}

/** IRSA role, least-privilege policy and the controller's Helm chart. */
export class LoadBalancerController extends pulumi.ComponentResource {
    /** The controller chart; anything needing its webhook (TargetGroupBinding) depends on it. */
    public readonly chart: k8s.helm.v4.Chart;
    /** The IRSA role ARN. */
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:loadBalancerController:LoadBalancerController", name, {}, opts);
        const tags = args.tags ?? {};

        // Trust only the controller's own service account, only for STS.
        const assumeRolePolicy = irsaTrustPolicy({
            oidcProviderArn: args.oidcProviderArn,
            oidcIssuer: args.oidcIssuer,
            namespace: LBC_NAMESPACE,
            serviceAccount: LBC_SERVICE_ACCOUNT,
        });
        const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy, tags }, { parent: this });
        const policy = new aws.iam.Policy(
            `${name}-policy`,
            {
                description:
                    "AWS Load Balancer Controller: TargetGroupBinding only (register gateway pod IPs)",
                policy: pulumi
                    .all(args.targetGroupArns)
                    .apply((arns) => JSON.stringify(lbcPolicyDocument(arns))),
                tags,
            },
            { parent: this },
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-policy-attachment`,
            { role: role.name, policyArn: policy.arn },
            { parent: this },
        );

        this.chart = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                chart: "aws-load-balancer-controller",
                version: args.chartVersion,
                repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
                namespace: LBC_NAMESPACE,
                values: {
                    clusterName: args.clusterName,
                    region: args.region,
                    vpcId: args.vpcId,
                    replicaCount: args.replicas,
                    serviceAccount: {
                        create: true,
                        name: LBC_SERVICE_ACCOUNT,
                        annotations: irsaAnnotations(role.arn),
                    },
                    // No IngressClass "alb", no Service mutation and no Service reconciler: this
                    // controller must never create an ALB or a second NLB, only bind targets. The chart
                    // renders the feature gate as `--feature-gates=EnableServiceController=false`.
                    createIngressClassResource: false,
                    enableServiceMutatorWebhook: false,
                    controllerConfig: { featureGates: { EnableServiceController: false } },
                    enableShield: false,
                    enableWaf: false,
                    enableWafv2: false,
                },
            },
            // The role must carry its policy before the controller starts reconciling.
            { parent: this, provider: args.provider, dependsOn: [attachment] },
        );
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
