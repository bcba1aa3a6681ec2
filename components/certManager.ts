// cert-manager from its pinned chart (CRDs included), with the only AWS permission it needs for
// Let's Encrypt DNS-01: writing the challenge TXT record in one hosted zone, through IRSA. It ends
// with a check that its webhook really answers, because certificates created before that fail.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { AwsAccount } from "./awsProvider";
import { irsaAnnotations, irsaTrustPolicy } from "./irsa";
import { podSecurityLabels } from "./podSecurity";

/** The pinned cert-manager release (chart version; the same tag names its images). */
export const CERT_MANAGER_VERSION = "v1.21.1";
/** Helm repository of the cert-manager chart. */
export const CERT_MANAGER_CHART_REPO = "https://charts.jetstack.io";
/** Namespace of cert-manager; the IRSA trust names its controller's service account. */
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** The controller's service account (the chart's fullname for release "cert-manager"). */
export const CERT_MANAGER_SERVICE_ACCOUNT = "cert-manager";

/** Arguments of {@link CertManager}. */
export interface CertManagerArgs {
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Pinned chart version (default {@link CERT_MANAGER_VERSION}). */
    version?: string;
    /** DNS-01 in Route 53: the only zone and name cert-manager may write; unset: no AWS permissions. */
    dns01?: {
        /** The hosted zone of the challenge records. */
        hostedZoneId: string;
        /** The name certificates are issued for (the challenge record is `_acme-challenge.<hostname>`). */
        hostname: string;
        /** IAM OIDC provider ARN of the cluster (IRSA). */
        oidcProviderArn: pulumi.Input<string>;
        /** OIDC issuer without `https://`. */
        oidcIssuer: pulumi.Input<string>;
        /** Partition and account of the stack (the zone's ARN). */
        account: AwsAccount;
    };
    /** Tags for AWS resources. */
    tags?: Record<string, string>;
}

/**
 * The calls cert-manager's Route 53 solver makes (pkg/issuer/acme/dns/route53): UPSERT then DELETE of
 * one TXT record, GetChange until it is INSYNC, and ListHostedZonesByName (skipped when the issuer
 * names the zone, kept because cert-manager documents it). Record changes are limited to the zone,
 * the TXT type and the challenge name of `hostname`.
 */
export function certManagerDns01PolicyDocument(
    partition: string,
    hostedZoneId: string,
    hostname: string,
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "WriteChallengeRecord",
                Effect: "Allow",
                Action: ["route53:ChangeResourceRecordSets"],
                Resource: `arn:${partition}:route53:::hostedzone/${hostedZoneId}`,
                Condition: {
                    "ForAllValues:StringEquals": {
                        "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
                        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
                            `_acme-challenge.${hostname}`,
                        ],
                        "route53:ChangeResourceRecordSetsActions": ["UPSERT", "DELETE"],
                    },
                },
            },
            {
                // Change ids are not known in advance; GetChange only reads a change's status.
                Sid: "WaitForChange",
                Effect: "Allow",
                Action: ["route53:GetChange"],
                Resource: `arn:${partition}:route53:::change/*`,
            },
            {
                // A list call: Route 53 supports no resource-level permission for it.
                Sid: "FindZone",
                Effect: "Allow",
                Action: ["route53:ListHostedZonesByName"],
                Resource: "*",
            },
        ],
    };
}

/** Values of the cert-manager chart (pure, so tests can check them). */
export function certManagerValues(roleArn?: pulumi.Input<string>): Record<string, unknown> {
    return {
        // The chart installs and upgrades the CRDs with the controller, so their versions always match.
        crds: { enabled: true },
        serviceAccount: {
            name: CERT_MANAGER_SERVICE_ACCOUNT,
            ...(roleArn ? { annotations: irsaAnnotations(roleArn) } : {}),
        },
        // helm.v4.Chart skips Helm hooks, so the chart's post-install check would never run; the
        // component runs its own (webhookCheckJob).
        startupapicheck: { enabled: false },
        // The controller runs as a non-root user the pod spec does not name; a pod fsGroup makes the
        // projected IRSA web-identity token readable to it (Helm merges this into the chart's
        // runAsNonRoot/seccomp defaults).
        ...(roleArn ? { securityContext: { fsGroup: 1001 } } : {}),
    };
}

/** cert-manager's namespace, its IRSA role (DNS-01 only), the chart and a webhook readiness check. */
export class CertManager extends pulumi.ComponentResource {
    /** The chart (CRDs, controller, webhook, cainjector). */
    public readonly chart: k8s.helm.v4.Chart;
    /** Completes once the webhook admits cert-manager objects: issuers and certificates wait for it. */
    public readonly webhookReady: k8s.batch.v1.Job;
    /** The IRSA role of the controller (DNS-01 only). */
    public readonly roleArn?: pulumi.Output<string>;

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:certManager:CertManager", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const version = args.version ?? CERT_MANAGER_VERSION;

        const ns = new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: CERT_MANAGER_NAMESPACE, labels: podSecurityLabels() } },
            k8sOpts,
        );

        let chartDependsOn: pulumi.Resource[] = [ns];
        if (args.dns01) {
            const dns01 = args.dns01;
            const role = new aws.iam.Role(
                `${name}-role`,
                {
                    assumeRolePolicy: irsaTrustPolicy({
                        oidcProviderArn: dns01.oidcProviderArn,
                        oidcIssuer: dns01.oidcIssuer,
                        namespace: CERT_MANAGER_NAMESPACE,
                        serviceAccount: CERT_MANAGER_SERVICE_ACCOUNT,
                    }),
                    tags: args.tags,
                },
                { parent: this },
            );
            const policy = new aws.iam.Policy(
                `${name}-dns01-policy`,
                {
                    description: `cert-manager DNS-01: the _acme-challenge TXT record of ${dns01.hostname} in ${dns01.hostedZoneId} only`,
                    policy: dns01.account.partition.apply((p) =>
                        JSON.stringify(certManagerDns01PolicyDocument(p, dns01.hostedZoneId, dns01.hostname)),
                    ),
                    tags: args.tags,
                },
                { parent: this },
            );
            const attachment = new aws.iam.RolePolicyAttachment(
                `${name}-dns01-attachment`,
                { role: role.name, policyArn: policy.arn },
                { parent: this },
            );
            // The role must carry its policy before the controller solves a challenge.
            chartDependsOn = [ns, attachment];
            this.roleArn = role.arn;
        }

        this.chart = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                chart: "cert-manager",
                name: "cert-manager",
                version,
                repositoryOpts: { repo: CERT_MANAGER_CHART_REPO },
                namespace: CERT_MANAGER_NAMESPACE,
                values: certManagerValues(this.roleArn),
            },
            { ...k8sOpts, dependsOn: chartDependsOn },
        );
        this.webhookReady = webhookCheckJob(`${name}-webhook-check`, version, k8sOpts, this.chart);
        this.registerOutputs({ roleArn: this.roleArn });
    }
}

/**
 * The webhook Deployment can be Ready before the cainjector has put its CA into the webhook
 * configurations; an Issuer or Certificate created in that window is rejected (x509 errors). The
 * chart's own startupapicheck (a Helm hook) covers this, but helm.v4.Chart skips hooks, so the same
 * image runs here as a plain Job: `check api` does a dry-run create through the webhook until it
 * succeeds, and Pulumi waits for the Job to complete before anything that depends on it.
 */
function webhookCheckJob(
    name: string,
    version: string,
    k8sOpts: { parent: pulumi.Resource; provider: k8s.Provider },
    chart: pulumi.Resource,
): k8s.batch.v1.Job {
    const saName = "cert-manager-webhook-check";
    const metadata = { name: saName, namespace: CERT_MANAGER_NAMESPACE };
    const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata }, { ...k8sOpts, dependsOn: [chart] });
    // The dry run creates a CertificateRequest; nothing else is granted.
    const role = new k8s.rbac.v1.Role(
        `${name}-role`,
        {
            metadata,
            rules: [
                { apiGroups: ["cert-manager.io"], resources: ["certificaterequests"], verbs: ["create"] },
            ],
        },
        { ...k8sOpts, dependsOn: [chart] },
    );
    const binding = new k8s.rbac.v1.RoleBinding(
        `${name}-binding`,
        {
            metadata,
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: saName },
            subjects: [{ kind: "ServiceAccount", name: saName, namespace: CERT_MANAGER_NAMESPACE }],
        },
        { ...k8sOpts, dependsOn: [role, sa] },
    );
    return new k8s.batch.v1.Job(
        name,
        {
            metadata,
            spec: {
                backoffLimit: 4,
                template: {
                    spec: {
                        serviceAccountName: saName,
                        restartPolicy: "OnFailure",
                        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                        containers: [
                            {
                                name: "check",
                                image: `quay.io/jetstack/cert-manager-startupapicheck:${version}`,
                                args: ["check", "api", "--wait=2m"],
                                env: [
                                    {
                                        name: "POD_NAMESPACE",
                                        valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                                    },
                                ],
                                securityContext: {
                                    allowPrivilegeEscalation: false,
                                    capabilities: { drop: ["ALL"] },
                                    readOnlyRootFilesystem: true,
                                },
                            },
                        ],
                    },
                },
            },
        },
        { ...k8sOpts, dependsOn: [chart, binding] },
    );
}
