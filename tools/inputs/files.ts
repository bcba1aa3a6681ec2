// Turns the PATH arguments into what to read. Directories are walked for the formats the checker
// understands, kustomize directories become builds (lib: kustomize.ts); a file named explicitly is
// read whatever its extension, because the user asked for it (e.g. `helm template ... > rendered.out`).
import * as fs from "fs";
import * as path from "path";
import { cmp } from "../lib/report";
import { InputError } from "./errors";
import {
    findKustomizeTool,
    Kustomization,
    KUSTOMIZATION_FILES,
    kustomizationFile,
    KustomizeTool,
    readKustomization,
} from "./kustomize";
import type { SkippedFile } from "./repository";

/** Extensions picked up when walking a directory. */
export const WALKED_EXTENSIONS = [".yaml", ".yml", ".json"];

/** The inputs of one run: files to read, kustomizations to build, files skipped and why. */
export interface InputPlan {
    /** Files to read, in a stable order; `explicit` ones (named on the command line) are read strictly. */
    files: { file: string; explicit: boolean }[];
    /** Top-level kustomization directories to build with `tool`. */
    builds: string[];
    tool?: KustomizeTool;
    skipped: SkippedFile[];
    notices: string[];
}

/**
 * Plans what to read, in a stable order (sorted within each directory), without duplicates (the
 * same file reached through a directory and by name, or through two kustomizations, is read once).
 * Paths stay as the user wrote them, joined with the names found under them, so messages never
 * show absolute paths.
 */
export function planInputs(paths: string[], env: NodeJS.ProcessEnv = process.env): InputPlan {
    const plan: InputPlan = { files: [], builds: [], skipped: [], notices: [] };
    const realpath = realpathOnce();
    const seen = new Set<string>();
    const add = (file: string, explicit: boolean) => {
        const key = realpath(file);
        if (!seen.has(key)) {
            seen.add(key);
            plan.files.push({ file, explicit });
        }
    };
    let tool: KustomizeTool | undefined | null = null;
    for (const p of paths) {
        let stat: fs.Stats;
        try {
            stat = fs.statSync(p);
        } catch (e) {
            throw new InputError(p, `cannot read: ${systemReason(e)}`);
        }
        if (stat.isDirectory()) {
            const found = walk(p);
            if (found.files.length === 0) {
                throw new InputError(
                    p,
                    `directory holds no ${WALKED_EXTENSIONS.join(", ")} files; nothing to check`,
                );
            }
            const k = kustomizations(found, realpath);
            if (k.roots.length && tool === null) tool = findKustomizeTool(env);
            for (const file of found.files) {
                const real = realpath(file);
                if (!k.owned.has(real)) add(file, false);
                else if (k.unlisted.has(real)) plan.skipped.push({ file, reason: k.unlisted.get(real)! });
            }
            for (const root of k.roots) {
                if (tool) {
                    plan.builds.push(root.dir);
                    continue;
                }
                plan.notices.push(
                    `${root.dir}: neither kustomize nor kubectl is on PATH, so its resources are read as they are (patches, generators and name or namespace transforms not applied)`,
                );
                const visited = new Set<Kustomization>();
                const read = (kz: Kustomization) => {
                    if (visited.has(kz)) return;
                    visited.add(kz);
                    kz.resources.forEach((f) => add(f, false));
                    for (const f of kz.inputs) {
                        plan.skipped.push({
                            file: f,
                            reason: `patch or generator input of kustomization ${kz.dir}, not applied without kustomize`,
                        });
                    }
                    for (const d of kz.dirs) {
                        const child = k.byDir.get(realpath(d));
                        if (child) read(child);
                    }
                };
                read(root);
            }
            if (tool) plan.tool = tool;
        } else if (stat.isFile()) {
            add(p, true);
        } else {
            throw new InputError(p, "not a regular file or directory");
        }
    }
    return plan;
}

interface Walked {
    files: string[];
    /** Directories holding a kustomization file. */
    kustomizationDirs: string[];
}

function walk(dir: string, out: Walked = { files: [], kustomizationDirs: [] }): Walked {
    let entries: fs.Dirent[];
    try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
        throw new InputError(dir, `cannot read directory: ${systemReason(e)}`);
    }
    entries.sort((a, b) => cmp(a.name, b.name));
    for (const entry of entries) {
        // Hidden entries (.git, .github, editor swap dirs) and installed packages are never inputs.
        if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full, out);
        else if (KUSTOMIZATION_FILES.includes(entry.name)) {
            if (!out.kustomizationDirs.includes(dir)) out.kustomizationDirs.push(dir);
            out.files.push(full);
        } else if (WALKED_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) out.files.push(full);
    }
    return out;
}

/**
 * The kustomizations of a walked tree: the top-level ones (no other kustomization reaches them) to
 * build, every file that belongs to some kustomization (read through it, never on its own), and
 * the files of a kustomization directory it does not list (kustomize ignores them).
 */
function kustomizations(
    found: Walked,
    realpath: (p: string) => string,
): {
    roots: Kustomization[];
    byDir: Map<string, Kustomization>;
    owned: Set<string>;
    unlisted: Map<string, string>;
} {
    const byDir = new Map<string, Kustomization>();
    const load = (dir: string) => {
        const real = realpath(dir);
        if (byDir.has(real)) return;
        const file = kustomizationFile(dir);
        if (!file) return;
        const k = readKustomization(dir, file);
        byDir.set(real, k);
        k.dirs.forEach(load);
    };
    found.kustomizationDirs.forEach(load);
    const reached = new Set<string>();
    for (const k of byDir.values()) for (const d of k.dirs) reached.add(realpath(d));
    const roots = found.kustomizationDirs
        .filter((d) => !reached.has(realpath(d)))
        .map((d) => byDir.get(realpath(d))!);
    const listed = new Set<string>();
    for (const k of byDir.values())
        for (const f of [k.file, ...k.resources, ...k.inputs]) listed.add(realpath(f));
    const unlisted = new Map<string, string>();
    for (const f of found.files) {
        const real = realpath(f);
        const k = byDir.get(realpath(path.dirname(f)));
        if (k && !listed.has(real)) {
            unlisted.set(
                real,
                `in kustomize directory ${k.dir} but not listed in its kustomization (kustomize ignores it)`,
            );
        }
    }
    // A kustomization owns what it lists and what sits unlisted in its directory.
    return { roots, byDir, owned: new Set([...listed, ...unlisted.keys()]), unlisted };
}

/**
 * fs.realpathSync with the answers of one run kept: a walked file is looked up by real path in
 * several places (duplicates, kustomization ownership, listing), each once on disk.
 */
function realpathOnce(): (p: string) => string {
    const known = new Map<string, string>();
    return (p) => {
        let real = known.get(p);
        if (real === undefined) {
            real = fs.realpathSync(p);
            known.set(p, real);
        }
        return real;
    };
}

/** Reads a file as UTF-8, turning OS errors into an InputError naming the file. */
export function readText(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(file, `cannot read: ${systemReason(e)}`);
    }
}

/** "no such file or directory" rather than an errno dump with the absolute path in it. */
export function systemReason(e: unknown): string {
    const code = (e as NodeJS.ErrnoException)?.code;
    switch (code) {
        case "ENOENT":
            return "no such file or directory";
        case "EACCES":
        case "EPERM":
            return "permission denied";
        case "EISDIR":
            return "is a directory";
        default:
            return code ?? String((e as Error)?.message ?? e);
    }
}
