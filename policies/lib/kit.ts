// Building blocks for the pack's stack policies: config with defaults, the shared analysis, reporting.
import type {
    PolicyConfigSchema,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { GatewayConfig, gatewayConfigProperties, readGatewayConfig } from "./config";
import { Analysis, analyze, GatewayTarget, Hop, hopOf } from "./graph";
import { get, str, strMap, Unk, UNK } from "./props";
import { Finding, reportFinding } from "./report";
import type { EnforcementLevel } from "./types";

export interface PolicyMeta {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    remediationSteps: string;
    severity?: "low" | "medium" | "high" | "critical";
    url?: string;
    tags?: string[];
    /** Extra configSchema properties (the gateway and exemption ones are always there). */
    extraConfig?: PolicyConfigSchema["properties"];
    /** Every finding is advisory whatever level the pack config sets: the policy informs, never blocks. */
    advisoryOnly?: boolean;
}

export interface Ctx {
    analysis: Analysis;
    config: GatewayConfig;
    raw: Record<string, unknown>;
    /**
     * Reports a finding (exempted findings become advisory with the reason). Its remediation is the
     * policy's `remediationSteps`, so every violation carries the steps the pack lists for it.
     */
    report(f: Omit<Finding, "remediation">): void;
}

/**
 * A stack policy of the pack. `defaults` are config values used when getConfig() lacks them (the
 * engine's analyzer applies no schema defaults itself; the CLI does).
 */
export function gatewayStackPolicy(
    meta: PolicyMeta,
    run: (ctx: Ctx) => void,
    defaults: Record<string, unknown> = {},
): StackValidationPolicy {
    return {
        name: meta.name,
        description: meta.description,
        enforcementLevel: meta.enforcementLevel,
        remediationSteps: meta.remediationSteps,
        severity: meta.severity,
        tags: meta.tags,
        configSchema: {
            properties: withDefaults({ ...gatewayConfigProperties, ...(meta.extraConfig ?? {}) }, defaults),
        },
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const raw = { ...defaults, ...((args.getConfig() as Record<string, unknown>) ?? {}) };
            const config = readGatewayConfig(raw);
            const analysis = analyze(args.resources, config);
            const sink = meta.advisoryOnly ? advisoryOnly(report, meta.description) : report;
            run({
                analysis,
                config,
                raw,
                report: (f) =>
                    reportFinding(sink, meta.description, config.exemptions, {
                        ...f,
                        remediation: meta.remediationSteps,
                    }),
            });
        },
    };
}

/**
 * A report function that files every violation as advisory (the analyzer honours a violation's own
 * level), with the message the analyzer would have built from the description.
 */
function advisoryOnly(report: ReportViolation, description: string): ReportViolation {
    return ((message: any, urn?: string) =>
        report(
            (typeof message === "object"
                ? { ...message, enforcementLevel: "advisory" }
                : {
                      message: message ? `${description}\n${message}` : description,
                      urn,
                      enforcementLevel: "advisory",
                  }) as any,
        )) as ReportViolation;
}

/** Schema properties with `defaults` as their `default` (so the CLI and the analyzer agree). */
function withDefaults(
    props: PolicyConfigSchema["properties"],
    defaults: Record<string, unknown>,
): PolicyConfigSchema["properties"] {
    const out: PolicyConfigSchema["properties"] = {};
    for (const [k, v] of Object.entries(props)) {
        out[k] = k in defaults ? { ...v, default: defaults[k] as any } : v;
    }
    return out;
}

/** The load-balancer settings of a gateway Service (declared, or in gateway chart values). */
export interface GatewayLbService {
    target: GatewayTarget;
    /** Where the settings live: the Service, or the Helm Release/Chart. */
    urn: string;
    hops: Hop[];
    /** Path of the settings, for messages: `metadata.annotations` or `values.service.annotations`. */
    annotationsAt: string;
    type: string | Unk;
    annotations: Map<string, string>;
    annotationsUnknown: boolean;
    loadBalancerClass: string | Unk | undefined;
}

/** Gateway Services (declared in the stack, or rendered from gateway chart values) and their LB settings. */
export function gatewayLbServices(a: Analysis): GatewayLbService[] {
    const out: GatewayLbService[] = [];
    for (const t of a.targets) {
        const r = t.resource;
        if (!r) continue;
        if (t.source === "service") {
            const ann = strMap(r.props, "metadata", "annotations");
            out.push({
                target: t,
                urn: r.urn,
                hops: [t.hop],
                annotationsAt: "metadata.annotations",
                type: str(r.props, "spec", "type") ?? "ClusterIP",
                annotations: ann.map,
                annotationsUnknown: ann.unknown,
                loadBalancerClass: str(r.props, "spec", "loadBalancerClass"),
            });
        } else if (t.source === "istioGateway") {
            // Istio provisions this Service for a Gateway API Gateway of class istio: it copies
            // spec.infrastructure.annotations (or, without them, the Gateway's own annotations) and
            // takes the type from the networking.istio.io/service-type annotation (LoadBalancer by
            // default). A parametersRef can overlay anything, so its Service is then not judged.
            const infra = get(r.props, "spec", "infrastructure", "annotations") !== undefined;
            const own = strMap(r.props, "metadata", "annotations");
            const ann = infra ? strMap(r.props, "spec", "infrastructure", "annotations") : own;
            const params = get(r.props, "spec", "infrastructure", "parametersRef");
            out.push({
                target: t,
                urn: r.urn,
                hops: [
                    hopOf(r, {
                        k8s: a.index.k8sName(r),
                        note: "Istio provisions its Service from this Gateway",
                    }),
                    t.hop,
                ],
                annotationsAt: infra
                    ? "spec.infrastructure.annotations"
                    : "metadata.annotations (Istio copies them to the Service)",
                type: own.map.get("networking.istio.io/service-type") ?? (own.unknown ? UNK : "LoadBalancer"),
                annotations: ann.map,
                annotationsUnknown: ann.unknown || params !== undefined,
                loadBalancerClass: undefined,
            });
        } else if (t.source === "chart") {
            const ann = strMap(r.props, "values", "service", "annotations");
            out.push({
                target: t,
                urn: r.urn,
                hops: [hopOf(r, { note: "Istio gateway chart; values.service" }), t.hop],
                annotationsAt: "values.service.annotations",
                // The gateway chart's default service.type is LoadBalancer.
                type: str(r.props, "values", "service", "type") ?? "LoadBalancer",
                annotations: ann.map,
                annotationsUnknown: ann.unknown,
                loadBalancerClass: str(r.props, "values", "service", "loadBalancerClass"),
            });
        }
    }
    return out;
}

export const ANN = "service.beta.kubernetes.io/";
export const NLB_TYPES = ["external", "nlb", "nlb-ip"];

/** Service loadBalancerClass values that make an NLB: the AWS Load Balancer Controller's, EKS Auto Mode's. */
export const NLB_CLASSES = ["service.k8s.aws/nlb", "eks.amazonaws.com/nlb"];

/** True when the Service's settings ask the AWS Load Balancer Controller, EKS Auto Mode (or in-tree) for an NLB. */
export function asksForNlb(s: GatewayLbService): boolean {
    const t = s.annotations.get(`${ANN}aws-load-balancer-type`);
    return (
        (typeof s.loadBalancerClass === "string" && NLB_CLASSES.includes(s.loadBalancerClass)) ||
        (t !== undefined && NLB_TYPES.includes(t))
    );
}

export { UNK };
