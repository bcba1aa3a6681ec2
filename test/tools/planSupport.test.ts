// `npm run plan` and the support calendar (issue 15, item 2): an incompatible pair is a config error
// (exit 2) where it used to plan and exit 0; past-support versions are warning lines and advisory
// findings for the injected day, never a failure, on any day.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDay } from "../../policies/lib/support";
import { SUPPORTED_VERSIONS_POLICY_NAME } from "../../policies/supportedVersions";
import { main as plan, PlanReport } from "../../tools/plan";
import { main as check } from "../../tools/check";
import { FIXTURE_STACKS, recordStack, toStackExport } from "../harness/pulumiMocks";
import { ROOT, runInProcess } from "./run";

/** Explicit, old pins (not the moving defaults): past support from the calendar's day on. */
const OLD = [
    "-c",
    "kubernetesVersion=1.33",
    "-c",
    "istioVersion=1.27.3",
    "-c",
    "lbcChartVersion=1.13.4",
    "-c",
    "gatewayApiVersion=1.3.0",
];

describe("npm run plan: support status", function () {
    this.timeout(60000);
    let root: string;
    const planOn = (today: string) => (argv: string[], io: Parameters<typeof plan>[1]) =>
        plan(argv, io, { configRoot: root, today: parseDay(today) });
    before(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-support-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
        fs.copyFileSync(path.join(FIXTURE_STACKS, "Pulumi.dev.yaml"), path.join(root, "Pulumi.dev.yaml"));
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("istioVersion 1.27.3 with kubernetesVersion 1.36 is refused: exit 2, both keys and Istio 1.27's range named", async () => {
        const r = await runInProcess(planOn("2026-12-04"), [
            "--stack",
            "dev",
            ...OLD,
            "-c",
            "kubernetesVersion=1.36",
        ]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.match(
            r.stderr,
            /^plan: stack "dev": Invalid config "istio-eks-nlb:istioVersion": "1\.27\.3" does not support kubernetesVersion "1\.36": Istio 1\.27 supports Kubernetes 1\.29 to 1\.33/,
        );
    });

    it("past-support versions: warning lines and advisory findings for the injected day, exit 0 then and in 2099", async () => {
        const r = await runInProcess(planOn("2026-12-04"), ["--stack", "dev", ...OLD, "--format", "json"]);
        assert.equal(r.code, 0, r.stderr);
        const report = JSON.parse(r.stdout) as PlanReport;
        assert.equal(report.supportDay, "2026-12-04");
        assert.deepEqual(
            report.support.map((l) => [l.key, l.status]),
            [
                ["kubernetesVersion", "extended"],
                ["istioVersion", "end-of-life"],
                ["lbcChartVersion", "unmaintained"],
            ],
        );
        const findings = report.violations.filter((v) => v.policy === SUPPORTED_VERSIONS_POLICY_NAME);
        assert.deepEqual(
            findings.map((v) => v.enforcementLevel),
            ["advisory", "advisory"],
        );
        assert.match(findings.map((v) => v.message).join("\n"), /past EKS standard support on 2026-12-04/);

        const later = await runInProcess(planOn("2099-01-01"), ["--stack", "dev", ...OLD]);
        assert.equal(later.code, 0, later.stderr);
        assert.match(
            later.stdout,
            /\nSupport status on 2099-01-01 \(docs\/support\.md\)\n {2}warning: kubernetesVersion 1\.33: EKS extended support ended 2027-07-29/,
        );
    });
});

describe("npm run check: supported-versions on a stack export", function () {
    this.timeout(60000);
    let dir: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-support-"));
        const run = await recordStack("dev", {
            overrides: {
                kubernetesVersion: "1.33",
                istioVersion: "1.27.3",
                lbcChartVersion: "1.13.4",
                gatewayApiVersion: "1.3.0",
            },
        });
        fs.writeFileSync(path.join(dir, "export.json"), JSON.stringify(toStackExport(run.resources)));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const checkOn = async (today: string, extra: Record<string, unknown> = {}) => {
        const config = path.join(dir, `config-${today}.json`);
        fs.writeFileSync(config, JSON.stringify({ ...extra, [SUPPORTED_VERSIONS_POLICY_NAME]: { today } }));
        const r = await runInProcess(check, [
            "--format",
            "json",
            "--config",
            config,
            path.join(dir, "export.json"),
        ]);
        return {
            code: r.code,
            stderr: r.stderr,
            findings: (JSON.parse(r.stdout || "{}").violations ?? []).filter(
                (v: { policy: string }) => v.policy === SUPPORTED_VERSIONS_POLICY_NAME,
            ),
        };
    };

    it("reports the cluster and the Istio charts for the configured day, advisory even with all: mandatory; nothing the day before", async () => {
        const r = await checkOn("2026-12-04", { all: "mandatory" });
        assert.equal(r.findings.length, 2, r.stderr);
        for (const f of r.findings) assert.equal(f.enforcementLevel, "advisory");
        assert.match(
            r.findings.map((f: { message: string }) => f.message).join("\n"),
            /EKS cluster on Kubernetes 1\.33[\s\S]*Istio 1\.27\.3 charts/,
        );
        const before = await checkOn("2026-01-22");
        assert.equal(before.code, 0, before.stderr);
        assert.deepEqual(before.findings, []);
    });
});
