// The guardrail's analysis, as the pack's policies, the offline checker and `npm run plan` import it.
// The parts: stackIndex.ts (the builder: typed nodes from the engine's resources), recognisers/ (per
// source of truth: why a resource is an ALB, a registration, an Istio gateway), gateways.ts (the
// gateway-kind nodes under a config), traffic.ts (the typed graph), edges/ (its edge rules, each edge
// with its evidence), search.ts (the one search from ALB-kind origins to gateway-kind targets) and
// analysis.ts (all of them for one stack and config).
export { analyze, Analysis } from "./analysis";
export type { AwsPath, Chain, GatewayTarget, Hop, K8sMeta, Name, Reach } from "./model";
export { formatHop, hopIdentifiers, hopOf, targetHops } from "./model";
export type { IngressBackend } from "./recognisers/loadBalancerController";
export { chartService, isIstioGatewayChart } from "./recognisers/istio";
export { clusterDnsService } from "./recognisers/kubernetes";
export { targetGroupNameOfArn } from "./recognisers/elb";
export { StackIndex } from "./stackIndex";
