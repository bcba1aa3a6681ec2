// The support calendar and compatibility matrix, as data: when each EKS Kubernetes minor and each
// Istio minor leaves support, which Kubernetes minors each Istio, Karpenter and Load Balancer
// Controller release supports, and which Gateway API release each Istio minor is built against.
// Every entry names its public source; a value the source does not print (worked out from a rule it
// states, or from release dates) says how it was derived. Dates are UTC days, `YYYY-MM-DD`.
// A new minor is one entry; the pure functions of support.ts read nothing else. Under policies/lib
// so the policy pack, which `pulumi preview --policy-pack policies` loads alone, can import it.

/** Where an entry comes from. */
export interface Sourced {
    /** The public page or file that states the values. */
    source: string;
    /** Present when a value is not printed by the source: how it was worked out. */
    derived?: string;
}

/** When this calendar was last checked against its sources (docs print it as "as of"). */
export const CALENDAR_CHECKED = "2026-12-04";

const EKS_CALENDAR_PAGE = "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html";
const EKS_EOL_DATE = "https://endoflife.date/amazon-eks";

/** One EKS Kubernetes minor: standard support ends, then extended support (billed more) ends. */
export interface EksMinor extends Sourced {
    /** `major.minor`. */
    minor: string;
    /** The day standard support ends: from that day on, the minor is in extended support. */
    standardEnd: string;
    /** The day extended support ends (EKS then upgrades the control plane itself). */
    extendedEnd: string;
}

/**
 * EKS: 14 months of standard support from the EKS release, then 12 of extended support, which is on
 * by default (the EKS user guide, "Understand the Kubernetes version lifecycle on EKS").
 */
export const EKS_MINORS: readonly EksMinor[] = [
    { minor: "1.29", standardEnd: "2025-03-23", extendedEnd: "2026-03-23", source: EKS_EOL_DATE },
    { minor: "1.30", standardEnd: "2025-07-23", extendedEnd: "2026-07-23", source: EKS_EOL_DATE },
    { minor: "1.31", standardEnd: "2025-11-26", extendedEnd: "2026-11-26", source: EKS_EOL_DATE },
    { minor: "1.32", standardEnd: "2026-03-23", extendedEnd: "2027-03-23", source: EKS_CALENDAR_PAGE },
    { minor: "1.33", standardEnd: "2026-07-29", extendedEnd: "2027-07-29", source: EKS_CALENDAR_PAGE },
    { minor: "1.34", standardEnd: "2026-12-02", extendedEnd: "2027-12-02", source: EKS_CALENDAR_PAGE },
    { minor: "1.35", standardEnd: "2027-03-27", extendedEnd: "2028-03-27", source: EKS_CALENDAR_PAGE },
    {
        minor: "1.36",
        standardEnd: "2027-08-02",
        extendedEnd: "2028-08-02",
        source: `${EKS_CALENDAR_PAGE} (and \`aws eks describe-cluster-versions\`)`,
        derived:
            "standard end as `aws eks describe-cluster-versions` reports it; extended end = standard end + 12 months (the page's rule)",
    },
];

/** EKS control-plane prices per cluster-hour (https://aws.amazon.com/eks/pricing/). */
export const EKS_PRICE_PER_HOUR = { standard: 0.1, extended: 0.6 } as const;
/** Hours in an average month, as AWS's pricing examples count them. */
export const HOURS_PER_MONTH = 730;

const ISTIO_SUPPORTED_RELEASES = "https://istio.io/latest/docs/releases/supported-releases/";
const ISTIO_EOL_DATE = "https://endoflife.date/istio";
const ISTIO_GO_MOD = "istio/istio go.mod at the release tag (sigs.k8s.io/gateway-api)";

/** One Istio minor: end of life, the Kubernetes minors it supports, the Gateway API it is built against. */
export interface IstioMinor extends Sourced {
    /** `major.minor`. */
    minor: string;
    /** The day it reached end of life; absent while none is announced (it is supported). */
    eol?: string;
    /** Oldest and newest supported Kubernetes minor (istio.io's "Supported Kubernetes Versions"). */
    kubernetes: { min: string; max: string };
    /** The Gateway API release of its go.mod (absent: not recorded here). */
    gatewayApi?: string;
}

/**
 * Istio supports a minor until 6 weeks after the N+2 minor's release (istio.io, "Supported
 * Releases"). Newest first is not required; lookups are by minor.
 */
export const ISTIO_MINORS: readonly IstioMinor[] = [
    {
        minor: "1.22",
        eol: "2025-01-22",
        kubernetes: { min: "1.27", max: "1.30" },
        source: `${ISTIO_SUPPORTED_RELEASES} (as ${ISTIO_EOL_DATE} records it)`,
    },
    {
        minor: "1.23",
        eol: "2025-04-16",
        kubernetes: { min: "1.27", max: "1.30" },
        source: `${ISTIO_SUPPORTED_RELEASES} (as ${ISTIO_EOL_DATE} records it)`,
    },
    {
        minor: "1.24",
        eol: "2025-06-24",
        kubernetes: { min: "1.28", max: "1.31" },
        gatewayApi: "1.2.0",
        source: `${ISTIO_SUPPORTED_RELEASES} (as ${ISTIO_EOL_DATE} records it); ${ISTIO_GO_MOD}`,
        derived:
            "gatewayApi from the 1.24 release notes (Gateway API v1.2 support), not read from go.mod here",
    },
    {
        minor: "1.25",
        eol: "2025-09-30",
        kubernetes: { min: "1.29", max: "1.32" },
        gatewayApi: "1.2.1",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
        derived: "gatewayApi from the 1.25 release notes, not read from go.mod here",
    },
    {
        minor: "1.26",
        eol: "2025-12-22",
        kubernetes: { min: "1.29", max: "1.33" },
        gatewayApi: "1.3.0",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
        derived:
            "gatewayApi from the 1.26 release notes (Gateway API v1.3 support), not read from go.mod here",
    },
    {
        minor: "1.27",
        eol: "2026-04-07",
        kubernetes: { min: "1.29", max: "1.33" },
        gatewayApi: "1.3.0",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
    },
    {
        minor: "1.28",
        eol: "2026-07-01",
        kubernetes: { min: "1.30", max: "1.34" },
        gatewayApi: "1.4.0",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
    },
    {
        minor: "1.29",
        eol: "2026-10-15",
        kubernetes: { min: "1.31", max: "1.35" },
        gatewayApi: "1.4.0",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
    },
    {
        minor: "1.30",
        kubernetes: { min: "1.32", max: "1.36" },
        gatewayApi: "1.5.1",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
    },
    {
        minor: "1.31",
        kubernetes: { min: "1.33", max: "1.37" },
        gatewayApi: "1.6.0",
        source: `${ISTIO_SUPPORTED_RELEASES}; ${ISTIO_GO_MOD}`,
        derived:
            "kubernetes range: each minor's window moves up one Kubernetes minor (1.27 to 1.30 did); check the istio.io table",
    },
];

const KARPENTER_COMPATIBILITY = "https://karpenter.sh/v1.14/upgrading/compatibility/";

/** The oldest Karpenter release that supports a Kubernetes minor (Karpenter refuses to run on a newer one). */
export interface KarpenterSupport extends Sourced {
    /** Kubernetes `major.minor`. */
    kubernetes: string;
    /** Oldest Karpenter release (`x.y.z`) supporting it. */
    minKarpenter: string;
}

/** Karpenter's compatibility matrix (the v1.14 docs): 1.14 supports Kubernetes 1.30 to 1.36. */
export const KARPENTER_SUPPORT: readonly KarpenterSupport[] = [
    { kubernetes: "1.30", minKarpenter: "0.37.0", source: KARPENTER_COMPATIBILITY },
    { kubernetes: "1.31", minKarpenter: "1.0.5", source: KARPENTER_COMPATIBILITY },
    { kubernetes: "1.32", minKarpenter: "1.2.0", source: KARPENTER_COMPATIBILITY },
    { kubernetes: "1.33", minKarpenter: "1.5.0", source: KARPENTER_COMPATIBILITY },
    { kubernetes: "1.34", minKarpenter: "1.6.0", source: KARPENTER_COMPATIBILITY },
    { kubernetes: "1.35", minKarpenter: "1.9.0", source: KARPENTER_COMPATIBILITY },
    { kubernetes: "1.36", minKarpenter: "1.13.0", source: KARPENTER_COMPATIBILITY },
];

const LBC_INSTALL =
    "https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/installation/";

/** One line of aws-load-balancer-controller Helm charts and the Kubernetes minors it supports. */
export interface LbcChartLine extends Sourced {
    /** The first chart version of the line (`x.y.z`), inclusive. */
    chartFrom: string;
    /** The chart version that starts the next line, exclusive. */
    chartBefore: string;
    /** The controller releases the line ships, for messages. */
    controller: string;
    /** Oldest and (when one is known) newest supported Kubernetes minor. */
    kubernetes: { min: string; max?: string };
    /** The day the line stopped getting releases (absent: maintained). */
    maintainedUntil?: string;
}

/**
 * The controller's installation page: v2.5.0+ (chart 1.5.0+) requires Kubernetes 1.22+. The v2 line
 * ended at v2.17.1 when v3.0.0 came out (2026-01-23); from v3 the chart version is the controller's.
 */
export const LBC_CHART_LINES: readonly LbcChartLine[] = [
    {
        chartFrom: "1.5.0",
        chartBefore: "2.0.0",
        controller: "v2.5 to v2.17",
        kubernetes: { min: "1.22", max: "1.35" },
        maintainedUntil: "2026-01-23",
        source: `${LBC_INSTALL}; https://github.com/kubernetes-sigs/aws-load-balancer-controller/releases`,
        derived:
            "max: the newest Kubernetes minor released before the line's last release (v2.17.1, 2026-01-10); maintainedUntil: the v3.0.0 release day",
    },
    {
        chartFrom: "3.0.0",
        chartBefore: "4.0.0",
        controller: "v3",
        kubernetes: { min: "1.22" },
        source: LBC_INSTALL,
    },
];
