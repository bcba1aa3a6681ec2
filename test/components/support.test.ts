// Support calendar (issue 15, item 2): incompatible pinned versions are refused when the config is
// read, naming both keys and the supported range; a version past its support date is a warning with
// the date (and for EKS the extended-support price), never a refusal. Every date is injected, and
// every config names its versions explicitly, so neither a passing day nor a new default changes a
// result here.
import { strict as assert } from "assert";
import { ConfigError, supportWarnings, validateCompatibility } from "../../components/config";
import {
    compareVersions,
    eksSupport,
    gatewayApiIncompatibility,
    istioSupport,
    lbcSupport,
    parseDay,
    supportedIstioMinors,
    supportStatus,
} from "../../policies/lib/support";
import {
    EKS_MINORS,
    ISTIO_MINORS,
    KARPENTER_SUPPORT,
    LBC_CHART_LINES,
} from "../../policies/lib/supportCalendar";
import { readConfig } from "../harness/readConfig";
import { recordStack } from "../harness/pulumiMocks";

const K = (key: string) => `Invalid config "istio-eks-nlb:${key}": `;
const day = (s: string) => parseDay(s)!;

/** A consistent, explicit set of pins (not the defaults, which move): each test changes one. */
const PINS = {
    kubernetesVersion: "1.33",
    istioVersion: "1.27.3",
    lbcChartVersion: "1.13.4",
    karpenterChartVersion: "1.14.1",
    gatewayApiVersion: "1.3.0",
};

function rejects(values: Record<string, unknown>, message: string): void {
    assert.throws(
        () => readConfig({ ...PINS, ...values }),
        (err: unknown) => {
            assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
            assert.equal((err as Error).message, message);
            return true;
        },
    );
}

describe("support calendar: incompatible versions are refused when the config is read", () => {
    it("the issue's case: istioVersion 1.27.3 with kubernetesVersion 1.36 names both keys and Istio 1.27's range", () => {
        rejects(
            { kubernetesVersion: "1.36" },
            `${K("istioVersion")}"1.27.3" does not support kubernetesVersion "1.36": Istio 1.27 supports Kubernetes 1.29 to 1.33 ` +
                `(istio.io supported releases); pin a kubernetesVersion from 1.29 to 1.33, or an Istio minor that supports 1.36 (1.30, 1.31)`,
        );
    });

    it("an Istio minor the calendar does not know is refused with the known range", () => {
        rejects(
            { istioVersion: "1.19.4" },
            `${K("istioVersion")}"1.19.4" has no entry in the support calendar (policies/lib/supportCalendar.ts knows Istio 1.22 to 1.31): add its minor from istio.io's supported releases page, or pin a known one`,
        );
    });

    it("the v2 controller chart line with Kubernetes 1.36 is refused, naming the line that supports it", () => {
        rejects(
            { kubernetesVersion: "1.36", istioVersion: "1.30.2", gatewayApiVersion: "1.5.1" },
            `${K("lbcChartVersion")}"1.13.4" does not support kubernetesVersion "1.36": chart 1.x (controller v2.5 to v2.17) supports Kubernetes 1.22 to 1.35; pin a chart 3.x for 1.36`,
        );
        rejects(
            { lbcChartVersion: "2.0.1" },
            `${K("lbcChartVersion")}"2.0.1" is not in a known chart line of the aws-load-balancer-controller (1.5.0 to <2.0.0, 3.0.0 to <4.0.0 in policies/lib/supportCalendar.ts): pin a chart of the maintained line, or add its line`,
        );
    });

    it("Karpenter older than the Kubernetes minor needs is refused; with Karpenter off it is not installed, so not checked", () => {
        rejects(
            { karpenterChartVersion: "1.4.0" },
            `${K("karpenterChartVersion")}"1.4.0" does not support kubernetesVersion "1.33": Karpenter supports Kubernetes 1.33 from 1.5.0 (Karpenter's compatibility matrix); pin 1.5.0 or later`,
        );
        assert.equal(
            readConfig({ ...PINS, karpenterChartVersion: "1.4.0", karpenterEnabled: false })
                .karpenterChartVersion,
            "1.4.0",
        );
    });

    it("a Kubernetes minor beyond Karpenter's known matrix is refused, pointing at the data to extend", () => {
        assert.throws(
            () =>
                validateCompatibility({
                    ...PINS,
                    istioVersion: "1.31.0",
                    kubernetesVersion: "1.37",
                    lbcChartVersion: "3.0.0",
                    karpenterEnabled: true,
                }),
            (err: Error) =>
                err.message ===
                `${K("karpenterChartVersion")}"1.14.1" has no known support for kubernetesVersion "1.37" (the support calendar knows Kubernetes 1.30 to 1.36): check Karpenter's compatibility matrix and add the entry to policies/lib/supportCalendar.ts`,
        );
    });

    it("the Gateway API release must be the one the Istio minor is built against, when the CRDs are installed", () => {
        rejects(
            { ingressApi: "gatewayApi", istioVersion: "1.28.1", kubernetesVersion: "1.33" },
            `${K("gatewayApiVersion")}"1.3.0" is not the Gateway API release istioVersion "1.28.1" is built against: Istio 1.28 needs Gateway API 1.4.x from 1.4.0 (its go.mod); pin 1.4.0`,
        );
        // Without gatewayApi or a waypoint no CRDs are installed: the value is not used, so not refused.
        assert.equal(readConfig({ ...PINS, istioVersion: "1.28.1" }).gatewayApiVersion, "1.3.0");
        // The same minor at a later patch is fine; an earlier patch or another minor is not.
        assert.equal(gatewayApiIncompatibility("1.5.2", "1.30.0"), undefined);
        assert.match(gatewayApiIncompatibility("1.5.0", "1.30.0")!, /needs Gateway API 1\.5\.x from 1\.5\.1/);
        assert.match(gatewayApiIncompatibility("1.6.0", "1.30.0")!, /pin 1\.5\.1/);
    });

    it("every consistent combination of the issue's target versions is accepted", () => {
        for (const [k8s, istio, gw] of [
            ["1.35", "1.30.2", "1.5.1"],
            ["1.36", "1.30.2", "1.5.1"],
            ["1.35", "1.31.0", "1.6.0"],
            ["1.36", "1.31.0", "1.6.0"],
        ]) {
            const s = readConfig({
                ...PINS,
                kubernetesVersion: k8s,
                istioVersion: istio,
                gatewayApiVersion: gw,
                ingressApi: "gatewayApi",
                lbcChartVersion: "3.0.0",
                karpenterChartVersion: "1.14.1",
            });
            assert.equal(s.kubernetesVersion, k8s);
        }
    });
});

describe("support calendar: past a support date is a warning with the date, never a refusal", () => {
    const pins = { kubernetesVersion: "1.33", istioVersion: "1.27.3", lbcChartVersion: "1.13.4" };

    it("on 2026-12-04: EKS 1.33 in extended support with its price, Istio 1.27 past end of life, the v2 chart line unmaintained", () => {
        assert.deepEqual(supportWarnings(pins, day("2026-12-04")), [
            "kubernetesVersion 1.33: EKS standard support ended 2026-07-29; extended support (until 2027-07-29) bills the control plane $0.60/h per cluster instead of $0.10/h (about $438 a month instead of $73): raise kubernetesVersion one minor at a time (docs/upgrades.md)",
            "istioVersion 1.27.3: Istio 1.27 reached end of life on 2026-04-07 and gets no security fixes; upgrade to a supported minor (1.30, 1.31) one minor at a time, as a canary (docs/upgrades.md)",
            "lbcChartVersion 1.13.4: chart 1.x (controller v2.5 to v2.17) gets no releases since 2026-01-23; move to chart 3.x (controller v3)",
        ]);
        // The same config is read without complaint on that day: warnings are not refusals.
        assert.equal(readConfig({ ...PINS }).kubernetesVersion, "1.33");
    });

    it("a day before each date nothing is past; on the date it is (the dates are the first day out of support)", () => {
        assert.deepEqual(supportWarnings(pins, day("2026-01-22")), []);
        assert.equal(eksSupport("1.33", day("2026-07-28")).status, "standard");
        assert.equal(eksSupport("1.33", day("2026-07-29")).status, "extended");
        assert.equal(eksSupport("1.33", day("2027-07-29")).status, "ended");
        assert.match(
            eksSupport("1.33", day("2027-07-29")).text,
            /extended support ended 2027-07-29; EKS upgrades such a control plane itself/,
        );
        assert.equal(istioSupport("1.27.3", day("2026-04-06")).status, "supported");
        assert.equal(istioSupport("1.27.3", day("2026-04-07")).status, "end-of-life");
        assert.equal(lbcSupport("1.13.4", day("2026-01-23")).status, "unmaintained");
    });

    it("the issue's statements hold on 2026-12-04: only EKS 1.35 and 1.36 are in standard support, Istio 1.30 and 1.31 supported", () => {
        const today = day("2026-12-04");
        assert.deepEqual(
            EKS_MINORS.filter((e) => eksSupport(e.minor, today).status === "standard").map((e) => e.minor),
            ["1.35", "1.36"],
        );
        assert.equal(eksSupport("1.34", today).status, "extended");
        assert.deepEqual(supportedIstioMinors(today), ["1.30", "1.31"]);
    });

    it("a supported set gives no warning, and its status lines say until when", () => {
        const today = day("2026-12-04");
        const lines = supportStatus(
            { kubernetesVersion: "1.35", istioVersion: "1.30.2", lbcChartVersion: "3.0.0" },
            today,
        );
        assert.deepEqual(
            lines.map((l) => [l.key, l.status, l.pastSupport]),
            [
                ["kubernetesVersion", "standard", false],
                ["istioVersion", "supported", false],
                ["lbcChartVersion", "maintained", false],
            ],
        );
        assert.equal(
            lines[0].text,
            "kubernetesVersion 1.35: in EKS standard support until 2027-03-27 ($0.10/h per cluster)",
        );
        assert.equal(
            supportWarnings(
                { kubernetesVersion: "1.35", istioVersion: "1.30.2", lbcChartVersion: "3.0.0" },
                today,
            ).length,
            0,
        );
    });

    it("far in the future every known version is past support, and still nothing throws", () => {
        const future = day("2099-01-01");
        for (const e of EKS_MINORS) assert.equal(eksSupport(e.minor, future).pastSupport, true, e.minor);
        for (const e of ISTIO_MINORS.filter((x) => x.eol))
            assert.equal(istioSupport(`${e.minor}.0`, future).pastSupport, true);
        assert.equal(readConfig({ ...PINS }).istioVersion, "1.27.3");
    });

    it("the program logs exactly these warnings for today's date (pulumi.log.warn), and still registers the stack", async function () {
        this.timeout(30000);
        // Pins past support on any day from the calendar's check on: the list is never empty.
        const old = { kubernetesVersion: "1.33", istioVersion: "1.27.3", lbcChartVersion: "1.13.4" };
        const run = await recordStack("dev", { overrides: { ...old, gatewayApiVersion: "1.3.0" } });
        const expected = supportWarnings(old, new Date());
        assert.ok(expected.length >= 2, expected.join("\n"));
        assert.deepEqual(run.warnings, expected);
        assert.ok(run.resources.some((r) => r.type === "eks:index:Cluster"));
    });

    it("parseDay takes real UTC days only", () => {
        assert.equal(parseDay("2026-12-04")!.toISOString(), "2026-12-04T00:00:00.000Z");
        for (const bad of ["2026-02-30", "2026-12-4", "today", 20261204, undefined])
            assert.equal(parseDay(bad), undefined, String(bad));
    });
});

describe("support calendar: the data", () => {
    it("every entry names a public source; dates are days in order; ranges are ordered", () => {
        const entries = [...EKS_MINORS, ...ISTIO_MINORS, ...KARPENTER_SUPPORT, ...LBC_CHART_LINES];
        for (const e of entries) assert.match(e.source, /https:\/\/|go\.mod/, JSON.stringify(e));
        for (const e of EKS_MINORS) {
            assert.ok(parseDay(e.standardEnd) && parseDay(e.extendedEnd), e.minor);
            assert.ok(e.standardEnd < e.extendedEnd, e.minor);
        }
        for (const e of ISTIO_MINORS) {
            if (e.eol) assert.ok(parseDay(e.eol), e.minor);
            assert.ok(
                Number(e.kubernetes.min.split(".")[1]) <= Number(e.kubernetes.max.split(".")[1]),
                e.minor,
            );
        }
    });

    it("holds the issue's dates and pairings", () => {
        const eks = Object.fromEntries(EKS_MINORS.map((e) => [e.minor, e.standardEnd]));
        assert.deepEqual([eks["1.33"], eks["1.34"], eks["1.35"]], ["2026-07-29", "2026-12-02", "2027-03-27"]);
        const istio = Object.fromEntries(ISTIO_MINORS.map((e) => [e.minor, e]));
        assert.deepEqual(
            ["1.27", "1.28", "1.29"].map((m) => istio[m].eol),
            ["2026-04-07", "2026-07-01", "2026-10-15"],
        );
        assert.deepEqual(istio["1.27"].kubernetes, { min: "1.29", max: "1.33" });
        assert.deepEqual([istio["1.30"].gatewayApi, istio["1.31"].gatewayApi], ["1.5.1", "1.6.0"]);
        assert.ok(
            compareVersions(KARPENTER_SUPPORT.find((k) => k.kubernetes === "1.36")!.minKarpenter, "1.14.1") <=
                0,
        );
    });
});
