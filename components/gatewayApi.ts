// Ingress through the Kubernetes Gateway API (`ingressApi: gatewayApi`). The Gateway API CRDs are
// installed from the pinned release's standard-channel manifest; the ingress is a
// gateway.networking.k8s.io/v1 Gateway of class `istio`, for which istiod's deployment controller
// generates the Deployment and Service `<gateway name>-istio`. That Service is ClusterIP (the
// `networking.istio.io/service-type` annotation istiod reads on the Gateway's metadata in 1.27), so
// no controller turns it into a second load balancer: the Pulumi NLB reaches the pods through
// TargetGroupBindings, exactly as in `ingressApi: istio`. The production details the gateway chart
// gets as values (replicas, HPA, PDB, zone spread, drain timing, PROXY protocol) reach the generated
// objects as strategic-merge overlays in the ConfigMap the Gateway names in
// `spec.infrastructure.parametersRef` (keys read by istiod 1.27: deployment, service,
// serviceAccount, horizontalPodAutoscaler, podDisruptionBudget; the last two exist only when set).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { gatewayValues, GatewayValuesInput } from "./istio";

/** The label istiod puts on a generated gateway's pods and selects them by. */
export const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
/** The GatewayClass istiod serves for ingress gateways. */
export const ISTIO_GATEWAY_CLASS = "istio";

/** The standard-channel install manifest of a Gateway API release (CRDs only, no controller). */
export function gatewayApiCrdsUrl(version: string): string {
    return `https://github.com/kubernetes-sigs/gateway-api/releases/download/v${version}/standard-install.yaml`;
}

/** The Service (and Deployment) name istiod generates for a Gateway of class `istio`. */
export function generatedServiceName(gatewayName: string): string {
    return `${gatewayName}-istio`;
}

/**
 * The service account of the pods istiod generates for a Gateway of class `istio`: the same name as
 * its Service and Deployment (istiod 1.27 deploymentcontroller.go: one default name, `<name>-<class>`).
 */
export function generatedServiceAccountName(gatewayName: string): string {
    return generatedServiceName(gatewayName);
}

/** Arguments of {@link GatewayApiCrds}. */
export interface GatewayApiCrdsArgs {
    /** Pinned Gateway API release, `x.y.z` (the standard channel of that release is installed). */
    version: string;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
}

/**
 * The Gateway API CRDs (standard channel) as Pulumi resources. The Kubernetes provider reads the
 * pinned release manifest at `pulumi up`/`preview` time (yaml/v2 is resolved by the provider, not by
 * this program), so nothing is vendored and the program itself never downloads anything; under mocks
 * it is one resource whose inputs name the pinned file.
 */
export class GatewayApiCrds extends pulumi.ComponentResource {
    /** The manifest: istiod and every Gateway API object depend on it. */
    public readonly manifest: k8s.yaml.v2.ConfigFile;

    constructor(name: string, args: GatewayApiCrdsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:gatewayApi:GatewayApiCrds", name, {}, opts);
        this.manifest = new k8s.yaml.v2.ConfigFile(
            `${name}-standard`,
            { file: gatewayApiCrdsUrl(args.version) },
            { parent: this, provider: args.provider },
        );
        this.registerOutputs({});
    }
}

/** TLS on the Gateway: the HTTPS listener's hostname and the Secret (gateway namespace) it serves. */
export interface GatewayTls {
    /** FQDN served on 443; port 80 redirects to it. */
    hostname: string;
    /** Name of the kubernetes.io/tls Secret in the gateway namespace. */
    secretName: pulumi.Input<string>;
}

/** Where routes attach: the Gateway and the listener (section) that serves the application. */
export interface GatewayRouteParent {
    /** Gateway name. */
    name: string;
    /** Gateway namespace. */
    namespace: pulumi.Input<string>;
    /** Listener name: `https` with TLS, `http` without. */
    sectionName: string;
    /** Hostname the routes should claim (TLS only). */
    hostname?: string;
}

/** Arguments of {@link GatewayApiIngress}. */
export interface GatewayApiIngressArgs extends GatewayValuesInput {
    /** Namespace of the Gateway; istiod creates the Deployment and Service there. */
    namespace: pulumi.Input<string>;
    /** HTTPS on 443 with a certificate Secret; undefined serves HTTP on 80 only (443 stays closed). */
    tls?: GatewayTls;
    /** Without TLS: the FQDN the HTTP listener and the routes claim (default: every host). */
    hostname?: string;
    /** Kubernetes provider of the cluster. */
    provider: k8s.Provider;
    /** What the Gateway waits for: the CRDs, istiod (its deployment controller) and the LBC webhook. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

type Values = Record<string, any>;

/** YAML as istiod reads it (sigs.k8s.io/yaml): plain, no anchors for repeated objects. */
const yaml = (v: unknown): string => stringify(v, { aliasDuplicateObjects: false });

/**
 * The parametersRef ConfigMap data: the gateway chart's production values (one source,
 * {@link gatewayValues}) as overlays on what istiod generates. Pure, so tests read it directly.
 */
export function gatewayParameters(
    args: GatewayValuesInput & { httpsListener: boolean },
): Record<string, string> {
    const v: Values = gatewayValues(args);
    const selector = { matchLabels: { [GATEWAY_NAME_LABEL]: args.gatewayName } };
    const autoscaled = v.autoscaling?.enabled === true;
    const env = Object.entries((v.env ?? {}) as Record<string, string>).map(([name, value]) => ({
        name,
        value,
    }));
    const deployment = {
        spec: {
            // With an HPA the HPA owns the replica count; istiod re-applies this object on every change.
            ...(autoscaled ? {} : { replicas: v.replicaCount }),
            template: {
                metadata: { annotations: v.podAnnotations },
                spec: {
                    terminationGracePeriodSeconds: v.terminationGracePeriodSeconds,
                    // Pod Security restricted, as for the chart's gateway.
                    securityContext: v.securityContext,
                    ...(v.topologySpreadConstraints?.length
                        ? {
                              // Same spread as the chart, selecting the generated pods by their own label.
                              topologySpreadConstraints: (v.topologySpreadConstraints as Values[]).map(
                                  (t) => ({
                                      ...t,
                                      labelSelector: selector,
                                  }),
                              ),
                          }
                        : {}),
                    containers: [
                        {
                            name: "istio-proxy",
                            resources: v.resources,
                            securityContext: v.containerSecurityContext,
                            ...(env.length ? { env } : {}),
                        },
                    ],
                },
            },
        },
    };
    const data: Record<string, string> = { deployment: yaml(deployment) };
    if (!args.httpsListener) {
        // The NLB forwards 443 to the Service in every mode: keep the port (closed in Envoy until an
        // HTTPS listener exists) so the 443 TargetGroupBinding resolves, as the chart's Service does.
        data.service = yaml({ spec: { ports: [{ name: "https", port: 443, protocol: "TCP" }] } });
    }
    if (autoscaled) {
        data.horizontalPodAutoscaler = yaml({
            spec: {
                minReplicas: v.autoscaling.minReplicas,
                maxReplicas: v.autoscaling.maxReplicas,
                metrics: [
                    {
                        type: "Resource",
                        resource: {
                            name: "cpu",
                            target: {
                                type: "Utilization",
                                averageUtilization: v.autoscaling.targetCPUUtilizationPercentage,
                            },
                        },
                    },
                ],
            },
        });
    }
    if (v.podDisruptionBudget && Object.keys(v.podDisruptionBudget).length > 0) {
        data.podDisruptionBudget = yaml({ spec: v.podDisruptionBudget });
    }
    return data;
}

/** The Gateway's listeners: HTTP on 80, plus HTTPS on 443 terminating with the certificate Secret. */
export function gatewayListeners(tls: GatewayTls | undefined, hostname?: string): Values[] {
    // Routes from any namespace may attach, as any namespace may bind an Istio Gateway to the
    // gateway pods in `ingressApi: istio`.
    const allowedRoutes = { namespaces: { from: "All" } };
    if (!tls)
        return [
            { name: "http", port: 80, protocol: "HTTP", ...(hostname ? { hostname } : {}), allowedRoutes },
        ];
    return [
        { name: "http", port: 80, protocol: "HTTP", hostname: tls.hostname, allowedRoutes },
        {
            name: "https",
            port: 443,
            protocol: "HTTPS",
            hostname: tls.hostname,
            tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: tls.secretName }] },
            allowedRoutes,
        },
    ];
}

/** An HTTPRoute spec sending everything on `parent` to one Service port. */
export function httpRouteSpec(parent: GatewayRouteParent, backend: { name: string; port: number }): Values {
    return {
        parentRefs: [{ name: parent.name, namespace: parent.namespace, sectionName: parent.sectionName }],
        ...(parent.hostname ? { hostnames: [parent.hostname] } : {}),
        rules: [{ backendRefs: [{ name: backend.name, port: backend.port }] }],
    };
}

/** The ingress Gateway of class `istio`, its parameters, and (with TLS) the HTTP -> HTTPS redirect. */
export class GatewayApiIngress extends pulumi.ComponentResource {
    /** The Gateway (TargetGroupBindings and routes depend on it: it is Programmed once its Service serves). */
    public readonly gateway: k8s.apiextensions.CustomResource;
    /** The Service istiod generates: `<gateway name>-istio`. */
    public readonly serviceName: pulumi.Output<string>;
    /** Where application routes attach. */
    public readonly routeParent: GatewayRouteParent;

    constructor(name: string, args: GatewayApiIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:gatewayApi:GatewayApiIngress", name, {}, opts);
        const k8sOpts = { parent: this, provider: args.provider };
        const paramsName = `${args.gatewayName}-parameters`;

        const params = new k8s.core.v1.ConfigMap(
            `${name}-parameters`,
            {
                metadata: { name: paramsName, namespace: args.namespace },
                data: gatewayParameters({ ...args, httpsListener: args.tls !== undefined }),
            },
            k8sOpts,
        );
        this.gateway = new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: {
                    name: args.gatewayName,
                    namespace: args.namespace,
                    // The revision whose istiod deploys the gateway (istio.io/rev); none: the default one.
                    ...(args.revision ? { labels: { "istio.io/rev": args.revision } } : {}),
                    annotations: {
                        // Read by istiod 1.27 from the Gateway's own annotations (default LoadBalancer).
                        "networking.istio.io/service-type": "ClusterIP",
                        // Programmed = the generated Service exists and has ready endpoints: only then
                        // may the TargetGroupBindings point at it.
                        "pulumi.com/waitFor": "condition=Programmed",
                    },
                },
                spec: {
                    gatewayClassName: ISTIO_GATEWAY_CLASS,
                    infrastructure: { parametersRef: { group: "", kind: "ConfigMap", name: paramsName } },
                    listeners: gatewayListeners(args.tls, args.hostname),
                },
            },
            // After its parameters: istiod refuses to render a Gateway whose ConfigMap is missing.
            { ...k8sOpts, dependsOn: [...args.dependsOn, params] },
        );
        this.routeParent = {
            name: args.gatewayName,
            namespace: args.namespace,
            sectionName: args.tls ? "https" : "http",
            hostname: args.tls?.hostname ?? args.hostname,
        };
        if (args.tls) {
            new k8s.apiextensions.CustomResource(
                `${name}-https-redirect`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: { name: `${args.gatewayName}-https-redirect`, namespace: args.namespace },
                    spec: {
                        parentRefs: [{ name: args.gatewayName, sectionName: "http" }],
                        hostnames: [args.tls.hostname],
                        rules: [
                            {
                                filters: [
                                    {
                                        type: "RequestRedirect",
                                        requestRedirect: { scheme: "https", statusCode: 301 },
                                    },
                                ],
                            },
                        ],
                    },
                },
                { ...k8sOpts, dependsOn: [this.gateway] },
            );
        }
        this.serviceName = pulumi.output(generatedServiceName(args.gatewayName));
        this.registerOutputs({ serviceName: this.serviceName });
    }
}
