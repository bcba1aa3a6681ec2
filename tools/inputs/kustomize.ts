// Kustomize directories in a walked folder. A directory with a kustomization is one unit: kustomize
// builds it from the resources it lists (bases included), applying patches and transformers, so its
// files are never read one by one next to the build, and a base that an overlay reaches is not read
// again on its own. When `kustomize` or `kubectl` is on PATH the unit is built with it (one process
// per top-level kustomization); otherwise its listed resources are read as they are, with a notice.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findOnPath, processPathLookup } from "../lib/onPath";
import { InputError, isObject } from "./errors";
import { documentsOf } from "./parse";

/** The file names kustomize looks for, in its order. */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** What a kustomization refers to, resolved against its directory. */
export interface Kustomization {
    dir: string;
    file: string;
    /** Resource files it lists (Kubernetes objects). */
    resources: string[];
    /** Directories it lists as resources, bases or components (other kustomizations). */
    dirs: string[];
    /** Files it uses that are not objects of their own: patches, generator inputs, configurations. */
    inputs: string[];
}

/** The kustomization file of a directory, if it has one. */
export function kustomizationFile(dir: string): string | undefined {
    for (const name of KUSTOMIZATION_FILES) {
        const file = path.join(dir, name);
        if (fs.existsSync(file)) return file;
    }
    return undefined;
}

/**
 * Reads what a kustomization lists; malformed YAML is an input error naming the file, line and
 * column, as for any other input (tools/inputs/parse.ts).
 */
export function readKustomization(dir: string, file: string): Kustomization {
    const k: unknown = documentsOf(file, fs.readFileSync(file, "utf8"))[0]?.value ?? {};
    const out: Kustomization = { dir, file, resources: [], dirs: [], inputs: [] };
    if (!isObject(k)) return out;
    const local = (p: unknown): string | undefined =>
        typeof p === "string" && p !== "" && !/^[a-z]+:\/\/|^github\.com\/|^git@|\?ref=/.test(p)
            ? path.join(dir, p)
            : undefined;
    const strings = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
    for (const key of ["resources", "bases", "components"]) {
        for (const entry of strings(k[key])) {
            const p = local(entry);
            if (!p || !fs.existsSync(p)) continue;
            if (fs.statSync(p).isDirectory()) out.dirs.push(p);
            else out.resources.push(p);
        }
    }
    const inputs = (v: unknown) => {
        const p = local(v);
        if (p && fs.existsSync(p) && fs.statSync(p).isFile()) out.inputs.push(p);
    };
    strings(k.patchesStrategicMerge).forEach(inputs);
    for (const key of ["patches", "patchesJson6902", "replacements"]) {
        for (const e of strings(k[key])) if (isObject(e)) inputs(e.path);
    }
    for (const key of ["configurations", "crds", "generators", "transformers", "validators"]) {
        strings(k[key]).forEach(inputs);
    }
    for (const key of ["configMapGenerator", "secretGenerator"]) {
        for (const g of strings(k[key])) {
            if (!isObject(g)) continue;
            for (const f of [...strings(g.files), ...strings(g.envs)]) {
                // `key=path` names the key the file becomes.
                inputs(typeof f === "string" ? f.slice(f.indexOf("=") + 1) : f);
            }
            inputs(g.env);
        }
    }
    if (isObject(k.openapi)) inputs(k.openapi.path);
    return out;
}

/** A program that builds kustomizations: `kustomize build DIR` or `kubectl kustomize DIR`. */
export interface KustomizeTool {
    name: "kustomize" | "kubectl";
    bin: string;
}

/** The first of `kustomize`, `kubectl` found on PATH (no process started to look). */
export function findKustomizeTool(env: NodeJS.ProcessEnv): KustomizeTool | undefined {
    const lookup = processPathLookup(env);
    for (const name of ["kustomize", "kubectl"] as const) {
        const bin = findOnPath(name, lookup);
        if (bin) return { name, bin };
    }
    return undefined;
}

/** Builds a kustomization directory; a failed build is an input error naming the directory. */
export function kustomizeBuild(tool: KustomizeTool, dir: string, env: NodeJS.ProcessEnv): string {
    const args = tool.name === "kustomize" ? ["build", dir] : ["kustomize", dir];
    const r = spawnSync(tool.bin, args, { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
    if (r.error || r.status !== 0) {
        const reason = (r.stderr || r.error?.message || "").trim().split("\n")[0];
        throw new InputError(
            dir,
            `\`${tool.name} ${args[0]}\` failed${r.status !== null ? ` (exit ${r.status})` : ""}${reason ? `: ${reason}` : ""}`,
        );
    }
    return r.stdout;
}
