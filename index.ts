// Entry point: read and validate all configuration first (nothing is registered if any value is
// bad), then build the platform and export what users and DNS need.
import * as pulumi from "@pulumi/pulumi";
import { readSettings, supportWarnings } from "./components/config";
import { awsConfigArgs } from "./components/awsProvider";
import { IstioEksPlatform } from "./components/platform";

const allConfig = pulumi.runtime.allConfig();
const settings = readSettings(allConfig, {
    stack: pulumi.getStack(),
    region: new pulumi.Config("aws").get("region"),
});

// A version past its support date is a warning, never a refusal (teams stay on a minor on purpose):
// today's date decides which, so the same stack warns more as its versions age.
for (const warning of supportWarnings(settings, new Date())) pulumi.log.warn(warning);

// The platform's AWS provider repeats the stack's aws: config (secrets stay secret) and adds the tags.
// isConfigSecret is exported by the SDK's runtime but not declared in its typings.
const isSecret: (key: string) => boolean = (pulumi.runtime as any).isConfigSecret ?? (() => false);
const platform = new IstioEksPlatform(pulumi.getProject(), {
    settings,
    awsConfig: awsConfigArgs(allConfig, isSecret),
});

/** Kubeconfig for kubectl (secret: it names the cluster endpoint and CA). */
export const kubeconfig = pulumi.secret(platform.kubeconfig);
/** EKS cluster name. */
export const clusterName = platform.clusterName;
/** DNS name of the NLB: point the application's hostnames here. */
export const nlbDnsName = platform.nlbDnsName;
/** ARN of the NLB. */
export const nlbArn = platform.nlbArn;
/** Canonical hosted zone id of the NLB, for Route 53 alias records. */
export const nlbZoneId = platform.nlbZoneId;
/** Namespace of the Istio ingress gateway. */
export const gatewayNamespace = platform.gatewayNamespace;
/** Service name of the Istio ingress gateway. */
export const gatewayServiceName = platform.gatewayServiceName;
/** Installed Istio version. */
export const istioVersion = platform.istioVersion;
/** The hostname the gateway serves (only when `hostname` is set). */
export const hostname = platform.hostname;
/** The URL of the hostname: https when a certificate is issued (only when `hostname` is set). */
export const url = platform.url;
