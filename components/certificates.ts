// The certificate of the platform's hostname: a cert-manager ClusterIssuer (Let's Encrypt over ACME
// with the DNS-01 challenge in Route 53, or self-signed) and a Certificate whose Secret lives in the
// gateway's namespace, where Istio reads `credentialName` secrets. TLS therefore ends at the Istio
// gateway; the NLB only ever forwards TCP.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { TlsMode } from "./config";

/** Let's Encrypt ACME directories. */
export const ACME_SERVERS = {
    letsencryptStaging: "https://acme-staging-v02.api.letsencrypt.org/directory",
    letsencrypt: "https://acme-v02.api.letsencrypt.org/directory",
} as const;

/** ClusterIssuer name per mode. */
export const ISSUER_NAMES: Record<Exclude<TlsMode, "none">, string> = {
    selfSigned: "selfsigned",
    letsencryptStaging: "letsencrypt-staging",
    letsencrypt: "letsencrypt",
};

/** The Secret (in the gateway namespace) that holds the hostname's key and certificate. */
export const CERTIFICATE_SECRET_NAME = "ingress-tls";

/** What the issuer needs to know; the ACME fields are used by the Let's Encrypt modes only. */
export interface IssuerInput {
    /** Issuance mode. */
    mode: Exclude<TlsMode, "none">;
    /** The hostname certificates are issued for (the DNS-01 solver answers for it only). */
    hostname: string;
    /** ACME account email. */
    acmeEmail: string;
    /** Route 53 hosted zone of the DNS-01 challenge record. */
    hostedZoneId: string;
    /** AWS region for the Route 53 client (Route 53 is global; the SDK still needs one). */
    region: string;
}

/** The ClusterIssuer object (pure, validated against cert-manager's CRD schema in tests). */
export function clusterIssuer(input: IssuerInput): Record<string, any> {
    const metadata = { name: ISSUER_NAMES[input.mode] };
    if (input.mode === "selfSigned") {
        return {
            apiVersion: "cert-manager.io/v1",
            kind: "ClusterIssuer",
            metadata,
            spec: { selfSigned: {} },
        };
    }
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata,
        spec: {
            acme: {
                server: ACME_SERVERS[input.mode],
                email: input.acmeEmail,
                // The ACME account key, created by cert-manager in its own namespace.
                privateKeySecretRef: { name: `${ISSUER_NAMES[input.mode]}-account-key` },
                solvers: [
                    {
                        // Only for our hostname, so no other certificate can make it write records.
                        selector: { dnsNames: [input.hostname] },
                        dns01: {
                            // Credentials are ambient (IRSA on the controller); the zone is fixed, so
                            // cert-manager never has to search for it.
                            route53: { region: input.region, hostedZoneID: input.hostedZoneId },
                        },
                    },
                ],
            },
        },
    };
}

/** The Certificate object for `hostname`, its Secret in `namespace` (pure, schema-checked in tests). */
export function certificate(
    mode: Exclude<TlsMode, "none">,
    hostname: string,
    namespace: pulumi.Input<string>,
): Record<string, any> {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: CERTIFICATE_SECRET_NAME, namespace },
        spec: {
            secretName: CERTIFICATE_SECRET_NAME,
            dnsNames: [hostname],
            // Self-signed leaves carry the name in the subject too, for clients that still read it.
            ...(mode === "selfSigned" ? { commonName: hostname } : {}),
            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: ISSUER_NAMES[mode] },
            // A new key at every renewal: a leaked key stops being useful when the certificate rotates.
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        },
    };
}

/** Arguments of {@link Certificates}. */
export interface CertificatesArgs extends IssuerInput {
    /** Namespace of the gateway pods: Istio reads `credentialName` secrets from there. */
    gatewayNamespace: pulumi.Input<string>;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** cert-manager's webhook readiness check (CertManager.webhookReady): both objects wait for it. */
    webhookReady: pulumi.Resource;
}

/** The ClusterIssuer and the hostname's Certificate. */
export class Certificates extends pulumi.ComponentResource {
    /** The ClusterIssuer. */
    public readonly issuer: k8s.apiextensions.CustomResource;
    /** The Certificate. */
    public readonly certificate: k8s.apiextensions.CustomResource;
    /** The Secret Istio serves from (`credentialName`). */
    public readonly secretName: string;

    constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:certificates:Certificates", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };

        this.issuer = new k8s.apiextensions.CustomResource(`${name}-issuer`, clusterIssuer(args) as any, {
            ...k8sOpts,
            dependsOn: [args.webhookReady],
        });
        this.certificate = new k8s.apiextensions.CustomResource(
            `${name}-certificate`,
            certificate(args.mode, args.hostname, args.gatewayNamespace) as any,
            // The namespace comes in as an Output of the gateway Namespace: created after it, too.
            { ...k8sOpts, dependsOn: [args.webhookReady, this.issuer] },
        );
        this.secretName = CERTIFICATE_SECRET_NAME;
        this.registerOutputs({});
    }
}
