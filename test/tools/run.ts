// Runs the real tools as users do (a separate Node process through tsx, from the repo root), at most
// two at a time: each process costs one to two seconds of CPU on a 2-core machine. The test files
// start their processes when mocha loads them, so they run beside the in-process tests (measured:
// two at a time finishes the whole suite sooner than one, three is no faster). Also an in-process runner for main(argv, io), used for the many cheap cases.
import { execFile } from "child_process";
import * as path from "path";
import type { CliIO } from "../../tools/lib/cli";

export const ROOT = path.join(__dirname, "..", "..");
export const FIXTURES = "test/fixtures/check";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
        return await work();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

/**
 * Spawns `node --require tsx/cjs <script> ...args` in the repo root. The tools are CommonJS
 * TypeScript, so tsx's CommonJS hook is all they need; `--import tsx` adds its ES module hooks on a
 * loader thread, which doubled the startup of a check (0.85 s of CPU against 0.4 s).
 */
export function spawnTool(script: string, args: string[]): Promise<RunResult> {
    return slot(
        () =>
            new Promise<RunResult>((resolve) => {
                execFile(
                    process.execPath,
                    ["--require", "tsx/cjs", script, ...args],
                    {
                        cwd: ROOT,
                        maxBuffer: 16 * 1024 * 1024,
                        // Not run by npm: the npm hint (tools/lib/cli.ts) must not read the outer `npm test`.
                        env: { ...process.env, DEBUG: "", npm_lifecycle_event: "" },
                    },
                    (err, stdout, stderr) => {
                        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
                        resolve({ code, stdout, stderr });
                    },
                );
            }),
    );
}

/** Calls a tool's main(argv, io) in this process, capturing what it writes. */
export async function runInProcess(
    main: (argv: string[], io: CliIO) => Promise<number>,
    argv: string[],
    env?: NodeJS.ProcessEnv,
): Promise<RunResult> {
    let stdout = "";
    let stderr = "";
    const io: CliIO = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        env,
    };
    const code = await main(argv, io);
    return { code, stdout, stderr };
}

/** Runs a promise-returning function once, on first call, and shares its result. */
export function once<T>(f: () => Promise<T>): () => Promise<T> {
    let p: Promise<T> | undefined;
    return () => (p ??= f());
}
