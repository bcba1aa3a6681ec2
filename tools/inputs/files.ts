// Turns the PATH arguments into what to read. Directories are walked for the formats the checker
// understands, kustomize directories become builds (lib: kustomize.ts); a file named explicitly is
// read whatever its extension, because the user asked for it (e.g. `helm template ... > rendered.out`).
import * as fs from "fs";
import * as path from "path";
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
    const seen = new Set<string>();
    const add = (file: string, explicit: boolean) => {
        const key = fs.realpathSync(file);
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
            const k = kustomizations(found);
            if (k.roots.length && tool === null) tool = findKustomizeTool(env);
            for (const file of found.files) {
                const real = fs.realpathSync(file);
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
                        const child = k.byDir.get(fs.realpathSync(d));
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
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
function kustomizations(found: Walked): {
    roots: Kustomization[];
    byDir: Map<string, Kustomization>;
    owned: Set<string>;
    unlisted: Map<string, string>;
} {
    const byDir = new Map<string, Kustomization>();
    const load = (dir: string) => {
        const real = fs.realpathSync(dir);
        if (byDir.has(real)) return;
        const file = kustomizationFile(dir);
        if (!file) return;
        const k = readKustomization(dir, file);
        byDir.set(real, k);
        k.dirs.forEach(load);
    };
    found.kustomizationDirs.forEach(load);
    const reached = new Set<string>();
    for (const k of byDir.values()) for (const d of k.dirs) reached.add(fs.realpathSync(d));
    const roots = found.kustomizationDirs
        .filter((d) => !reached.has(fs.realpathSync(d)))
        .map((d) => byDir.get(fs.realpathSync(d))!);
    const owned = new Set<string>();
    const listed = new Set<string>();
    for (const k of byDir.values()) {
        for (const f of [k.file, ...k.resources, ...k.inputs]) {
            owned.add(fs.realpathSync(f));
            listed.add(fs.realpathSync(f));
        }
    }
    const unlisted = new Map<string, string>();
    for (const f of found.files) {
        const real = fs.realpathSync(f);
        const k = byDir.get(fs.realpathSync(path.dirname(f)));
        if (k && !listed.has(real)) {
            owned.add(real);
            unlisted.set(
                real,
                `in kustomize directory ${k.dir} but not listed in its kustomization (kustomize ignores it)`,
            );
        }
    }
    return { roots, byDir, owned, unlisted };
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
