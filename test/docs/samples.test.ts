// The sample runs the documentation quotes, written from the tools' real output: each block is a
// console transcript (command, output, exit code) of main() run in this process, as
// test/tools/*.test.ts run it. The plan runs read the tests' fixture stack files
// (test/fixtures/stacks), never the user's Pulumi.<stack>.yaml. A stale block fails with the whole
// block to paste; UPDATE_README=1 npx mocha test/docs/samples.test.ts rewrites it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main as check } from "../../tools/check";
import { main as plan } from "../../tools/plan";
import { FIXTURE_STACKS, recordStack } from "../harness/pulumiMocks";
import { parseDay } from "../../policies/lib/support";
import { CALENDAR_CHECKED } from "../../policies/lib/supportCalendar";
import { RunResult, runInProcess } from "../tools/run";
import { assertDocBlock, ROOT } from "./readmeBlock";

type Main = Parameters<typeof runInProcess>[0];

/** One command as a user types it, and the tool's main() with the arguments npm passes it. */
interface Run {
    script: "check" | "plan";
    main: Main;
    argv: string[];
}

/** `$ command`, what it printed, and its exit code: a block a reader can compare with their own run. */
function transcript(runs: { run: Run; result: RunResult }[]): string {
    const lines = runs.map(({ run, result }) => {
        // A transcript shows one stream; a run that writes both would need their interleaving.
        assert.ok(
            result.stdout === "" || result.stderr === "",
            `${run.argv.join(" ")} wrote to both streams`,
        );
        const command = `npm run --silent ${run.script} -- ${run.argv.join(" ")}`;
        return `$ ${command}\n${result.stdout}${result.stderr}$ echo $?\n${result.code}\n`;
    });
    return `\n\`\`\`console\n${lines.join("")}\`\`\`\n`;
}

async function assertSample(name: string, runs: Run[]): Promise<void> {
    const results = [];
    for (const run of runs) results.push({ run, result: await runInProcess(run.main, run.argv) });
    assertDocBlock(
        name,
        transcript(results),
        `the output of ${runs.map((r) => `npm run ${r.script} -- ${r.argv.join(" ")}`).join("; ")}`,
    );
}

describe("documentation samples", function () {
    // The plan records the program under mocks: seconds on a cold process.
    this.timeout(60000);

    // Pulumi.yaml (the project's schema and defaults) with the tests' copy of the dev stack file.
    let configRoot: string;
    // Support dates are judged on the day the calendar was checked, so a passing day changes no block.
    const planOnFixtures: Main = (argv, io) =>
        plan(argv, io, { configRoot, today: parseDay(CALENDAR_CHECKED) });
    before(() => {
        configRoot = fs.mkdtempSync(path.join(os.tmpdir(), "doc-samples-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(configRoot, "Pulumi.yaml"));
        fs.copyFileSync(
            path.join(FIXTURE_STACKS, "Pulumi.dev.yaml"),
            path.join(configRoot, "Pulumi.dev.yaml"),
        );
    });
    after(() => fs.rmSync(configRoot, { recursive: true, force: true }));

    it("the transcript shows each command, its one output stream and its exit code", () => {
        const run: Run = { script: "check", main: check, argv: ["x"] };
        assert.equal(
            transcript([
                { run, result: { code: 2, stdout: "", stderr: "check: x: no such file\n" } },
                { run, result: { code: 0, stdout: "ok\n", stderr: "" } },
            ]),
            "\n```console\n$ npm run --silent check -- x\ncheck: x: no such file\n$ echo $?\n2\n" +
                "$ npm run --silent check -- x\nok\n$ echo $?\n0\n```\n",
        );
        assert.throws(
            () => transcript([{ run, result: { code: 0, stdout: "a\n", stderr: "b\n" } }]),
            /x wrote to both streams/,
        );
    });

    it("docs/offline-tools.md: npm run check --help (block check:help)", async () => {
        await assertSample("check:help", [{ script: "check", main: check, argv: ["--help"] }]);
    });

    it("docs/offline-tools.md: check's three exit codes on fixtures (block check:examples)", async () => {
        await assertSample("check:examples", [
            { script: "check", main: check, argv: ["test/fixtures/check/split"] },
            {
                script: "check",
                main: check,
                argv: ["--format", "json", "test/fixtures/check/export-nlb-clean.json"],
            },
            { script: "check", main: check, argv: ["test/fixtures/check/bad/truncated-export.json"] },
        ]);
    });

    it("docs/policy-pack.md: the violation an ALB chain gets (block check:alb-chain)", async () => {
        await assertSample("check:alb-chain", [
            { script: "check", main: check, argv: ["test/fixtures/check/export-alb-chain.json"] },
        ]);
    });

    it("docs/offline-tools.md: npm run plan --help (block plan:help)", async () => {
        await assertSample("plan:help", [{ script: "plan", main: plan, argv: ["--help"] }]);
    });

    it("docs/offline-tools.md: the dev plan, on the tests' dev stack file (block plan:dev:text)", async () => {
        await assertSample("plan:dev:text", [
            { script: "plan", main: planOnFixtures, argv: ["--stack", "dev"] },
        ]);
    });

    it("docs/configuration.md: a bad value and a misspelt key, as plan and pulumi up report them (block plan:config-errors)", async () => {
        await assertSample("plan:config-errors", [
            { script: "plan", main: planOnFixtures, argv: ["--stack", "dev", "-c", "nodeMinSize=5"] },
            { script: "plan", main: planOnFixtures, argv: ["--stack", "dev", "-c", "nlbSchme=internal"] },
        ]);
    });

    it("docs/operations.md's outputs table names every stack output (dev with the hostname keys set)", async () => {
        const run = await recordStack("dev", {
            overrides: {
                hostname: "app.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                tls: "letsencryptStaging",
                acmeEmail: "ops@example.com",
            },
        });
        const page = fs.readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
        const table = page.slice(
            page.indexOf("\n## Outputs\n"),
            page.indexOf("\n## ", page.indexOf("\n## Outputs\n") + 1),
        );
        const documented = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
        assert.deepEqual([...documented].sort(), Object.keys(run.outputs).sort());
    });
});
