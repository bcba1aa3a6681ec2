// Advisory: load balancing onto the Istio gateway should health-check its status port (HTTP 15021 /healthz/ready).
import { hopOf, Hop, targetHops } from "./lib/graph";
import { ANN, gatewayLbServices, gatewayStackPolicy } from "./lib/kit";
import { get, str, UNK } from "./lib/props";

const PORT = "15021";
const PATH = "/healthz/ready";
const REMEDIATION =
    `health-check the gateway's status port: target group healthCheck {protocol: "HTTP", port: "${PORT}", path: "${PATH}"}, ` +
    `or the Service annotations ${ANN}aws-load-balancer-healthcheck-protocol: http, ` +
    `${ANN}aws-load-balancer-healthcheck-port: "${PORT}", ${ANN}aws-load-balancer-healthcheck-path: ${PATH}. ` +
    "With proxy protocol v2 on the target group, also let the status port accept it (ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL).";
const WHY =
    "the default check is TCP on the traffic port: it passes while Envoy is not ready, or stays unhealthy until " +
    "an Istio Gateway binds 80/443; only the status port tells whether the gateway can take traffic.";

export const istioGatewayHealthCheck = gatewayStackPolicy(
    {
        name: "istio-gateway-health-check",
        description: `Target groups and load balancer annotations for the Istio gateway should health-check HTTP ${PORT} ${PATH}.`,
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["istio", "eks", "health-check"],
        remediationSteps: REMEDIATION,
    },
    ({ analysis, report }) => {
        const ix = analysis.index;
        for (const tg of ix.list("targetGroup")) {
            const reach = analysis.reach(tg);
            if (!reach.length) continue;
            const hc = get(tg.props, "healthCheck");
            if (hc === UNK) continue;
            const problems: string[] = [];
            const enabled = get(hc, "enabled");
            if (enabled === false) problems.push("health check disabled");
            const tgProto = str(tg.props, "protocol");
            const proto = str(hc, "protocol") ?? (tgProto === "HTTP" || tgProto === "HTTPS" ? "HTTP" : "TCP");
            const port = str(hc, "port") ?? "traffic-port";
            const path = str(hc, "path") ?? "/";
            if (proto !== UNK && proto !== "HTTP" && proto !== "HTTPS") problems.push(`protocol ${proto}`);
            if (port !== UNK && port !== PORT) problems.push(`port ${port}`);
            if (path !== UNK && (proto === "HTTP" || proto === "HTTPS") && path !== PATH)
                problems.push(`path ${path}`);
            if (!problems.length) continue;
            const r = reach[0];
            const hops: Hop[] = [hopOf(tg, { note: `healthCheck: ${problems.join(", ")}` })];
            if (r.via) hops.push(analysis.viaHop(r.via));
            hops.push(...targetHops(r.target));
            report({
                urn: tg.urn,
                summary: "Target group in front of the Istio gateway without the status-port health check:",
                hops,
                why: WHY,
            });
        }
        for (const s of gatewayLbServices(analysis)) {
            if (s.type !== "LoadBalancer" || s.annotationsUnknown) continue;
            const a = s.annotations;
            const problems: string[] = [];
            const proto = a.get(`${ANN}aws-load-balancer-healthcheck-protocol`);
            const port = a.get(`${ANN}aws-load-balancer-healthcheck-port`);
            const path = a.get(`${ANN}aws-load-balancer-healthcheck-path`);
            if (proto?.toLowerCase() !== "http" && proto?.toLowerCase() !== "https")
                problems.push(`protocol ${proto ?? "unset (TCP)"}`);
            if (port !== PORT) problems.push(`port ${port ?? "unset (traffic port)"}`);
            if (path !== PATH) problems.push(`path ${path ?? "unset"}`);
            if (!problems.length) continue;
            report({
                urn: s.urn,
                summary: `Istio gateway Service load balancer without the status-port health check (${s.annotationsAt}: ${problems.join(", ")}):`,
                hops: s.hops,
                why: WHY,
            });
        }
    },
);
