// The CrossGuard pack: `pulumi preview --policy-pack ./policies [--policy-pack-config config.json]`.
// Only this module constructs the PolicyPack (constructing one starts the analyzer's gRPC server).
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME } from "./lib/pack";
import { policies } from "./policies";

new PolicyPack(PACK_NAME, {
    description:
        "No ALB in front of an Istio ingress gateway on EKS (double Layer 7), and NLB hygiene for the gateway.",
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    policies,
});
