// Advisory (never mandatory): an EKS cluster on a Kubernetes minor past standard support, or Istio
// charts past end of life, by the support calendar (lib/supportCalendar.ts). Teams stay on a version
// on purpose, so this informs and never blocks. The day is the policy config's `today` (tests inject
// it) or the day the pack runs.
import type { PolicyResource } from "@pulumi/policy";
import { hopOf } from "./lib/graph";
import { gatewayStackPolicy } from "./lib/kit";
import { str } from "./lib/props";
import { eksSupport, istioSupport, isoDay, parseDay } from "./lib/support";

export const SUPPORTED_VERSIONS_POLICY_NAME = "supported-versions";

/** pulumi-eks's cluster component and the plain EKS cluster resource (the component's child in a real run). */
const EKS_CLUSTER_TYPES = ["eks:index:Cluster", "aws:eks/cluster:Cluster"];
/** Helm resources that install a chart: helm Release (v3) and Chart (v3, v4). */
const HELM_TYPES = /^kubernetes:helm\.sh\/v[34]:(Release|Chart)$/;
/** The charts Istio publishes; `base` and `gateway` are generic names, so the repository must be Istio's. */
const ISTIO_CHARTS = ["base", "istiod", "gateway", "cni", "ztunnel"];

const REMEDIATION =
    "plan the upgrade: raise kubernetesVersion one minor at a time (control plane, then the node group, " +
    "add-ons and Karpenter's nodes), and move Istio to a supported minor as a canary revision; docs/upgrades.md " +
    "has both runbooks and docs/support.md the dates. Staying on purpose is allowed: this policy is advisory.";

/** An Istio chart's name and version, or undefined when `r` installs something else. */
export function istioChart(r: PolicyResource): { chart: string; version: string } | undefined {
    if (!HELM_TYPES.test(r.type)) return undefined;
    const chart = str(r.props, "chart");
    const version = str(r.props, "version");
    if (typeof chart !== "string" || typeof version !== "string") return undefined;
    const name = chart.toLowerCase().split("/").pop() ?? "";
    if (!ISTIO_CHARTS.includes(name)) return undefined;
    const repo = str(r.props, "repositoryOpts", "repo");
    const fromIstio =
        chart.toLowerCase().includes("istio") || (typeof repo === "string" && /istio/i.test(repo));
    return fromIstio && /^v?\d+\.\d+\.\d+/.test(version) ? { chart: name, version } : undefined;
}

/** The Kubernetes version an EKS cluster declares (`1.33`), or undefined when unset or unknown at preview. */
export function clusterVersion(r: PolicyResource): string | undefined {
    if (!EKS_CLUSTER_TYPES.includes(r.type)) return undefined;
    const v = str(r.props, "version");
    return typeof v === "string" && /^\d+\.\d+/.test(v) ? v : undefined;
}

export const supportedVersions = gatewayStackPolicy(
    {
        name: SUPPORTED_VERSIONS_POLICY_NAME,
        description:
            "The EKS cluster's Kubernetes minor should be in standard support and the Istio charts before end of life.",
        enforcementLevel: "advisory",
        severity: "medium",
        tags: ["eks", "istio", "lifecycle", "cost"],
        remediationSteps: REMEDIATION,
        advisoryOnly: true,
        extraConfig: {
            today: {
                type: "string",
                pattern: "^\\d{4}-\\d{2}-\\d{2}$",
                description:
                    "The day (YYYY-MM-DD, UTC) the support dates are compared with; default: the day the pack runs.",
            },
        },
    },
    ({ analysis, raw, report }) => {
        const today = parseDay(raw.today) ?? new Date();
        const resources = analysis.index.resources;
        // One finding per cluster: a plain cluster that pulumi-eks's component created is reported on the component.
        const components = new Set(resources.filter((r) => r.type === EKS_CLUSTER_TYPES[0]));
        for (const r of resources) {
            const version = clusterVersion(r);
            if (!version || (r.parent && components.has(r.parent))) continue;
            const line = eksSupport(version, today);
            if (!line.pastSupport) continue;
            report({
                urn: r.urn,
                summary: `EKS cluster on Kubernetes ${version}, past EKS standard support on ${isoDay(today)}:`,
                hops: [hopOf(r, { note: `version ${version}; ${line.status} support` })],
                why: line.text,
            });
        }
        // One finding per Istio version, on its istiod chart when there is one, naming every chart at it.
        const byVersion = new Map<string, { r: PolicyResource; chart: string }[]>();
        for (const r of resources) {
            const c = istioChart(r);
            if (!c) continue;
            const list = byVersion.get(c.version) ?? [];
            list.push({ r, chart: c.chart });
            byVersion.set(c.version, list);
        }
        for (const [version, charts] of byVersion) {
            const line = istioSupport(version, today);
            if (!line.pastSupport) continue;
            const first = charts.find((c) => c.chart === "istiod") ?? charts[0];
            report({
                urn: first.r.urn,
                summary: `Istio ${version} charts, past Istio's end of life on ${isoDay(today)}:`,
                hops: charts.map((c) => hopOf(c.r, { note: `chart ${c.chart} ${version}` })),
                why: line.text,
            });
        }
    },
);
