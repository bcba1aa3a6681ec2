// The typed graph's vocabulary: what a hop of a chain prints, the gateway targets the search ends at,
// and the chains and paths it finds. No logic beyond printing lives here.
import type { PolicyResource } from "@pulumi/policy";
import { UNK, Unk } from "./props";

export type R = PolicyResource;
/** A Kubernetes name or namespace, UNK when it is unknown at preview. */
export type Name = string | Unk;

export const SERVICE_TYPE = "kubernetes:core/v1:Service";

/** One hop of a chain, as printed. */
export interface Hop {
    type: string;
    /** The Pulumi resource name (or the Service name for a Service the stack does not declare). */
    name: string;
    urn?: string;
    /** `namespace/name` of a Kubernetes object. */
    k8s?: string;
    /** Why this hop matters (e.g. why it is an ALB, why it is the gateway, how it links to the next). */
    note?: string;
}

/** An Istio ingress gateway Service, declared or implied: what the search ends at. */
export interface GatewayTarget {
    /** `namespace/name` (`*` namespace when only the name is known). */
    key: string;
    /** The resource standing for it: the Service, the Helm Release/Chart, the Istio Gateway; none for a configured name. */
    resource?: R;
    /** How it appears in a chain (the Service, with its owner named in the note). */
    hop: Hop;
    /** Hops between the referenced Service and `hop` (ExternalName Services pointing at the gateway). */
    lead?: Hop[];
    nodePorts: number[];
    /** `alias`: an ExternalName Service whose DNS name is the gateway Service's. */
    source: "service" | "chart" | "istioGateway" | "name" | "alias";
}

/** The hops from the Service a chain names to the gateway itself. */
export function targetHops(t: GatewayTarget): Hop[] {
    return t.lead ? [...t.lead, t.hop] : [t.hop];
}

/** An ALB/NLB path: LB -> listener [-> rule] -> target group -> (binding/attachment) -> gateway. */
export interface AwsPath {
    lb: R;
    lbKind: "application" | "network" | "gateway" | "unknown";
    listener: R;
    rule?: R;
    tg: R;
    via?: R;
    target: GatewayTarget;
}

/** A found chain from an origin (ALB, ALB Ingress, ALB Gateway) to an Istio gateway. */
export interface Chain {
    origin: R;
    target: GatewayTarget;
    hops: Hop[];
    /** Further distinct paths between the same origin and gateway (reported in the same violation). */
    otherPaths: number;
    aws?: AwsPath;
    /** What makes the chain invalid on top of being double Layer 7 (e.g. a TLSRoute on an ALB). */
    problem?: string;
}

/** Reach of a target group: the binding/attachment it goes through and the gateway. */
export interface Reach {
    via?: R;
    target: GatewayTarget;
}

export interface K8sMeta {
    ns: Name;
    /** UNK when the name is unknown or Pulumi auto-names the object. */
    name: Name;
}

/** Hop of a resource. */
export function hopOf(r: R, extra?: { k8s?: string; note?: string }): Hop {
    return { type: r.type, name: r.name, urn: r.urn, ...extra };
}

/** The printed form of a hop: `type "name" (ns/name; note)`. */
export function formatHop(h: Hop): string {
    const details = [h.k8s, h.note].filter((x) => x);
    return `${h.type} "${h.name}"${details.length ? ` (${details.join("; ")})` : ""}`;
}

/** Identifiers an exemption pattern may match for a set of hops. */
export function hopIdentifiers(hops: Hop[]): string[] {
    const ids: string[] = [];
    for (const h of hops) {
        ids.push(h.name);
        if (h.urn) ids.push(h.urn);
        if (h.k8s) ids.push(h.k8s);
    }
    return ids;
}

export function nameText(n: Name | undefined): string {
    return n === UNK ? "<unknown at preview>" : (n ?? "<unset>");
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
}
