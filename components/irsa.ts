// IAM roles for service accounts (IRSA): the trust policy that lets exactly one Kubernetes service
// account of this cluster assume a role, and nothing else, and the annotation that gives that
// service account the role.
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link irsaTrustPolicy}. */
export interface IrsaTrustArgs {
    /** IAM OIDC provider ARN of the cluster. */
    oidcProviderArn: pulumi.Input<string>;
    /** OIDC issuer without `https://`, the prefix of the condition keys. */
    oidcIssuer: pulumi.Input<string>;
    /** Namespace of the service account. */
    namespace: string;
    /** Name of the service account. */
    serviceAccount: string;
}

/** Trust policy (JSON) for `sts:AssumeRoleWithWebIdentity` by one service account, audience STS only. */
export function irsaTrustPolicy(args: IrsaTrustArgs): pulumi.Output<string> {
    return pulumi.all([args.oidcProviderArn, args.oidcIssuer]).apply(([arn, issuer]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
                            [`${issuer}:aud`]: "sts.amazonaws.com",
                        },
                    },
                },
            ],
        }),
    );
}

/** The service account annotation naming its IRSA role (read by EKS's pod identity webhook). */
export function irsaAnnotations(roleArn: pulumi.Input<string>): Record<string, pulumi.Input<string>> {
    return { "eks.amazonaws.com/role-arn": roleArn };
}
