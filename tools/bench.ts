// `npm run bench`: how the analysis scales. Builds synthetic stacks of 1k, 10k and 100k resources
// (tools/bench/synthetic.ts), runs the pack through the same evaluator as the checker and the tests,
// checks that exactly the planted chains are reported as mandatory, and prints resources/s and the
// ratio t(100k)/t(10k) (linear would be 10). Also times one `npm run plan`. With --tests, times the
// test loop instead (tools/bench/testLoop.ts). Exit 1 when a check or target fails. Not run by the
// tests: timings depend on the machine.
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { evaluateStack } from "../policies/lib/evaluate";
import { syntheticStack } from "./bench/synthetic";
import { benchTestLoop, TARGET_RATIO as TARGET_TEST_RATIO } from "./bench/testLoop";
import { InputError } from "./inputs/errors";
import { CliIO, EXIT_OK, EXIT_USAGE, parseFlags, runMain } from "./lib/cli";

const SIZES = [1_000, 10_000, 100_000];
const TARGET_100K_MS = 2000;
const TARGET_RATIO = 12;

interface Row {
    size: number;
    chains: number;
    found: number;
    ms: number;
    ok: boolean;
}

async function measure(size: number): Promise<Row> {
    const stack = syntheticStack(size);
    const start = process.hrtime.bigint();
    const violations = await evaluateStack(stack.resources);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;

    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    const found = new Set(mandatory.map((v) => v.urn ?? "(stack)"));
    const missed = [...stack.planted].filter((u) => !found.has(u));
    const extra = [...found].filter((u) => !stack.planted.has(u));
    const policies = new Set(mandatory.map((v) => v.policyName));
    // Exactly once per chain, all from the one mandatory policy, nothing else mandatory.
    const ok =
        missed.length === 0 &&
        extra.length === 0 &&
        mandatory.length === stack.planted.size &&
        policies.size <= 1;
    if (!ok) {
        const show = (l: string[]) => l.slice(0, 3).join(", ") || "none";
        console.error(
            `size ${size}: expected ${stack.planted.size} mandatory violations on the planted chains, got ${mandatory.length} ` +
                `(policies: ${[...policies].join(", ") || "none"}; missed: ${show(missed)}; unexpected: ${show(extra)})`,
        );
    }
    return { size, chains: stack.planted.size, found: mandatory.length, ms, ok };
}

function timePlan(): { ms: number; ok: boolean } {
    const start = process.hrtime.bigint();
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["run", "--silent", "plan", "--", "--stack", "dev", "--format", "json"], {
        cwd: path.join(__dirname, ".."),
        encoding: "utf8",
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    // Exit 1 would mean the platform itself has a mandatory violation: a failure worth showing.
    if (r.status !== 0)
        console.error(`npm run plan exited ${r.status}: ${(r.stderr || "").trim().split("\n")[0]}`);
    return { ms, ok: r.status === 0 };
}

export const USAGE = `usage: npm run bench [-- --help]
       npm run bench:tests [-- --runs N]       (the same as: npm run bench -- --tests [--runs N])
  bench: times the policy pack over synthetic stacks of 1k, 10k and 100k resources with planted ALB
  chains (exactly those must be found), and one cold \`npm run plan -- --stack dev\`; prints a table.
  bench:tests: times \`npm test\`, warm (median of N runs, default 3) and with the type-check run again
  as after an edit, against the time Node takes to load the four Pulumi SDKs (median of 7 loads).
exit 0: all findings right and targets met (100k under ${TARGET_100K_MS} ms, t(100k)/t(10k) <= ${TARGET_RATIO};
  bench:tests: warm npm test within ${TARGET_TEST_RATIO}x the SDK load); 1: not; 2: bad usage
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
    let runs = 3;
    let tests = false;
    try {
        const { values, positionals } = parseFlags(argv, {
            help: { type: "boolean", short: "h" },
            tests: { type: "boolean" },
            runs: { type: "string" },
        });
        if (positionals.length) throw new InputError(positionals[0], "unexpected argument; bench takes none");
        if (values.help) {
            io.stdout.write(USAGE);
            return EXIT_OK;
        }
        if (values.runs !== undefined) {
            if (!values.tests) throw new InputError("--runs", "only with --tests");
            runs = Number(values.runs);
            if (!/^\d+$/.test(values.runs) || runs < 1 || runs > 20)
                throw new InputError("--runs", `"${values.runs}" is not a whole number from 1 to 20`);
        }
        tests = !!values.tests;
    } catch (e) {
        if (!(e instanceof InputError)) throw e;
        io.stderr.write(`bench: ${e.message}\n${USAGE}`);
        return EXIT_USAGE;
    }
    if (tests) return benchTestLoop({ runs, sdkRuns: 7 }, (line) => io.stdout.write(`${line}\n`));
    return bench();
}

async function bench(): Promise<number> {
    // Warm-up: module loading and JIT are not what is measured.
    await evaluateStack(syntheticStack(1_000).resources);
    const rows: Row[] = [];
    for (const size of SIZES) rows.push(await measure(size));
    const plan = timePlan();

    const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
    const lines = [
        `| resources | planted chains | found (mandatory) | time | resources/s |`,
        `|---:|---:|---:|---:|---:|`,
        ...rows.map(
            (r) =>
                `| ${fmt(r.size)} | ${fmt(r.chains)} | ${fmt(r.found)}${r.ok ? "" : " (WRONG)"} | ${r.ms.toFixed(0)} ms | ${fmt((r.size / r.ms) * 1000)} |`,
        ),
    ];
    const t10k = rows.find((r) => r.size === 10_000)!.ms;
    const t100k = rows.find((r) => r.size === 100_000)!.ms;
    const ratio = t100k / t10k;
    console.log(lines.join("\n"));
    console.log("");
    console.log(`t(100k)/t(10k) = ${ratio.toFixed(1)} (target <= ${TARGET_RATIO}; linear = 10)`);
    console.log(`100k resources: ${t100k.toFixed(0)} ms (target < ${TARGET_100K_MS} ms)`);
    console.log(`npm run plan -- --stack dev: ${plan.ms.toFixed(0)} ms wall (one cold process)`);
    console.log(
        `machine: ${os.cpus().length} x ${os.cpus()[0]?.model.trim() ?? "cpu"}, Node ${process.version}, ${os.platform()}`,
    );

    const failures = [
        ...rows.filter((r) => !r.ok).map((r) => `wrong findings at ${r.size}`),
        ...(t100k >= TARGET_100K_MS ? ["100k over target"] : []),
        ...(ratio > TARGET_RATIO ? ["ratio over target"] : []),
        ...(plan.ok ? [] : ["plan failed"]),
    ];
    if (failures.length) console.error(`FAIL: ${failures.join(", ")}`);
    return failures.length ? 1 : 0;
}

if (require.main === module) runMain(main);
