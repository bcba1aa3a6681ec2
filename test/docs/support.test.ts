// docs/support.md's generated blocks: the support status of every pinned default (Pulumi.yaml) on
// the day the calendar was last checked, and the calendar itself, both written from the data. The
// day is the calendar's own, never today's, so the page goes stale only when the data or a default
// changes. UPDATE_README=1 npx mocha test/docs/support.test.ts rewrites them.
import { strict as assert } from "assert";
import { DECLARED_SCHEMA } from "../../components/config";
import {
    gatewayApiIncompatibility,
    karpenterKubernetesIncompatibility,
    parseDay,
    rangeText,
    SupportLine,
    supportStatus,
} from "../../policies/lib/support";
import {
    CALENDAR_CHECKED,
    EKS_MINORS,
    ISTIO_MINORS,
    KARPENTER_SUPPORT,
    LBC_CHART_LINES,
    Sourced,
} from "../../policies/lib/supportCalendar";
import { assertDocBlock, readmeBlock } from "./readmeBlock";

const def = (key: string) => String(DECLARED_SCHEMA[key].default);
const cell = (s: string) => s.replace(/\|/g, "\\|");
const table = (head: string[], rows: string[][]) =>
    [
        `| ${head.join(" | ")} |`,
        `|${head.map(() => "---").join("|")}|`,
        ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
    ].join("\n");
const source = (e: Sourced) => (e.derived ? `${e.source}; derived: ${e.derived}` : e.source);

/** The defaults' status on the calendar's day. */
export function defaultsBlock(): string {
    const day = parseDay(CALENDAR_CHECKED)!;
    const k8s = def("kubernetesVersion");
    const istio = def("istioVersion");
    const rows = supportStatus(
        { kubernetesVersion: k8s, istioVersion: istio, lbcChartVersion: def("lbcChartVersion") },
        day,
    ).map((l) => [`\`${l.key}\``, l.version, l.pastSupport ? `**past support**: ${l.text}` : l.text]);
    const karpenter = def("karpenterChartVersion");
    rows.push([
        "`karpenterChartVersion`",
        karpenter,
        karpenterKubernetesIncompatibility(karpenter, k8s) ??
            `supports kubernetesVersion ${k8s} (Karpenter's compatibility matrix)`,
    ]);
    const gw = def("gatewayApiVersion");
    rows.push([
        "`gatewayApiVersion`",
        gw,
        gatewayApiIncompatibility(gw, istio) ??
            `the Gateway API release Istio ${istio} is built against (or a later patch)`,
    ]);
    rows.push([
        "`metricsServerChartVersion`",
        def("metricsServerChartVersion"),
        "no published support window: pinned, moved with the others",
    ]);
    return `\nAs of ${CALENDAR_CHECKED}:\n\n${table(["key", "default", "status"], rows)}\n`;
}

/** One short line per status, for the README: what it is and its date. */
function summary(l: SupportLine): string {
    const d = l.date ?? "";
    switch (l.status) {
        case "standard":
            return `in EKS standard support until ${d}`;
        case "extended":
            return `**past EKS standard support** since ${d} (extended support: $0.60/h per cluster instead of $0.10/h)`;
        case "ended":
            return `**past EKS extended support** since ${d}`;
        case "supported":
            return d ? `supported until ${d}` : "supported (no end of life announced)";
        case "end-of-life":
            return `**past end of life** since ${d}`;
        case "maintained":
            return "the maintained chart line";
        case "unmaintained":
            return `**an unmaintained chart line** since ${d}`;
        default:
            return "not in the support calendar";
    }
}

/** The README's short list: each pinned default and where it stands on the calendar's day. */
export function readmeBlockBody(): string {
    const day = parseDay(CALENDAR_CHECKED)!;
    const lines = supportStatus(
        {
            kubernetesVersion: def("kubernetesVersion"),
            istioVersion: def("istioVersion"),
            lbcChartVersion: def("lbcChartVersion"),
        },
        day,
    ).map((l) => `- \`${l.key}\` ${l.version}: ${summary(l)}`);
    return `\nAs of ${CALENDAR_CHECKED}:\n\n${lines.join("\n")}\n`;
}

/** The calendar's entries, one table per concern. */
export function calendarBlock(): string {
    const parts = [
        "EKS (a minor is in extended support from its standard-support end, billed at the higher price):",
        table(
            ["Kubernetes", "standard support ends", "extended support ends", "source"],
            EKS_MINORS.map((e) => [e.minor, e.standardEnd, e.extendedEnd, source(e)]),
        ),
        "Istio (end of life: 6 weeks after the N+2 minor's release; none announced yet: supported):",
        table(
            ["Istio", "end of life", "Kubernetes", "Gateway API", "source"],
            ISTIO_MINORS.map((e) => [
                e.minor,
                e.eol ?? "not announced",
                rangeText(e.kubernetes),
                e.gatewayApi ?? "-",
                source(e),
            ]),
        ),
        "Karpenter (the oldest release for each Kubernetes minor):",
        table(
            ["Kubernetes", "Karpenter from", "source"],
            KARPENTER_SUPPORT.map((e) => [e.kubernetes, e.minKarpenter, source(e)]),
        ),
        "AWS Load Balancer Controller chart lines:",
        table(
            ["chart", "controller", "Kubernetes", "maintained", "source"],
            LBC_CHART_LINES.map((e) => [
                `${e.chartFrom} to <${e.chartBefore}`,
                e.controller,
                rangeText(e.kubernetes),
                e.maintainedUntil ? `until ${e.maintainedUntil}` : "yes",
                source(e),
            ]),
        ),
    ];
    return `\n${parts.join("\n\n")}\n`;
}

describe("docs/support.md", () => {
    it("the defaults' support status (block support:defaults) is written from the calendar on its own day", () => {
        assertDocBlock(
            "support:defaults",
            defaultsBlock(),
            "the support status of Pulumi.yaml's defaults on CALENDAR_CHECKED",
        );
    });

    it("the calendar (block support:calendar) is the data of policies/lib/supportCalendar.ts", () => {
        assertDocBlock("support:calendar", calendarBlock(), "the tables of policies/lib/supportCalendar.ts");
    });

    it("README's short status of the defaults (block support:readme) is the same calendar on the same day", () => {
        assertDocBlock(
            "support:readme",
            readmeBlockBody(),
            "the support status of Pulumi.yaml's defaults on CALENDAR_CHECKED",
        );
    });

    it("the defaults block names every version key Pulumi.yaml pins by default", () => {
        const body = readmeBlock("support:defaults").body;
        const pinned = Object.keys(DECLARED_SCHEMA).filter(
            (k) => /Version$/.test(k) && DECLARED_SCHEMA[k].default !== "",
        );
        assert.ok(pinned.length >= 6, pinned.join(", "));
        for (const key of pinned)
            assert.ok(body.includes(`\`${key}\``), `${key} is missing from the support:defaults block`);
    });
});
