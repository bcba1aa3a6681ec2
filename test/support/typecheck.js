// The type-check of `npm test`: `tsc --noEmit -p .` over the same files, made cheap when repeated.
// Most of tsc's time here is building the program (parsing and binding ~3,900 declaration files of
// the AWS, Kubernetes and EKS SDKs), which tsc --incremental redoes on every run even when nothing
// changed. So:
//   - when no input changed since the last clean check, the check is not run again: the inputs are
//     every file tsc read last time (our sources by content hash, node_modules by size and mtime,
//     which npm rewrites on install), the files tsconfig.json includes now (new files count), and
//     tsconfig.json itself;
//   - otherwise tsc runs with --incremental (its build info under node_modules/.cache, never
//     committed), so only what an edit affects is checked again; a clean run records the stamp.
// Only a clean run writes the stamp, so a type error fails every run until it is fixed.
// `npm run typecheck` is the plain, uncached tsc.
"use strict";
const { spawn } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..", "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "istio-eks-nlb");
const BUILD_INFO = path.join(CACHE, "tsconfig.tsbuildinfo");
const STAMP = path.join(CACHE, "typecheck-stamp.json");
const STAMP_VERSION = 2;

/** What a file looks like now: content hash for ours, size and mtime for installed packages. */
function signature(rel) {
    const abs = path.join(ROOT, rel);
    let stat;
    try {
        stat = fs.statSync(abs);
    } catch {
        return "missing";
    }
    if (rel.split(/[\\/]/).includes("node_modules")) return `${stat.size}:${stat.mtimeMs}`;
    return crypto.createHash("sha256").update(fs.readFileSync(abs)).digest("hex");
}

/**
 * The root files tsconfig.json includes now. Its `include` uses two forms, a file ("index.ts") and
 * a folder's TypeScript ("components/**\/*.ts"); anything else is refused rather than misread.
 */
function includedFiles() {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    const files = [];
    for (const entry of tsconfig.include ?? []) {
        const dir = /^([\w.-]+(?:\/[\w.-]+)*)\/\*\*\/\*\.ts$/.exec(entry);
        if (dir) walk(dir[1], files);
        else if (/^[\w./-]+\.ts$/.test(entry) && !entry.includes("*")) files.push(entry);
        else
            throw new Error(
                `tsconfig.json include "${entry}": test/support/typecheck.js understands "file.ts" and "dir/**/*.ts" only`,
            );
    }
    return files;
}

function walk(dir, out) {
    let entries;
    try {
        entries = fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true });
    } catch {
        return;
    }
    for (const e of entries) {
        const rel = `${dir}/${e.name}`;
        // tsc's wildcards skip package folders too.
        if (e.isDirectory() && e.name !== "node_modules") walk(rel, out);
        else if (e.isFile() && e.name.endsWith(".ts")) out.push(rel);
    }
}

function readStamp() {
    try {
        const stamp = JSON.parse(fs.readFileSync(STAMP, "utf8"));
        return stamp.version === STAMP_VERSION ? stamp : undefined;
    } catch {
        return undefined;
    }
}

/** True when every file of the last clean check is unchanged and no new file is included. */
function unchanged(stamp, roots) {
    if (!stamp) return false;
    if (roots.some((f) => !(f in stamp.files))) return false;
    return Object.entries(stamp.files).every(([f, sig]) => signature(f) === sig);
}

/** Paths relative to the root, with forward slashes, as the stamp keeps them. */
function relative(abs) {
    return path.relative(ROOT, abs).split(path.sep).join("/");
}

/**
 * Runs the type-check. Resolves to { code, output, skipped }: code 0 when clean, output what tsc
 * printed (its diagnostics), skipped when nothing changed since the last clean check.
 */
function typecheck() {
    const roots = includedFiles();
    const stamp = readStamp();
    const always = ["tsconfig.json", "node_modules/typescript/package.json"];
    if (unchanged(stamp, [...roots, ...always])) {
        return Promise.resolve({
            code: 0,
            output: "",
            skipped: true,
            files: stamp.checked,
        });
    }
    // The state of the inputs as tsc is about to read them: an edit made while it runs is not
    // recorded as checked.
    const before = new Map([...roots, ...always].map((f) => [f, signature(f)]));
    fs.rmSync(STAMP, { force: true });
    fs.mkdirSync(CACHE, { recursive: true });
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    const args = [
        tsc,
        "--noEmit",
        "-p",
        ".",
        "--incremental",
        "--tsBuildInfoFile",
        BUILD_INFO,
        "--listFiles",
    ];
    if (process.stdout.isTTY) args.push("--pretty");
    return new Promise((resolve) => {
        const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => {
            // --listFiles prints every file of the program as an absolute path, one a line; the
            // rest is diagnostics.
            const listed = [];
            const diagnostics = [];
            for (const line of out.split(/\r?\n/)) {
                if (path.isAbsolute(line) && fs.existsSync(line)) listed.push(relative(line));
                else if (line.trim()) diagnostics.push(line);
            }
            if (code === 0) {
                const files = {};
                for (const f of [...listed, ...always]) files[f] = before.get(f) ?? signature(f);
                fs.writeFileSync(
                    STAMP,
                    JSON.stringify({ version: STAMP_VERSION, checked: listed.length, files }),
                );
            }
            resolve({
                code: code ?? 1,
                output: diagnostics.join("\n"),
                skipped: false,
                files: listed.length,
            });
        });
    });
}

/** The closing line `npm test` prints for a result of {@link typecheck}. */
function summary(r) {
    return r.skipped
        ? `type-check: no input changed since the last clean check (${r.files} files), not run again`
        : `type-check: ${r.code === 0 ? "clean" : "FAILED"} (tsc --noEmit -p . --incremental, ${r.files} files)`;
}

module.exports = { typecheck, summary, includedFiles };

if (require.main === module) {
    typecheck().then((r) => {
        if (r.output) console.log(r.output);
        console.log(summary(r));
        process.exitCode = r.code;
    });
}
