// Pure functions over the support calendar (supportCalendar.ts): where a version stands on a given
// day, and whether two pinned versions work together. The date is always a parameter: callers pass
// `new Date()` at run time and tests pass a fixed day, so nothing here changes when a day passes.
// One implementation for the config's refusals and warnings, the plan, the deploy preflight and the
// pack's supported-versions policy.
import {
    EKS_MINORS,
    EKS_PRICE_PER_HOUR,
    HOURS_PER_MONTH,
    ISTIO_MINORS,
    IstioMinor,
    KARPENTER_SUPPORT,
    LBC_CHART_LINES,
    LbcChartLine,
} from "./supportCalendar";

/** Compares dotted releases (`1.27.3`, `1.33`): negative, zero or positive like a sort comparator. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length, 3); i++) {
        if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    }
    return 0;
}

/** `major.minor` of a release (`v1.27.3` and `1.27.3` -> `1.27`; `1.33` stays). */
export function minorOf(version: string): string {
    return version.replace(/^v/, "").split(".").slice(0, 2).join(".");
}

/** The UTC day of a date, `YYYY-MM-DD`: the calendar's dates are days. */
export function isoDay(date: Date): string {
    return date.toISOString().slice(0, 10);
}

/** A range of Kubernetes minors as a message says it: `1.29 to 1.33`, or `1.22 or later`. */
export function rangeText(r: { min: string; max?: string }): string {
    return r.max ? `${r.min} to ${r.max}` : `${r.min} or later`;
}

function inRange(minor: string, r: { min: string; max?: string }): boolean {
    return compareVersions(minor, r.min) >= 0 && (!r.max || compareVersions(minor, r.max) <= 0);
}

/** The calendar entry of an Istio release's minor, if known. */
export function istioMinor(istioVersion: string): IstioMinor | undefined {
    const m = minorOf(istioVersion);
    return ISTIO_MINORS.find((e) => e.minor === m);
}

/** The chart line an aws-load-balancer-controller chart version belongs to, if known. */
export function lbcChartLine(chartVersion: string): LbcChartLine | undefined {
    return LBC_CHART_LINES.find(
        (l) =>
            compareVersions(chartVersion, l.chartFrom) >= 0 &&
            compareVersions(chartVersion, l.chartBefore) < 0,
    );
}

/** The chart line's name in messages: `1.x` or `3.x`. */
function lineName(l: LbcChartLine): string {
    return `${l.chartFrom.split(".")[0]}.x`;
}

/**
 * Why two pinned versions do not work together: the text that follows the bad value in a config
 * error (it names the other key, its value and the supported range). Undefined: they do.
 */
export type Incompatibility = string | undefined;

/** Istio supports a window of Kubernetes minors (istio.io's support table). */
export function istioKubernetesIncompatibility(
    istioVersion: string,
    kubernetesVersion: string,
): Incompatibility {
    const e = istioMinor(istioVersion);
    const known = ISTIO_MINORS.map((x) => x.minor);
    if (!e) {
        return `has no entry in the support calendar (policies/lib/supportCalendar.ts knows Istio ${known[0]} to ${known[known.length - 1]}): add its minor from istio.io's supported releases page, or pin a known one`;
    }
    const k = minorOf(kubernetesVersion);
    if (inRange(k, e.kubernetes)) return undefined;
    const fits = ISTIO_MINORS.filter((x) => inRange(k, x.kubernetes)).map((x) => x.minor);
    return (
        `does not support kubernetesVersion "${kubernetesVersion}": Istio ${e.minor} supports Kubernetes ${rangeText(e.kubernetes)} ` +
        `(istio.io supported releases); pin a kubernetesVersion from ${rangeText(e.kubernetes)}` +
        (fits.length ? `, or an Istio minor that supports ${k} (${fits.join(", ")})` : "")
    );
}

/** The controller's chart lines each support a range of Kubernetes minors. */
export function lbcKubernetesIncompatibility(
    chartVersion: string,
    kubernetesVersion: string,
): Incompatibility {
    const line = lbcChartLine(chartVersion);
    const lines = LBC_CHART_LINES.map((l) => `${l.chartFrom} to <${l.chartBefore}`).join(", ");
    if (!line) {
        return `is not in a known chart line of the aws-load-balancer-controller (${lines} in policies/lib/supportCalendar.ts): pin a chart of the maintained line, or add its line`;
    }
    const k = minorOf(kubernetesVersion);
    if (inRange(k, line.kubernetes)) return undefined;
    const fits = LBC_CHART_LINES.filter((l) => inRange(k, l.kubernetes)).map(lineName);
    return (
        `does not support kubernetesVersion "${kubernetesVersion}": chart ${lineName(line)} (controller ${line.controller}) ` +
        `supports Kubernetes ${rangeText(line.kubernetes)}` +
        (fits.length ? `; pin a chart ${fits.join(" or ")} for ${k}` : "")
    );
}

/** Karpenter refuses to run on a Kubernetes minor newer than it supports (its compatibility matrix). */
export function karpenterKubernetesIncompatibility(
    karpenterVersion: string,
    kubernetesVersion: string,
): Incompatibility {
    const k = minorOf(kubernetesVersion);
    const e = KARPENTER_SUPPORT.find((x) => x.kubernetes === k);
    if (!e) {
        const known = KARPENTER_SUPPORT.map((x) => x.kubernetes);
        return `has no known support for kubernetesVersion "${kubernetesVersion}" (the support calendar knows Kubernetes ${known[0]} to ${known[known.length - 1]}): check Karpenter's compatibility matrix and add the entry to policies/lib/supportCalendar.ts`;
    }
    if (compareVersions(karpenterVersion, e.minKarpenter) >= 0) return undefined;
    return `does not support kubernetesVersion "${kubernetesVersion}": Karpenter supports Kubernetes ${k} from ${e.minKarpenter} (Karpenter's compatibility matrix); pin ${e.minKarpenter} or later`;
}

/**
 * The Gateway API CRDs must be the release the Istio minor is built against (its go.mod): the same
 * minor, at that patch or a later one.
 */
export function gatewayApiIncompatibility(gatewayApiVersion: string, istioVersion: string): Incompatibility {
    const e = istioMinor(istioVersion);
    if (!e?.gatewayApi) {
        return `has no known pairing with istioVersion "${istioVersion}" (no Gateway API release recorded for Istio ${minorOf(istioVersion)} in policies/lib/supportCalendar.ts): add it from Istio's go.mod at the release tag`;
    }
    const sameMinor = minorOf(gatewayApiVersion) === minorOf(e.gatewayApi);
    if (sameMinor && compareVersions(gatewayApiVersion, e.gatewayApi) >= 0) return undefined;
    return `is not the Gateway API release istioVersion "${istioVersion}" is built against: Istio ${e.minor} needs Gateway API ${minorOf(e.gatewayApi)}.x from ${e.gatewayApi} (its go.mod); pin ${e.gatewayApi}`;
}

/** Where one pinned version stands on a given day. */
export interface SupportLine {
    /** The config key that pins it. */
    key: "kubernetesVersion" | "istioVersion" | "lbcChartVersion";
    /** The pinned value. */
    version: string;
    /** What: `EKS Kubernetes`, `Istio`, `aws-load-balancer-controller chart`. */
    component: string;
    /** standard / extended / ended (EKS), supported / end-of-life (Istio), maintained / unmaintained (LBC), unknown. */
    status: string;
    /** True when the version is past a support date: a warning, never a refusal. */
    pastSupport: boolean;
    /** The date that matters: when the current status ends, or when support ended (absent: none known). */
    date?: string;
    /** One sentence: the status, its date, and for a past date what it costs and what to do. */
    text: string;
}

const perMonth = (perHour: number): string => `$${Math.round(perHour * HOURS_PER_MONTH)}`;
const price = (perHour: number): string => `$${perHour.toFixed(2)}/h`;

/** EKS: standard support, then extended support (billed at the higher price), then ended. */
export function eksSupport(kubernetesVersion: string, today: Date): SupportLine {
    const day = isoDay(today);
    const k = minorOf(kubernetesVersion);
    const e = EKS_MINORS.find((x) => x.minor === k);
    const base = {
        key: "kubernetesVersion" as const,
        version: kubernetesVersion,
        component: "EKS Kubernetes",
    };
    if (!e) {
        return {
            ...base,
            status: "unknown",
            pastSupport: false,
            text: `kubernetesVersion ${kubernetesVersion}: not in the support calendar (policies/lib/supportCalendar.ts); check the EKS Kubernetes release calendar`,
        };
    }
    const { standard, extended } = EKS_PRICE_PER_HOUR;
    if (day < e.standardEnd) {
        return {
            ...base,
            status: "standard",
            pastSupport: false,
            date: e.standardEnd,
            text: `kubernetesVersion ${k}: in EKS standard support until ${e.standardEnd} (${price(standard)} per cluster)`,
        };
    }
    if (day < e.extendedEnd) {
        return {
            ...base,
            status: "extended",
            pastSupport: true,
            date: e.standardEnd,
            text:
                `kubernetesVersion ${k}: EKS standard support ended ${e.standardEnd}; extended support (until ${e.extendedEnd}) ` +
                `bills the control plane ${price(extended)} per cluster instead of ${price(standard)} ` +
                `(about ${perMonth(extended)} a month instead of ${perMonth(standard)}): raise kubernetesVersion one minor at a time (docs/upgrades.md)`,
        };
    }
    return {
        ...base,
        status: "ended",
        pastSupport: true,
        date: e.extendedEnd,
        text:
            `kubernetesVersion ${k}: EKS extended support ended ${e.extendedEnd}; EKS upgrades such a control plane itself ` +
            `to the oldest minor still supported: raise kubernetesVersion one minor at a time (docs/upgrades.md)`,
    };
}

/** Istio minors with no end of life on `today` (newest last). */
export function supportedIstioMinors(today: Date): string[] {
    const day = isoDay(today);
    return ISTIO_MINORS.filter((e) => !e.eol || day < e.eol).map((e) => e.minor);
}

/** Istio: supported until its end of life (6 weeks after the N+2 minor's release). */
export function istioSupport(istioVersion: string, today: Date): SupportLine {
    const e = istioMinor(istioVersion);
    const base = { key: "istioVersion" as const, version: istioVersion, component: "Istio" };
    if (!e) {
        return {
            ...base,
            status: "unknown",
            pastSupport: false,
            text: `istioVersion ${istioVersion}: not in the support calendar (policies/lib/supportCalendar.ts); check istio.io's supported releases`,
        };
    }
    if (!e.eol || isoDay(today) < e.eol) {
        return {
            ...base,
            status: "supported",
            pastSupport: false,
            date: e.eol,
            text: `istioVersion ${istioVersion}: Istio ${e.minor} is supported ${e.eol ? `until ${e.eol}` : "(no end-of-life date announced yet)"}`,
        };
    }
    const supported = supportedIstioMinors(today);
    return {
        ...base,
        status: "end-of-life",
        pastSupport: true,
        date: e.eol,
        text:
            `istioVersion ${istioVersion}: Istio ${e.minor} reached end of life on ${e.eol} and gets no security fixes; ` +
            `upgrade to a supported minor${supported.length ? ` (${supported.join(", ")})` : ""} one minor at a time, as a canary (docs/upgrades.md)`,
    };
}

/** The Load Balancer Controller: a chart line is maintained until the next line replaces it. */
export function lbcSupport(chartVersion: string, today: Date): SupportLine {
    const line = lbcChartLine(chartVersion);
    const base = {
        key: "lbcChartVersion" as const,
        version: chartVersion,
        component: "aws-load-balancer-controller chart",
    };
    if (!line) {
        return {
            ...base,
            status: "unknown",
            pastSupport: false,
            text: `lbcChartVersion ${chartVersion}: not in a chart line of the support calendar (policies/lib/supportCalendar.ts)`,
        };
    }
    if (!line.maintainedUntil || isoDay(today) < line.maintainedUntil) {
        return {
            ...base,
            status: "maintained",
            pastSupport: false,
            text: `lbcChartVersion ${chartVersion}: chart ${lineName(line)} (controller ${line.controller}) is the maintained line`,
        };
    }
    const next = LBC_CHART_LINES.find((l) => !l.maintainedUntil);
    return {
        ...base,
        status: "unmaintained",
        pastSupport: true,
        date: line.maintainedUntil,
        text:
            `lbcChartVersion ${chartVersion}: chart ${lineName(line)} (controller ${line.controller}) gets no releases since ${line.maintainedUntil}` +
            (next ? `; move to chart ${lineName(next)} (controller ${next.controller})` : ""),
    };
}

/** The pinned versions the support status covers. */
export interface PinnedVersions {
    /** EKS `major.minor`. */
    kubernetesVersion: string;
    /** Istio `x.y.z`. */
    istioVersion: string;
    /** aws-load-balancer-controller chart `x.y.z`. */
    lbcChartVersion: string;
}

/** The support status of every pinned version on `today`, in a fixed order. */
export function supportStatus(v: PinnedVersions, today: Date): SupportLine[] {
    return [
        eksSupport(v.kubernetesVersion, today),
        istioSupport(v.istioVersion, today),
        lbcSupport(v.lbcChartVersion, today),
    ];
}

/** A status line as the plan and the deploy preflight print it: `ok` or `warning`, then the sentence. */
export function supportLineText(l: SupportLine): string {
    return `${l.pastSupport ? "warning" : "ok"}: ${l.text}`;
}

/** Parses a policy or tool `today` (`YYYY-MM-DD`, a UTC day); undefined for anything else. */
export function parseDay(value: unknown): Date | undefined {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
    const d = new Date(`${value}T00:00:00Z`);
    return Number.isNaN(d.getTime()) || isoDay(d) !== value ? undefined : d;
}
