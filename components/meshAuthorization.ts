// Zero-trust mesh (`meshDefaultDeny`): an allow-nothing AuthorizationPolicy in Istio's root namespace
// (an ALLOW policy with no rules matches nothing, so every workload of the mesh refuses every request
// no other ALLOW policy admits), plus an explicit ALLOW for each path the program itself exposes:
//   NLB -> ingress gateway: from anywhere, on the NLB's ports (the root policy covers the gateway too:
//     the chart's pods by selector, and the Gateway API pods because istiod applies selector-less
//     policies to Gateway API gateways unless ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY is off);
//   ingress gateway -> sample app: the gateway's service-account principal only.
// mTLS STRICT (mesh.ts) stays: principals come from the peer's mTLS certificate.
//
// Ambient: ztunnel enforces the policies that select workloads, and only their L4 attributes
// (principals, namespaces, serviceAccounts, ipBlocks, ports; istiod's ambient conversion drops ALLOW
// rules with HTTP attributes, which would deny). Every rule here is L4 for that reason. A waypoint
// does not impersonate its clients: with one in the path, the sample's ztunnel sees the waypoint's
// identity, so the sample admits the waypoint, and the waypoint (which never applies selector or
// root-namespace policies, only targetRefs) admits the gateway for the sample's Service.
//
// Not affected by any of this: kubelet probes (the injector rewrites HTTP probes to the agent's
// port 15020, and ambient SNATs probes to 169.254.7.127, which bypasses ztunnel), the gateway's
// status port 15021 (a bootstrap listener without RBAC filters, where the NLB health-checks), and
// istiod's webhooks and xDS (istiod runs without a proxy).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ModesSettings } from "./config/modes";
import { GATEWAY_SELECTOR } from "./istio";
import { generatedServiceAccountName } from "./gatewayApi";
import { NLB_PORTS } from "./nlb";
import { WAYPOINT_NAME } from "./ambient";
import { ISTIO_ROOT_NAMESPACE, SAMPLE_APP, SAMPLE_LABELS, SAMPLE_NAMESPACE } from "./mesh";

/** The trust domain of the mesh's identities: istiod's default, which this program keeps. */
export const TRUST_DOMAIN = "cluster.local";

/** The SPIFFE-style principal of a service account, as AuthorizationPolicy `principals` match it. */
export function principal(namespace: string, serviceAccount: string): string {
    return `${TRUST_DOMAIN}/ns/${namespace}/sa/${serviceAccount}`;
}

/** An AuthorizationPolicy object (security.istio.io/v1). */
export interface AuthorizationPolicyObject {
    apiVersion: "security.istio.io/v1";
    kind: "AuthorizationPolicy";
    metadata: { name: string; namespace: string };
    spec: Record<string, unknown>;
}

function authorizationPolicy(
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
): AuthorizationPolicyObject {
    return {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: { name, namespace },
        spec,
    };
}

/** ALLOW requests whose peer is one of `principals` (L4: ztunnel enforces it). */
function allowFrom(principals: string[]): Record<string, unknown> {
    return { action: "ALLOW", rules: [{ from: [{ source: { principals } }] }] };
}

/** The ingress gateway as policies see it: where it runs, who it is, how a policy attaches to it. */
export interface GatewayIdentity {
    /** Namespace of the gateway. */
    namespace: string;
    /** Service account of its pods. */
    serviceAccount: string;
    /** The chart's pods by label (Istio API), or the Gateway by targetRef (Gateway API). */
    attachment: Record<string, unknown>;
}

/** The gateway of each ingress API: the chart's release, or the Gateway istiod deploys as `<name>-istio`. */
export function gatewayIdentity(
    ingressApi: ModesSettings["ingressApi"],
    namespace: string,
    gatewayName: string,
): GatewayIdentity {
    if (ingressApi === "istio") {
        // The gateway chart's service account is its release name; its pods carry GATEWAY_SELECTOR.
        return {
            namespace,
            serviceAccount: gatewayName,
            attachment: { selector: { matchLabels: { ...GATEWAY_SELECTOR } } },
        };
    }
    // targetRefs, the documented attachment for Gateway API gateways: it holds whatever the
    // selector-based-policy flag of istiod says.
    return {
        namespace,
        serviceAccount: generatedServiceAccountName(gatewayName),
        attachment: {
            targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gatewayName }],
        },
    };
}

/** Mesh-wide allow-nothing: in the root namespace, no selector, no rules. */
export function allowNothingPolicy(): AuthorizationPolicyObject {
    return authorizationPolicy(ISTIO_ROOT_NAMESPACE, "allow-nothing", {});
}

/** The gateway accepts the NLB's traffic from anywhere (the NLB's security group says who), on the NLB's ports. */
export function gatewayIngressPolicy(gw: GatewayIdentity): AuthorizationPolicyObject {
    return authorizationPolicy(gw.namespace, "allow-nlb-ingress", {
        ...gw.attachment,
        action: "ALLOW",
        rules: [{ to: [{ operation: { ports: NLB_PORTS.map(String) } }] }],
    });
}

/**
 * The sample app admits the gateway only. With a waypoint in the path (ambient): the sample's pods
 * admit their waypoint only, and the waypoint admits the gateway only for the sample's Service.
 */
export function samplePolicies(gw: GatewayIdentity, waypoint: boolean): AuthorizationPolicyObject[] {
    const gatewayPrincipal = principal(gw.namespace, gw.serviceAccount);
    if (!waypoint) {
        return [
            authorizationPolicy(SAMPLE_NAMESPACE, `${SAMPLE_APP}-allow-gateway`, {
                selector: { matchLabels: { ...SAMPLE_LABELS } },
                ...allowFrom([gatewayPrincipal]),
            }),
        ];
    }
    return [
        // Enforced by the sample's ztunnel, which sees the waypoint's identity: nothing may bypass it.
        authorizationPolicy(SAMPLE_NAMESPACE, `${SAMPLE_APP}-allow-waypoint`, {
            selector: { matchLabels: { ...SAMPLE_LABELS } },
            // istiod names a waypoint's service account after the Gateway (no class suffix).
            ...allowFrom([principal(SAMPLE_NAMESPACE, WAYPOINT_NAME)]),
        }),
        // Enforced by the waypoint for the sample's Service, with the original client's identity.
        authorizationPolicy(SAMPLE_NAMESPACE, `${SAMPLE_APP}-waypoint-allow-gateway`, {
            targetRefs: [{ group: "", kind: "Service", name: SAMPLE_APP }],
            ...allowFrom([gatewayPrincipal]),
        }),
    ];
}

/** Arguments of {@link MeshAuthorization}. */
export interface MeshAuthorizationArgs {
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** Ingress API: how the gateway is found and which service account it runs as. */
    ingressApi: ModesSettings["ingressApi"];
    /** Namespace of the gateway. */
    gatewayNamespace: string;
    /** Gateway name (chart release, or Gateway API Gateway). */
    gatewayName: string;
    /** The sample app is deployed: admit the gateway to it (and through its waypoint, if any). */
    sampleApp: boolean;
    /** Ambient: the sample namespace's traffic goes through a waypoint. */
    waypoint: boolean;
    /** What the policies wait for: istiod (CRDs, validation webhook) and the namespaces they live in. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The allow-nothing policy and the ALLOW policies of the program's own paths. */
export class MeshAuthorization extends pulumi.ComponentResource {
    /** The mesh-wide allow-nothing policy. */
    public readonly allowNothing: k8s.apiextensions.CustomResource;

    constructor(name: string, args: MeshAuthorizationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:meshAuthorization:MeshAuthorization", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
        const gw = gatewayIdentity(args.ingressApi, args.gatewayNamespace, args.gatewayName);
        const allows = [
            gatewayIngressPolicy(gw),
            ...(args.sampleApp ? samplePolicies(gw, args.waypoint) : []),
        ];
        const allowResources = allows.map(
            (policy) =>
                new k8s.apiextensions.CustomResource(`${name}-${policy.metadata.name}`, policy, k8sOpts),
        );
        // After the ALLOWs, so that turning this on in a running mesh never denies the program's own
        // paths in between (and on the way back, the deny goes first).
        this.allowNothing = new k8s.apiextensions.CustomResource(
            `${name}-allow-nothing`,
            allowNothingPolicy(),
            {
                ...k8sOpts,
                dependsOn: [...args.dependsOn, ...allowResources],
            },
        );
        this.registerOutputs({});
    }
}
