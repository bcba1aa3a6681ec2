// Istio's installers as they mark what they deploy: the gateway chart's labels and values, istiod's
// gateway injection, and the labels a Service or workload carries. Each function says why a thing is
// an Istio ingress gateway, or returns undefined.
import { Name, R } from "../model";
import { items, str, strMap, UNK } from "../props";

const ISTIO_MARKER = /^(?:[a-z0-9.-]*\.)?istio\.io\//;

/**
 * Why a label map (a Service's labels or selector, or a workload's pod labels) marks an Istio ingress
 * gateway, or undefined. `pods`: the map is pod labels, where sidecar injection adds istio.io labels
 * to every application pod, so the "istio.io markers" heuristic is left out.
 */
export function labelMapReason(
    map: Map<string, string>,
    where: string,
    extra: Record<string, string>,
    pods = false,
): string | undefined {
    if (map.size === 0) return undefined;
    if (map.get("istio") === "ingressgateway") return `${where} istio=ingressgateway`;
    if (map.get("app") === "istio-ingressgateway") return `${where} app=istio-ingressgateway`;
    if (map.has("istio.io/gateway-name"))
        return `${where} istio.io/gateway-name=${map.get("istio.io/gateway-name")}`;
    for (const [k, v] of Object.entries(extra)) {
        if (map.has(k) && (v === "*" || map.get(k) === v)) return `${where} ${k}=${map.get(k)} (configured)`;
    }
    // Istio's gateway chart: app=<name>, istio=<name without "istio-">.
    const istio = map.get("istio");
    const app = map.get("app");
    if (istio && app && istio !== "pilot" && (app === istio || app === `istio-${istio}`)) {
        return `${where} app=${app}, istio=${istio} (Istio gateway chart)`;
    }
    if (pods) return undefined;
    const appName = map.get("app.kubernetes.io/name");
    if (appName && appName !== "istiod" && [...map.keys()].some((k) => ISTIO_MARKER.test(k))) {
        if (app === appName || appName.includes("gateway")) {
            return `${where} app.kubernetes.io/name=${appName} with istio.io markers (Istio gateway chart)`;
        }
    }
    return undefined;
}

/** Why a Service's labels or selector mark it as an Istio ingress gateway, or undefined. */
export function labelReason(svc: R, extra: Record<string, string>): string | undefined {
    return (
        labelMapReason(strMap(svc.props, "spec", "selector").map, "selector", extra) ??
        labelMapReason(strMap(svc.props, "metadata", "labels").map, "label", extra)
    );
}

/** A workload (Deployment, DaemonSet, StatefulSet, ReplicaSet, Pod) whose pods are an Istio gateway. */
export interface GatewayPods {
    workload: R;
    labels: Map<string, string>;
    reason: string;
}

const GATEWAY_CHART = /(?:^|\/)gateway(?:-v?\d[\w.+-]*)?(?:\.tgz)?$/;

/** True for a Helm Release/Chart of Istio's gateway chart. */
export function isIstioGatewayChart(r: R): boolean {
    const chart = str(r.props, "chart");
    if (typeof chart !== "string") return false;
    const c = chart.toLowerCase();
    if (!GATEWAY_CHART.test(c)) return false;
    if (c.includes("istio")) return true;
    const repo = str(r.props, "repositoryOpts", "repo");
    return repo === UNK || (typeof repo === "string" && repo.toLowerCase().includes("istio"));
}

/** Namespace and Service name of a gateway chart release. */
export function chartService(r: R): { ns: Name; name: string } {
    const rel = str(r.props, "name");
    const override = str(r.props, "values", "name");
    const ns = str(r.props, "namespace");
    const name =
        typeof override === "string" && override ? override : typeof rel === "string" && rel ? rel : r.name;
    return { ns: ns === undefined || ns === "" ? "default" : ns, name };
}

/** Why a workload's pods are an Istio gateway, with their labels; undefined for other workloads. */
export function gatewayWorkload(
    w: R,
    charts: Map<R, unknown>,
    gatewayLabels: Record<string, string>,
): GatewayPods | undefined {
    const pod = w.type === "kubernetes:core/v1:Pod";
    const meta = pod ? ["metadata"] : ["spec", "template", "metadata"];
    const spec = pod ? ["spec"] : ["spec", "template", "spec"];
    const labels = strMap(w.props, ...meta, "labels").map;
    const where = pod ? "pod label" : "pod template label";
    let reason = labelMapReason(labels, where, gatewayLabels, true);
    if (!reason) {
        const t = str(w.props, ...meta, "annotations", "inject.istio.io/templates");
        if (typeof t === "string" && t.split(",").some((x) => x.trim() === "gateway"))
            reason = "pod annotation inject.istio.io/templates: gateway (Istio's gateway injection)";
    }
    if (!reason) {
        for (const c of items(w.props, ...spec, "containers")) {
            if (str(c, "name") !== "istio-proxy") continue;
            const args = items(c, "args").map((a) => (typeof a === "string" ? a : ""));
            const i = args.indexOf("proxy");
            if (i >= 0 && args.slice(i + 1).includes("router")) {
                reason = 'container istio-proxy runs "proxy router" (an Istio gateway)';
                break;
            }
        }
    }
    if (!reason && w.parent && charts.has(w.parent))
        reason = `rendered by Istio gateway chart ${w.parent.type} "${w.parent.name}"`;
    return reason ? { workload: w, labels, reason } : undefined;
}
