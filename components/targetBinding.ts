// Joins the NLB (built from the network alone) to the cluster once both exist: a node security
// group rule admitting the NLB's security group, and one TargetGroupBinding per target group so
// the AWS Load Balancer Controller registers the gateway pod IPs.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { GATEWAY_STATUS_PORT } from "./istio";

/** Arguments of {@link TargetBinding}. */
export interface TargetBindingArgs {
    /** Security group of the nodes / gateway pods. */
    nodeSecurityGroupId: pulumi.Input<string>;
    /** Security group of the NLB. */
    nlbSecurityGroupId: pulumi.Input<string>;
    /** The NLB target groups and the gateway Service port each one serves. */
    targetGroups: { port: number; targetGroupArn: pulumi.Input<string> }[];
    /** Namespace of the gateway Service. */
    namespace: pulumi.Input<string>;
    /** Name of the gateway Service. */
    serviceName: pulumi.Input<string>;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** The LBC chart (its webhook validates TargetGroupBindings) and the gateway chart (its Service). */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Node SG rule from the NLB and the TargetGroupBindings. */
export class TargetBinding extends pulumi.ComponentResource {
    /** The TargetGroupBinding custom resources, one per target group. */
    public readonly bindings: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: TargetBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:targetBinding:TargetBinding", name, {}, opts);

        // Pod IPs are on node ENIs (VPC CNI), so the node SG must admit the NLB on the traffic ports
        // and the health-check port; only the NLB's SG, not its source CIDRs.
        for (const port of [...args.targetGroups.map((t) => t.port), GATEWAY_STATUS_PORT]) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-from-nlb-${port}`,
                {
                    securityGroupId: args.nodeSecurityGroupId,
                    referencedSecurityGroupId: args.nlbSecurityGroupId,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    description:
                        port === GATEWAY_STATUS_PORT
                            ? "NLB health checks to the gateway status port"
                            : `NLB to gateway ${port}`,
                },
                { parent: this },
            );
        }

        this.bindings = args.targetGroups.map(
            ({ port, targetGroupArn }) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-tgb-${port}`,
                    {
                        apiVersion: "elbv2.k8s.aws/v1beta1",
                        kind: "TargetGroupBinding",
                        metadata: {
                            name: pulumi.interpolate`${args.serviceName}-${port}`,
                            namespace: args.namespace,
                        },
                        spec: {
                            serviceRef: { name: args.serviceName, port },
                            targetGroupARN: targetGroupArn,
                            targetType: "ip",
                        },
                    },
                    {
                        parent: this,
                        provider: args.provider,
                        dependsOn: args.dependsOn,
                        // The LBC webhook rejects any change to spec.targetGroupARN, so a replaced
                        // target group (port, protocol or VPC change) needs a new binding, and the old
                        // one must go first: both bind the same Service port under the same name.
                        replaceOnChanges: ["spec.targetGroupARN"],
                        deleteBeforeReplace: true,
                    },
                ),
        );
        this.registerOutputs({});
    }
}
