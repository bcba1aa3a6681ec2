// `npm run bench -- --tests`: how long the developer's loop takes, against how long Node takes to
// load the four Pulumi SDKs the program imports (a floor no test run can go below, and a measure of
// how fast this machine is right now). Timed as a user sees it: wall time of whole processes.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
/** `npm test` may take at most this many times the SDK load. */
export const TARGET_RATIO = 8;
const SDK_LOAD = [
    "require('@pulumi/pulumi')",
    "require('@pulumi/aws')",
    "require('@pulumi/kubernetes')",
    "require('@pulumi/eks')",
].join(";");
/** What test/support/typecheck.js writes after a clean check; without it the type-check runs again. */
const TYPECHECK_STAMP = path.join(ROOT, "node_modules", ".cache", "istio-eks-nlb", "typecheck-stamp.json");

export interface TestLoopOptions {
    /** How many times each `npm test` case runs (the median is reported). */
    runs: number;
    /** How many times the SDKs are loaded in all (the median is reported); two per run at least. */
    sdkRuns: number;
}

interface Timed {
    ms: number;
    ok: boolean;
    tail: string;
}

function timed(cmd: string, args: string[]): Timed {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n");
    return { ms, ok: r.status === 0, tail: out.slice(-3).join("\n") };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Measures, prints a report, and returns 0 when `npm test` (warm) is within the target, else 1. */
export function benchTestLoop(opts: TestLoopOptions, log: (line: string) => void): number {
    const loadBefore = os.loadavg()[0];
    const sdk: number[] = [];
    // SDK loads between the test runs, so that both see the same machine (its load changes).
    const loadSdk = (times: number): boolean => {
        for (let i = 0; i < times; i++) {
            const t = timed(process.execPath, ["-e", SDK_LOAD]);
            if (!t.ok) {
                log(`loading the Pulumi SDKs failed (run npm ci first):\n${t.tail}`);
                return false;
            }
            sdk.push(t.ms);
        }
        return true;
    };
    if (!loadSdk(Math.max(1, opts.sdkRuns - 2 * opts.runs))) return 1;

    // One run to make it warm (type-check stamp and build info, tsx's cache), not counted.
    const warmup = timed(npm, ["test"]);
    if (!warmup.ok) {
        log(`npm test failed, nothing to time:\n${warmup.tail}`);
        return 1;
    }
    const warm: number[] = [];
    const edited: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
        if (!loadSdk(1)) return 1;
        const w = timed(npm, ["test"]);
        if (!loadSdk(1)) return 1;
        // As after an edit: the type-check's stamp gone, so tsc --incremental runs again.
        fs.rmSync(TYPECHECK_STAMP, { force: true });
        const e = timed(npm, ["test"]);
        for (const t of [w, e]) {
            if (!t.ok) {
                log(`npm test failed while timing:\n${t.tail}`);
                return 1;
            }
        }
        warm.push(w.ms);
        edited.push(e.ms);
    }
    const sdkMs = median(sdk);
    const warmMs = median(warm);
    const editedMs = median(edited);
    const ratio = warmMs / sdkMs;
    const editedRatio = editedMs / sdkMs;
    const list = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(", ");

    log(`SDK load (node -e "${SDK_LOAD}"), median of ${sdk.length}: ${secs(sdkMs)} (${list(sdk)})`);
    log(
        `npm test, warm, no change since the last run, median of ${warm.length}: ${secs(warmMs)} (${list(warm)}) = ${ratio.toFixed(1)}x the SDK load (target <= ${TARGET_RATIO}x)`,
    );
    log(
        `npm test, type-check run again as after an edit (tsc --incremental), median of ${edited.length}: ${secs(editedMs)} (${list(edited)}) = ${editedRatio.toFixed(1)}x the SDK load`,
    );
    const cpus = os.cpus();
    log(
        `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? "cpu"}, Node ${process.version}, ${os.platform()}; load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`,
    );
    if (loadBefore > 1) log("other work was running on this machine: the times are inflated");
    if (ratio > TARGET_RATIO) {
        log(`FAIL: npm test (warm) took ${ratio.toFixed(1)}x the SDK load, over the ${TARGET_RATIO}x target`);
        return 1;
    }
    return 0;
}
