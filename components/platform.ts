// The top-level component: network (+ flow logs) -> (EKS | NLB in parallel) -> autoscaling
// (metrics-server, Karpenter) -> LBC -> Istio (+ istio-cni) -> hostname (DNS, certificate) ->
// ingress -> bindings -> mesh -> mesh authorization.
// The NLB depends on the network only; the cluster-side pieces join it at the TargetGroupBindings.
// The modes add steps: Gateway API CRDs before istiod, the ambient data plane after it, and a
// Gateway API Gateway instead of the gateway chart; the NLB path stays the same.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { awsProviderArgs, lookupAwsAccount } from "./awsProvider";
import { isAcme, istioCanary, needsGatewayApiCrds, onCanary, PlatformSettings, PROJECT } from "./config";
import { Network } from "./network";
import { Cluster } from "./cluster";
import { Nlb } from "./nlb";
import { LoadBalancerController } from "./loadBalancerController";
import { GatewayValuesInput, Istio } from "./istio";
import { TargetBinding } from "./targetBinding";
import { Mesh } from "./mesh";
import { MeshAuthorization } from "./meshAuthorization";
import { FlowLogs } from "./flowLogs";
import { GatewayApiCrds, GatewayApiIngress } from "./gatewayApi";
import { AmbientDataplane, ambientIstiodValues } from "./ambient";
import { IstioCni } from "./istioCni";
import { Dns } from "./dns";
import { CertManager } from "./certManager";
import { Certificates } from "./certificates";
import { HostGateway } from "./hostGateway";
import { MetricsServer } from "./metricsServer";
import { Karpenter } from "./karpenter";
import { AlarmTopic } from "./alarmTopic";
import { NlbAlarms } from "./nlbAlarms";
import { MeshTelemetry, MeshTelemetrySettings, meshExtensionProviders } from "./meshTelemetry";

/** Arguments of {@link IstioEksPlatform}. */
export interface IstioEksPlatformArgs {
    /** Validated settings (see `readSettings` in config/index.ts). */
    settings: PlatformSettings;
    /** The stack's `aws:` configuration for the platform's AWS provider (see `awsConfigArgs`); default: region only. */
    awsConfig?: Readonly<Record<string, pulumi.Input<unknown>>>;
}

/** The tags of every AWS resource: the platform's own, then the user's `tags` (which win). */
export function platformTags(settings: Pick<PlatformSettings, "stack" | "tags">): Record<string, string> {
    return { project: PROJECT, stack: settings.stack, "managed-by": "pulumi", ...settings.tags };
}

/**
 * The ingress gateway's shape, one object for whichever ingress API deploys it: the gateway chart's
 * values and the Gateway API gateway's overlays both render from it (istio.ts `gatewayValues`).
 */
export function gatewayShape(
    s: Pick<
        PlatformSettings,
        | "gatewayName"
        | "gatewayReplicas"
        | "gatewayMaxReplicas"
        | "nlbDeregistrationDelay"
        | "clientIpMode"
        | "gatewayNumTrustedProxies"
        | "istioCanaryVersion"
        | "istioCanaryWorkloads"
    >,
): GatewayValuesInput {
    const canary = istioCanary(s);
    return {
        // On the canary, the gateway's pods are injected by its revision; nothing else of it changes.
        ...(onCanary(canary, "gateway") ? { revision: canary!.revision } : {}),
        gatewayName: s.gatewayName,
        gatewayReplicas: s.gatewayReplicas,
        gatewayMaxReplicas: s.gatewayMaxReplicas,
        deregistrationDelay: s.nlbDeregistrationDelay,
        proxyProtocolV2: s.clientIpMode === "proxyProtocolV2",
        numTrustedProxies: s.gatewayNumTrustedProxies,
    };
}

/** Access logs whenever there is a metrics backend; tracing whenever a collector is named. */
export function meshTelemetrySettings(
    s: Pick<PlatformSettings, "observability" | "tracingEndpoint" | "tracingSamplingPercent">,
): MeshTelemetrySettings {
    return {
        accessLogs: s.observability !== "none",
        tracing: s.tracingEndpoint
            ? { ...s.tracingEndpoint, samplingPercent: s.tracingSamplingPercent }
            : undefined,
    };
}

/** EKS + Istio ingress gateway behind exactly one NLB. */
export class IstioEksPlatform extends pulumi.ComponentResource {
    /** Kubeconfig (JSON string), secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** EKS cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** NLB DNS name. */
    public readonly nlbDnsName: pulumi.Output<string>;
    /** NLB ARN. */
    public readonly nlbArn: pulumi.Output<string>;
    /** NLB canonical hosted zone id (Route 53 alias target). */
    public readonly nlbZoneId: pulumi.Output<string>;
    /** Gateway namespace. */
    public readonly gatewayNamespace: pulumi.Output<string>;
    /** Gateway Service name. */
    public readonly gatewayServiceName: pulumi.Output<string>;
    /** Istio version installed. */
    public readonly istioVersion: pulumi.Output<string>;
    /** The hostname served (the Route 53 record's FQDN when a zone is set); unset without a hostname. */
    public readonly hostname?: pulumi.Output<string>;
    /** `https://<hostname>` (`http://` with tls none); unset without a hostname. */
    public readonly url?: pulumi.Output<string>;

    constructor(name: string, args: IstioEksPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-eks-nlb:platform:IstioEksPlatform", name, {}, opts);
        const s = args.settings;
        const tags = platformTags(s);
        // Every AWS resource below, pulumi-eks's included, is created through this provider: its
        // default tags reach what no `tags` argument does (and are inherited by every child).
        const awsProvider = new aws.Provider(
            `${name}-aws`,
            awsProviderArgs(args.awsConfig ?? {}, s.region, tags),
            { parent: this },
        );
        const parent = { parent: this, providers: { aws: awsProvider } };
        // The partition and account every ARN below names, looked up once through that provider.
        const account = lookupAwsAccount({ parent: this, provider: awsProvider });

        const network = new Network(
            `${name}-network`,
            {
                clusterName: s.clusterName,
                azCount: s.azCount,
                vpcId: s.vpcId,
                publicSubnetIds: s.publicSubnetIds,
                privateSubnetIds: s.privateSubnetIds,
                vpcCidr: s.vpcCidr,
                natGateways: s.natGateways,
                tags,
            },
            parent,
        );

        // The network record the L4 NLB does not keep: every flow of the VPC, new or adopted.
        if (s.flowLogs) {
            new FlowLogs(
                `${name}-flow-logs`,
                {
                    vpcId: network.vpcId,
                    clusterName: s.clusterName,
                    region: s.region,
                    account,
                    retentionDays: s.flowLogRetentionDays,
                    tags,
                },
                parent,
            );
        }

        const nlb = new Nlb(
            `${name}-nlb`,
            {
                vpcId: network.vpcId,
                vpcCidr: network.vpcCidr,
                subnetIds:
                    s.nlbScheme === "internet-facing" ? network.publicSubnetIds : network.privateSubnetIds,
                scheme: s.nlbScheme,
                sourceCidrs: s.nlbSourceCidrs,
                deletionProtection: s.nlbDeletionProtection,
                deregistrationDelay: s.nlbDeregistrationDelay,
                clientIpMode: s.clientIpMode,
                // "InvalidSubnet: VPC ... has no internet gateway" otherwise, on a first deploy.
                waitFor: s.nlbScheme === "internet-facing" ? network.internetRouting : [],
                tags,
            },
            parent,
        );

        // The one topic every alarm and alert goes to, and the NLB's alarms: in every observability
        // mode, since they are the only signal the L4 side gives (nlbAlarms.ts).
        const alarmTopic = new AlarmTopic(
            `${name}-alarms`,
            {
                region: s.region,
                account,
                allowManagedPrometheus: s.observability === "managed",
                email: s.alarmEmail,
                tags,
            },
            parent,
        );
        new NlbAlarms(
            `${name}-nlb-alarms`,
            {
                loadBalancerArnSuffix: nlb.loadBalancer.arnSuffix,
                targetGroups: nlb.targetGroups.map((t) => ({
                    port: t.port,
                    arnSuffix: t.targetGroup.arnSuffix,
                })),
                gatewayMinReplicas: s.gatewayReplicas,
                topicArn: alarmTopic.topicArn,
                dependsOn: [alarmTopic.ready],
                tags,
            },
            parent,
        );

        const cluster = new Cluster(
            `${name}-cluster`,
            {
                clusterName: s.clusterName,
                kubernetesVersion: s.kubernetesVersion,
                vpcId: network.vpcId,
                publicSubnetIds: network.publicSubnetIds,
                privateSubnetIds: network.privateSubnetIds,
                instanceTypes: s.nodeInstanceTypes,
                minSize: s.nodeMinSize,
                desiredSize: s.nodeDesiredSize,
                maxSize: s.nodeMaxSize,
                endpointPublicAccess: s.endpointPublicAccess,
                endpointPrivateAccess: s.endpointPrivateAccess,
                publicAccessCidrs: s.endpointPublicAccessCidrs,
                logTypes: s.clusterLogTypes,
                secretsEncryption: s.secretsEncryption,
                logRetentionDays: s.clusterLogRetentionDays,
                clusterAdmins: s.clusterAdmins,
                account,
                tags,
            },
            parent,
        );

        // Autoscaling: the metrics API (every HPA needs it) and Karpenter for nodes, both after the
        // managed node group they run on. Two replicas of each need two managed nodes (the charts keep
        // them on separate hosts).
        const controllerReplicas = s.nodeMinSize >= 2 ? 2 : 1;
        new MetricsServer(
            `${name}-metrics-server`,
            {
                chartVersion: s.metricsServerChartVersion,
                replicas: controllerReplicas,
                provider: cluster.provider,
                dependsOn: [cluster.nodeGroup],
            },
            parent,
        );
        if (s.karpenterEnabled) {
            new Karpenter(
                `${name}-karpenter`,
                {
                    clusterName: s.clusterName,
                    region: s.region,
                    account,
                    oidcProviderArn: cluster.oidcProviderArn,
                    oidcIssuer: cluster.oidcIssuer,
                    nodeSecurityGroupId: cluster.nodeSecurityGroupId,
                    privateSubnetIds: network.privateSubnetIds,
                    chartVersion: s.karpenterChartVersion,
                    amiAlias: s.karpenterAmiAlias,
                    cpuLimit: s.karpenterCpuLimit,
                    memoryLimitGi: s.karpenterMemoryLimitGi,
                    instanceCategories: s.karpenterInstanceCategories,
                    capacityTypes: s.karpenterCapacityTypes,
                    replicas: controllerReplicas,
                    provider: cluster.provider,
                    dependsOn: [cluster.nodeGroup],
                    tags,
                },
                parent,
            );
        }

        const lbc = new LoadBalancerController(
            `${name}-lbc`,
            {
                clusterName: cluster.clusterName,
                region: s.region,
                vpcId: network.vpcId,
                oidcProviderArn: cluster.oidcProviderArn,
                oidcIssuer: cluster.oidcIssuer,
                targetGroupArns: nlb.targetGroups.map((t) => t.targetGroup.arn),
                chartVersion: s.lbcChartVersion,
                replicas: s.gatewayReplicas >= 2 ? 2 : 1,
                provider: cluster.provider,
                tags,
            },
            parent,
        );

        // Gateway API CRDs (the ingress, or a waypoint): before istiod, which watches them.
        const gatewayApiCrds = needsGatewayApiCrds(s)
            ? new GatewayApiCrds(
                  `${name}-gateway-api-crds`,
                  { version: s.gatewayApiVersion, provider: cluster.provider },
                  parent,
              )
            : undefined;
        const ambient = s.dataplaneMode === "ambient";
        const telemetry = meshTelemetrySettings(s);
        // A second istiod as its own revision while an Istio upgrade is canaried (docs/upgrades.md).
        const canary = istioCanary(s);

        const istio = new Istio(
            `${name}-istio`,
            {
                version: s.istioVersion,
                istiodReplicas: s.istiodReplicas,
                gatewayNamespace: s.gatewayNamespace,
                // With the Gateway API, istiod deploys the gateway instead of the chart.
                gateway: s.ingressApi === "istio" ? gatewayShape(s) : undefined,
                provider: cluster.provider,
                // The LBC webhook injects the NLB readiness gate into gateway pods: it must be up first.
                gatewayDependsOn: [lbc.chart],
                istiodExtraValues: ambient ? ambientIstiodValues() : undefined,
                istiodDependsOn: gatewayApiCrds ? [gatewayApiCrds] : undefined,
                meshExtensionProviders: meshExtensionProviders(telemetry),
                canary,
            },
            parent,
        );
        new MeshTelemetry(
            `${name}-telemetry`,
            { settings: telemetry, provider: cluster.provider, istiod: istio.istiod },
            parent,
        );

        // One Istio CNI node agent in every mode: ambient needs it, and it spares injected sidecar pods
        // the NET_ADMIN init container Pod Security baseline forbids.
        const cni = new IstioCni(
            `${name}-cni`,
            { version: s.istioVersion, ambient, provider: cluster.provider, istiod: istio.istiod },
            parent,
        );
        const dataplane = ambient
            ? new AmbientDataplane(
                  `${name}-ambient`,
                  { version: s.istioVersion, provider: cluster.provider, cni: cni.chart },
                  parent,
              )
            : undefined;

        // The hostname (config/tls.ts): an alias record that follows the NLB, and a certificate that
        // cert-manager issues into the gateway namespace, where TLS ends. The NLB stays TCP pass-through.
        const dns =
            s.hostname && s.hostedZoneId
                ? new Dns(
                      `${name}-dns`,
                      {
                          hostname: s.hostname,
                          hostedZoneId: s.hostedZoneId,
                          targetDnsName: nlb.dnsName,
                          targetZoneId: nlb.zoneId,
                          ipAddressType: nlb.ipAddressType,
                      },
                      parent,
                  )
                : undefined;

        let certificates: Certificates | undefined;
        if (s.tls !== "none") {
            const certManager = new CertManager(
                `${name}-cert-manager`,
                {
                    provider: cluster.provider,
                    dns01: isAcme(s.tls)
                        ? {
                              hostedZoneId: s.hostedZoneId,
                              hostname: s.hostname,
                              oidcProviderArn: cluster.oidcProviderArn,
                              oidcIssuer: cluster.oidcIssuer,
                              account,
                          }
                        : undefined,
                    tags,
                },
                parent,
            );
            certificates = new Certificates(
                `${name}-certificates`,
                {
                    mode: s.tls,
                    hostname: s.hostname,
                    acmeEmail: s.acmeEmail,
                    hostedZoneId: s.hostedZoneId,
                    region: s.region,
                    gatewayNamespace: istio.gatewayNamespace,
                    provider: cluster.provider,
                    webhookReady: certManager.webhookReady,
                },
                parent,
            );
        }

        const gatewayApi =
            s.ingressApi === "gatewayApi"
                ? new GatewayApiIngress(
                      `${name}-gateway-api`,
                      {
                          ...gatewayShape(s),
                          namespace: istio.gatewayNamespace,
                          tls: certificates
                              ? { hostname: s.hostname, secretName: certificates.secretName }
                              : undefined,
                          hostname: s.hostname || undefined,
                          provider: cluster.provider,
                          // istiod generates the pods: after it, the CRDs and the LBC's readiness-gate webhook.
                          dependsOn: [
                              gatewayApiCrds!,
                              istio.istiod,
                              ...(istio.canaryIstiod && onCanary(canary, "gateway")
                                  ? [istio.canaryIstiod]
                                  : []),
                              lbc.chart,
                          ],
                      },
                      parent,
                  )
                : undefined;
        // The gateway the NLB reaches: the chart's Service, or the one istiod generates for the Gateway.
        const gateway = gatewayApi
            ? { resource: gatewayApi.gateway, serviceName: gatewayApi.serviceName }
            : { resource: istio.gateway!, serviceName: istio.gatewayServiceName! };

        // With the Istio API, the hostname's Gateway (TLS ends there when there is a certificate).
        const hostGateway =
            s.hostname && !gatewayApi
                ? new HostGateway(
                      `${name}-host-gateway`,
                      {
                          hostname: s.hostname,
                          namespace: istio.gatewayNamespace,
                          credentialName: certificates?.secretName,
                          provider: cluster.provider,
                          dependsOn: [gateway.resource, ...(certificates ? [certificates.certificate] : [])],
                      },
                      parent,
                  )
                : undefined;

        new TargetBinding(
            `${name}-binding`,
            {
                nodeSecurityGroupId: cluster.nodeSecurityGroupId,
                nlbSecurityGroupId: nlb.securityGroupId,
                targetGroups: nlb.targetGroups.map((t) => ({
                    port: t.port,
                    targetGroupArn: t.targetGroup.arn,
                })),
                namespace: istio.gatewayNamespace,
                serviceName: gateway.serviceName,
                provider: cluster.provider,
                dependsOn: [lbc.chart, gateway.resource],
            },
            parent,
        );

        const mesh = new Mesh(
            `${name}-mesh`,
            {
                provider: cluster.provider,
                istiod: istio.istiod,
                gateway: gateway.resource,
                sampleApp: s.sampleApp,
                routeParent: gatewayApi?.routeParent,
                dataplaneMode: s.dataplaneMode,
                // Workloads wait for their data plane: ztunnel (ambient), or the CNI agent their sidecars need.
                dataplane: dataplane?.ztunnel ?? cni.chart,
                waypoint: s.ambientWaypoint,
                sampleRevision:
                    istio.canaryIstiod && onCanary(canary, "sample")
                        ? { name: canary!.revision, istiod: istio.canaryIstiod }
                        : undefined,
                hostRoute: hostGateway ? { hostname: s.hostname, gateway: hostGateway.ref } : undefined,
            },
            parent,
        );

        // Zero trust: nothing in the mesh is reachable unless allowed; the program allows its own paths.
        if (s.meshDefaultDeny) {
            new MeshAuthorization(
                `${name}-mesh-authz`,
                {
                    provider: cluster.provider,
                    ingressApi: s.ingressApi,
                    gatewayNamespace: s.gatewayNamespace,
                    gatewayName: s.gatewayName,
                    sampleApp: s.sampleApp,
                    waypoint: s.ambientWaypoint,
                    dependsOn: [
                        istio.istiod,
                        gateway.resource,
                        ...(mesh.sampleNamespace ? [mesh.sampleNamespace] : []),
                    ],
                },
                parent,
            );
        }

        this.kubeconfig = cluster.kubeconfig;
        this.clusterName = cluster.clusterName;
        this.nlbDnsName = nlb.dnsName;
        this.nlbArn = nlb.arn;
        this.nlbZoneId = nlb.zoneId;
        this.gatewayNamespace = istio.gatewayNamespace;
        this.gatewayServiceName = gateway.serviceName;
        this.istioVersion = pulumi.output(s.istioVersion);
        if (s.hostname) {
            this.hostname = dns ? dns.fqdn : pulumi.output(s.hostname);
            this.url = pulumi.interpolate`${s.tls === "none" ? "http" : "https"}://${this.hostname}`;
        }
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            nlbDnsName: this.nlbDnsName,
            nlbArn: this.nlbArn,
            nlbZoneId: this.nlbZoneId,
            gatewayNamespace: this.gatewayNamespace,
            gatewayServiceName: this.gatewayServiceName,
            istioVersion: this.istioVersion,
            hostname: this.hostname,
            url: this.url,
        });
    }
}
