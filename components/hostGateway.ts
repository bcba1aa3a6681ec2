// The Istio Gateway that serves the platform's hostname on the ingress gateway pods. With a
// certificate, TLS ends here (443, SIMPLE, the cert-manager Secret as credentialName) and port 80
// only redirects to HTTPS; without one it serves the hostname on plain HTTP. Applications bind their
// VirtualServices to it as `<namespace>/<name>`.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { GATEWAY_SELECTOR } from "./istio";

/** Name of the Istio Gateway (in the gateway namespace). */
export const HOST_GATEWAY_NAME = "ingress";

/**
 * An Istio Gateway on the ingress gateway pods (pure, validated against Istio's CRD schema in tests):
 * HTTP on 80 for `hosts`, or with a certificate HTTPS on 443 and 80 redirecting to it.
 */
export function istioGatewayObject(
    name: string,
    namespace: pulumi.Input<string>,
    hosts: string[],
    credentialName?: string,
): Record<string, any> {
    const servers: Record<string, unknown>[] = credentialName
        ? [
              { port: { number: 80, name: "http", protocol: "HTTP" }, hosts, tls: { httpsRedirect: true } },
              {
                  port: { number: 443, name: "https", protocol: "HTTPS" },
                  hosts,
                  tls: { mode: "SIMPLE", credentialName, minProtocolVersion: "TLSV1_2" },
              },
          ]
        : [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts }];
    return {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: { name, namespace },
        spec: { selector: GATEWAY_SELECTOR, servers },
    };
}

/** The hostname's Istio Gateway object. */
export function hostGateway(
    hostname: string,
    namespace: pulumi.Input<string>,
    credentialName?: string,
): Record<string, any> {
    return istioGatewayObject(HOST_GATEWAY_NAME, namespace, [hostname], credentialName);
}

/** Arguments of {@link HostGateway}. */
export interface HostGatewayArgs {
    /** The FQDN served. */
    hostname: string;
    /** Namespace of the gateway pods (and of the certificate Secret). */
    namespace: pulumi.Input<string>;
    /** The certificate Secret; unset: plain HTTP on 80. */
    credentialName?: string;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** The Istio charts (CRDs and the gateway pods it selects) and the certificate, when there is one. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The hostname's Istio Gateway. */
export class HostGateway extends pulumi.ComponentResource {
    /** The Istio Gateway. */
    public readonly gateway: k8s.apiextensions.CustomResource;
    /** `namespace/name`, as VirtualServices reference it. */
    public readonly ref: pulumi.Output<string>;

    constructor(name: string, args: HostGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:hostGateway:HostGateway", name, {}, opts);
        this.gateway = new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            hostGateway(args.hostname, args.namespace, args.credentialName) as any,
            { parent: this, provider: args.provider, dependsOn: args.dependsOn },
        );
        this.ref = pulumi.interpolate`${args.namespace}/${HOST_GATEWAY_NAME}`;
        this.registerOutputs({ ref: this.ref });
    }
}
