// Config shared by the pack's policies: gateway recognition and exemptions.
import type { PolicyConfigSchema } from "@pulumi/policy";

export const DEFAULT_GATEWAY_SERVICE_NAMES = ["istio-ingressgateway", "istio-ingress"];

export interface Exemption {
    /** A Pulumi resource name, a Kubernetes `namespace/name`, or a URN; `*` matches any run of characters. */
    resource: string;
    reason: string;
}

export interface GatewayConfig {
    /** Service names taken to be the gateway when the Service itself is not in the stack. */
    gatewayServiceNames: string[];
    /** Extra labels (key -> value, `*` for any value) marking a gateway Service (labels or selector). */
    gatewayLabels: Record<string, string>;
    exemptions: Exemption[];
}

/** The configSchema properties every policy of the pack accepts. */
export const gatewayConfigProperties: PolicyConfigSchema["properties"] = {
    gatewayServiceNames: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: DEFAULT_GATEWAY_SERVICE_NAMES,
        description:
            "Names of the Istio gateway Service, used when the Service itself is not in the stack (matched in the referring object's namespace).",
    },
    gatewayLabels: {
        type: "object",
        additionalProperties: { type: "string" },
        default: {},
        description:
            'Extra labels marking an Istio gateway Service, in its labels or selector ("*" matches any value). Built in: istio=ingressgateway, app=istio-ingressgateway, istio.io/gateway-name, the gateway chart labels.',
    },
    exemptions: {
        type: "array",
        default: [],
        items: {
            type: "object",
            properties: {
                resource: { type: "string", minLength: 1 },
                reason: { type: "string", minLength: 1 },
            },
            required: ["resource", "reason"],
            additionalProperties: false,
        },
        description:
            "Accepted findings: {resource, reason}. `resource` is a resource name, namespace/name or URN (`*` wildcard) of any hop of the finding. Exempted findings are still reported, as advisory, with the reason.",
    },
};

/** Reads the gateway config from `getConfig()`, applying defaults (the engine applies none itself). */
export function readGatewayConfig(raw: Record<string, unknown> | undefined): GatewayConfig {
    const c = raw ?? {};
    const names = Array.isArray(c.gatewayServiceNames)
        ? (c.gatewayServiceNames as unknown[]).filter((x): x is string => typeof x === "string")
        : DEFAULT_GATEWAY_SERVICE_NAMES;
    const labels: Record<string, string> = {};
    if (c.gatewayLabels && typeof c.gatewayLabels === "object") {
        for (const [k, v] of Object.entries(c.gatewayLabels as Record<string, unknown>)) {
            if (typeof v === "string") labels[k] = v;
        }
    }
    const exemptions = Array.isArray(c.exemptions)
        ? (c.exemptions as unknown[]).filter(
              (e): e is Exemption =>
                  !!e && typeof (e as any).resource === "string" && typeof (e as any).reason === "string",
          )
        : [];
    return { gatewayServiceNames: names, gatewayLabels: labels, exemptions };
}

/** A stable key of the parts of the config that shape the gateway index. */
export function gatewayConfigKey(c: GatewayConfig): string {
    return JSON.stringify([c.gatewayServiceNames, Object.entries(c.gatewayLabels).sort()]);
}

const patternCache = new Map<string, RegExp>();
function toRegExp(pattern: string): RegExp {
    let re = patternCache.get(pattern);
    if (!re) {
        const body = pattern
            .split("*")
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*");
        re = new RegExp(`^${body}$`);
        patternCache.set(pattern, re);
    }
    return re;
}

/** The first exemption whose pattern matches one of the identifiers (names, ns/names, URNs). */
export function findExemption(exemptions: Exemption[], identifiers: string[]): Exemption | undefined {
    for (const e of exemptions) {
        const re = toRegExp(e.resource);
        if (identifiers.some((id) => re.test(id))) return e;
    }
    return undefined;
}
