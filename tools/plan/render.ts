// Text and Mermaid renderings of the plan. Pure functions of the model, so the README's diagram,
// the JSON output and `--format mermaid` can never disagree.
import type {
    AmbientHop,
    ComponentNode,
    DnsHop,
    LoadBalancerHop,
    RouteHop,
    TlsHop,
    TrafficPath,
} from "./model";

const LB_KIND: Record<string, string> = { network: "NLB", application: "ALB", gateway: "GWLB" };

function lbTitle(lb: LoadBalancerHop): string {
    return `${LB_KIND[lb.kind] ?? "LB"} ${lb.name}`;
}

function lbDetail(lb: LoadBalancerHop): string {
    const parts: string[] = [lb.kind, lb.scheme];
    if (lb.crossZone !== undefined) parts.push(`cross-zone ${lb.crossZone ? "on" : "off"}`);
    return parts.join(", ");
}

/** Layer of a load balancer kind: an NLB forwards TCP (L4), an ALB terminates HTTP (L7). */
function layer(kind: string): string {
    return kind === "network" ? "L4" : kind === "application" ? "L7" : "L3";
}

export function componentLines(nodes: ComponentNode[], unparented: ComponentNode): string[] {
    const lines: string[] = [];
    const walk = (n: ComponentNode, depth: number) => {
        const pad = "  ".repeat(depth);
        lines.push(`${pad}${n.name}  (${n.type}, ${n.total} resources)`);
        for (const t of n.types) lines.push(`${pad}  ${String(t.count).padStart(3)}  ${t.type}`);
        for (const c of n.components) walk(c, depth + 1);
    };
    for (const n of nodes) walk(n, 1);
    if (unparented.types.length) {
        lines.push(`  (top level, no component)`);
        for (const t of unparented.types) lines.push(`    ${String(t.count).padStart(3)}  ${t.type}`);
    }
    return lines;
}

/** A DNS record's one-line description; `types` joins the record types of one name (`A+AAAA`). */
function dnsDetail(d: DnsHop, types = d.type): string {
    const health = d.evaluateTargetHealth ? ", evaluate target health" : "";
    return `Route 53 alias ${types} in zone ${d.zoneId ?? "?"}${health}`;
}

/** Ports on which a gateway terminates TLS: the load balancer's listener there only forwards bytes. */
function tlsPorts(path: TrafficPath): Set<number> {
    return new Set((path.tls ?? []).map((t) => Number(/:(\d+)/.exec(t.server)?.[1])));
}

/** True for a TCP listener on a port where a gateway terminates TLS: it passes the TLS bytes through. */
function passesTls(l: LoadBalancerHop["listeners"][number], tlsPorts: Set<number>): boolean {
    return l.protocol === "TCP" && tlsPorts.has(l.port ?? -1);
}

/** Where TLS ends, one line per terminating server. */
function tlsDetail(t: TlsHop): string {
    const cert = t.certificate
        ? ` <- Certificate ${t.certificate.name} for ${t.certificate.dnsNames.join(",")} from ${t.certificate.issuer}`
        : " (no Certificate in this stack writes it)";
    return `${t.server} on ${t.gateway}: secret ${t.secret}${cert}`;
}

/** ztunnel's inbound HBONE port: fixed by Istio, not in any recorded resource (a waypoint's is, in its Gateway). */
const ZTUNNEL_HBONE_PORT = 15008;

/** The ambient hops of a route (none with sidecars). */
function ambientOf(path: TrafficPath, r: RouteHop): AmbientHop[] {
    return (path.ambient ?? []).filter((a) => a.route.kind === r.kind && a.route.name === r.name);
}

function waypointDetail(w: NonNullable<AmbientHop["waypoint"]>): string {
    return `${w.source}; ${w.labels}`;
}

/** ztunnel runs on every node: the hop goes to the one on the node of the pod it picks. */
const ZTUNNEL_TITLE = "ztunnel of the pod's node";

function podsTitle(a: AmbientHop): string {
    return `pods of Service ${a.service}`;
}

/** The gateway's hops to a route's ambient backends, indented under the route's line. */
function ambientLines(path: TrafficPath, r: RouteHop, pad: string): string[] {
    const lines: string[] = [];
    for (const a of ambientOf(path, r)) {
        let at = pad;
        const w = a.waypoint;
        if (w?.ingress) {
            lines.push(`${at}-> HBONE to waypoint ${w.name} [L7] (${waypointDetail(w)})`);
            at += "   ";
        } else if (w) {
            lines.push(
                `${at}(not through waypoint ${w.name}: ${w.labels}, ingress uses it only with istio.io/ingress-use-waypoint=true)`,
            );
        }
        lines.push(`${at}-> HBONE:${ZTUNNEL_HBONE_PORT} to ${ZTUNNEL_TITLE} [L4] (${a.ztunnel})`);
        lines.push(`${at}   -> ${podsTitle(a)} (no sidecar: ${a.enrolment})`);
    }
    return lines;
}

export function pathLines(path: TrafficPath): string[] {
    const lines: string[] = ["  Client"];
    for (const d of path.dns ?? []) lines.push(`  -> DNS ${d.name} (${dnsDetail(d)}) -> ${d.target}`);
    if (path.loadBalancers.length === 0) lines.push("  (no load balancer in this stack)");
    const passThrough = tlsPorts(path);
    for (const lb of path.loadBalancers) {
        lines.push(`  -> ${lbTitle(lb)} (${lbDetail(lb)}) [${layer(lb.kind)}]`);
        for (const l of lb.listeners) {
            const through = passesTls(l, passThrough) ? " [TLS passes through]" : "";
            lines.push(`     -> listener ${l.protocol ?? "?"}:${l.port ?? "?"} (${l.name})${through}`);
            for (const tg of l.targetGroups) {
                lines.push(
                    `        -> target group ${tg.name} (${tg.targetType}, ${tg.protocol ?? "?"}:${tg.port ?? "?"}, health check ${tg.healthCheck ?? "none"})`,
                );
                for (const b of tg.bindings) {
                    lines.push(
                        `           -> TargetGroupBinding ${b.namespace ?? "default"}/${b.name} -> Service ${b.namespace ?? "default"}/${b.service ?? "?"}:${b.port ?? "?"}`,
                    );
                }
            }
        }
    }
    for (const g of path.gateways) {
        lines.push(`  -> Istio gateway Service ${g.service} [L7] (${g.source})`);
        for (const r of path.routes.filter((x) => x.kind === "HTTPRoute" && x.from === g.service)) {
            lines.push(`     -> HTTPRoute ${r.name} (${r.detail})`);
            lines.push(...ambientLines(path, r, "        "));
        }
        for (const r of path.routes.filter((x) => x.kind === "Gateway" && x.from === g.service)) {
            lines.push(`     -> Gateway ${r.name} (${r.detail})`);
            for (const vs of path.routes.filter((x) => x.kind === "VirtualService" && x.from === r.name)) {
                lines.push(`        -> VirtualService ${vs.name}: ${vs.detail}`);
                lines.push(...ambientLines(path, vs, "           "));
            }
        }
    }
    const unattached = path.routes.filter(
        (r) =>
            (r.kind !== "VirtualService" && !path.gateways.some((g) => g.service === r.from)) ||
            (r.kind === "VirtualService" &&
                !path.routes.some((g) => g.kind === "Gateway" && g.name === r.from)),
    );
    for (const r of unattached) lines.push(`  (not on the path above) ${r.kind} ${r.name}: ${r.detail}`);
    if (path.tls?.length) {
        lines.push("  TLS ends at the Istio gateway (the load balancer holds no certificate):");
        for (const t of path.tls) lines.push(`    ${tlsDetail(t)}`);
    }
    return lines;
}

/** Mermaid label text: quotes would end the label, so they are replaced. */
function label(text: string): string {
    return `"${text.replace(/"/g, "'")}"`;
}

/** The traffic path as a Mermaid flowchart (left to right). */
export function mermaid(path: TrafficPath): string {
    const out: string[] = ["flowchart LR", `    client([${label("Client")}])`];
    const edge = (a: string, b: string, text?: string) =>
        out.push(text ? `    ${a} -->|${label(text)}| ${b}` : `    ${a} --> ${b}`);
    const gatewayId = new Map(path.gateways.map((g, i) => [g.service, `gw${i}`]));
    const passThrough = tlsPorts(path);
    const dnsNames = [...new Set((path.dns ?? []).map((d) => d.name))];
    path.loadBalancers.forEach((lb, i) => {
        const lbId = `lb${i}`;
        out.push(`    ${lbId}[${label(`${lbTitle(lb)} (${layer(lb.kind)})<br/>${lbDetail(lb)}`)}]`);
        const records = (path.dns ?? []).filter((d) => d.target === lb.name);
        if (records.length === 0) edge("client", lbId);
        for (const name of [...new Set(records.map((d) => d.name))]) {
            const dnsId = `dns${i}_${dnsNames.indexOf(name)}`;
            const these = records.filter((d) => d.name === name);
            const detail = dnsDetail(these[0], these.map((d) => d.type).join("+"));
            out.push(`    ${dnsId}[${label(`DNS ${name}<br/>${detail}`)}]`);
            edge("client", dnsId);
            edge(dnsId, lbId);
        }
        lb.listeners.forEach((l, j) => {
            const lId = `${lbId}_l${j}`;
            const through = passesTls(l, passThrough) ? "<br/>TLS passes through" : "";
            out.push(`    ${lId}[${label(`listener ${l.protocol ?? "?"}:${l.port ?? "?"}${through}`)}]`);
            edge(lbId, lId);
            l.targetGroups.forEach((tg, k) => {
                const tgId = `${lId}_tg${k}`;
                out.push(
                    `    ${tgId}[${label(`target group ${tg.name}<br/>${tg.targetType}, ${tg.protocol ?? "?"}:${tg.port ?? "?"}<br/>health ${tg.healthCheck ?? "none"}`)}]`,
                );
                edge(lId, tgId);
                for (const b of tg.bindings) {
                    const gw = gatewayId.get(`${b.namespace ?? "default"}/${b.service}`);
                    if (gw) edge(tgId, gw, `TargetGroupBinding :${b.port ?? "?"}`);
                }
            });
        });
    });
    path.gateways.forEach((g, i) => {
        out.push(`    gw${i}[${label(`Istio gateway ${g.service} (L7)<br/>${g.source}`)}]`);
    });
    const routeId = new Map<string, string>();
    path.routes.forEach((r, i) => {
        const id = `${r.kind === "Gateway" ? "igw" : r.kind === "HTTPRoute" ? "hr" : "vs"}${i}`;
        routeId.set(`${r.kind}:${r.name}`, id);
        out.push(`    ${id}[${label(`${r.kind} ${r.name}<br/>${r.detail}`)}]`);
    });
    for (const r of path.routes) {
        const id = routeId.get(`${r.kind}:${r.name}`)!;
        const from =
            r.kind === "VirtualService" ? routeId.get(`Gateway:${r.from}`) : gatewayId.get(r.from ?? "");
        if (from) edge(from, id);
    }
    // Ambient: the route's backend is reached over HBONE, through the waypoint when ingress uses it.
    (path.ambient ?? []).forEach((a, i) => {
        const from = routeId.get(`${a.route.kind}:${a.route.name}`);
        const id = `amb${i}`;
        let prev = from;
        const w = a.waypoint;
        if (w?.ingress) {
            out.push(`    ${id}_wp[${label(`waypoint ${w.name} (L7)<br/>${w.source}<br/>${w.labels}`)}]`);
            if (prev) edge(prev, `${id}_wp`, "HBONE");
            prev = `${id}_wp`;
        }
        out.push(`    ${id}_zt[${label(`${ZTUNNEL_TITLE} (L4)<br/>${a.ztunnel}`)}]`);
        if (prev) edge(prev, `${id}_zt`, `HBONE :${ZTUNNEL_HBONE_PORT}`);
        out.push(`    ${id}_pods[${label(`${podsTitle(a)}<br/>no sidecar: ${a.enrolment}`)}]`);
        edge(`${id}_zt`, `${id}_pods`);
    });
    // Where TLS ends: the certificate's Secret feeds the Gateway that terminates (dotted: config, not traffic).
    (path.tls ?? []).forEach((t, i) => {
        const id = `tls${i}`;
        const cert = t.certificate
            ? `Certificate ${t.certificate.name}<br/>${t.certificate.dnsNames.join(", ")}<br/>${t.certificate.issuer}`
            : `Secret ${t.secret}`;
        out.push(`    ${id}[${label(`TLS ends here: ${t.server}<br/>${cert}`)}]`);
        const istio = /^Gateway (\S+)$/.exec(t.gateway)?.[1];
        const target = istio ? routeId.get(`Gateway:${istio}`) : undefined;
        const ns = t.secret.split("/")[0];
        const fallback = path.gateways.find((g) => g.service.startsWith(`${ns}/`))?.service;
        const to = target ?? (fallback ? gatewayId.get(fallback) : undefined);
        if (to) out.push(`    ${id} -.->|${label(`secret ${t.secret}`)}| ${to}`);
    });
    return `${out.join("\n")}\n`;
}
