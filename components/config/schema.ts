// Pulumi.yaml is the one declared config schema: every key's type, default and description live
// there and nowhere else. This module reads it, turns the raw strings the CLI hands the program into
// typed values (defaults applied), and rejects keys in the project namespace that are not declared,
// so a typo such as `nlbSchme` stops the run instead of being silently ignored.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, PROJECT, configError } from "./validate";

/** The config types the Pulumi CLI accepts in Pulumi.yaml (its project schema has no map type). */
export type DeclaredType = "string" | "integer" | "boolean" | "array";

/** One key as Pulumi.yaml declares it. */
export interface DeclaredKey {
    /** The declared type. */
    type: DeclaredType;
    /** The default used when the stack does not set the key. */
    default: string | number | boolean | string[];
    /** One sentence for `pulumi config` users and the configuration reference (docs/configuration.md). */
    description: string;
}

/** The project root: where Pulumi.yaml and the stack files live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

const TYPES: readonly DeclaredType[] = ["string", "integer", "boolean", "array"];

/** Reads and checks the declared keys of `<rootDir>/Pulumi.yaml`; every key must have a type and a default. */
export function loadDeclaredSchema(rootDir: string = PROJECT_ROOT): Record<string, DeclaredKey> {
    const file = path.join(rootDir, "Pulumi.yaml");
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
    const out: Record<string, DeclaredKey> = {};
    for (const [key, decl] of Object.entries<any>(doc.config ?? {})) {
        const ok =
            decl !== null &&
            typeof decl === "object" &&
            TYPES.includes(decl.type) &&
            "default" in decl &&
            typeof decl.description === "string";
        if (!ok) {
            throw new ConfigError(
                `${file}: config key "${key}" must declare type (${TYPES.join("|")}), default and description`,
            );
        }
        out[key] = { type: decl.type, default: decl.default, description: decl.description };
    }
    return out;
}

/** The declared schema of this project, read once. */
export const DECLARED_SCHEMA: Readonly<Record<string, DeclaredKey>> = loadDeclaredSchema();

/** Every declared key's typed value (defaults applied), keyed by bare key name. */
export type RawConfig = Readonly<Record<string, any>>;

/** What a concern knows besides the config values. */
export interface ConfigContext {
    /** The stack being deployed (`dev`, `prod`, ...). */
    stack: string;
    /** The AWS region (`aws:region`). */
    region: string;
}

/** One configuration concern: the declared keys it owns and how it validates them into settings. */
export interface ConfigConcern<S> {
    /** The declared keys (bare names) this concern owns; each is declared in Pulumi.yaml exactly once. */
    readonly keys: readonly string[];
    /** Validates the typed values (other concerns' keys may be read for cross-key rules) into settings. */
    read(raw: RawConfig, ctx: ConfigContext): S;
}

/** Parses one raw CLI string by its declared type; empty or unset means the default. */
export function parseDeclaredValue(key: string, spec: DeclaredKey, raw: string | undefined): unknown {
    if (raw === undefined || raw === "") return spec.default;
    switch (spec.type) {
        case "string":
            return raw;
        case "integer": {
            const n = Number(raw);
            if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n))
                throw configError(key, raw, "must be an integer");
            return n;
        }
        case "boolean":
            if (raw !== "true" && raw !== "false") throw configError(key, raw, "must be true or false");
            return raw === "true";
        case "array": {
            let v: unknown;
            try {
                v = JSON.parse(raw);
            } catch {
                throw configError(key, raw, "must be a list of strings");
            }
            if (!Array.isArray(v) || v.some((e) => typeof e !== "string")) {
                throw configError(key, v, "must be a list of strings");
            }
            return v;
        }
    }
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return prev[b.length];
}

/** The declared key closest to `key` (case-insensitive edit distance; ties keep declaration order). */
export function nearestKey(key: string, declared: readonly string[]): string {
    let best = declared[0];
    let bestDistance = Infinity;
    for (const candidate of declared) {
        const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    return best;
}

/**
 * Turns the CLI's config map (full keys such as `istio-eks-nlb:azCount` -> raw strings, what
 * `pulumi.runtime.allConfig()` returns) into typed values for every declared key. A key in the
 * project namespace that Pulumi.yaml does not declare is an error naming the nearest declared key.
 */
export function parseConfig(
    allConfig: Readonly<Record<string, string>>,
    schema: Readonly<Record<string, DeclaredKey>> = DECLARED_SCHEMA,
): Record<string, any> {
    const declared = Object.keys(schema);
    const given: Record<string, string> = {};
    for (const [full, value] of Object.entries(allConfig)) {
        const sep = full.indexOf(":");
        if (sep < 0 || full.slice(0, sep) !== PROJECT) continue;
        const key = full.slice(sep + 1);
        if (!(key in schema)) {
            throw new ConfigError(
                `Unknown config "${full}": not declared in Pulumi.yaml; did you mean "${PROJECT}:${nearestKey(key, declared)}"? ` +
                    `Remove it with \`pulumi config rm ${key}\` or see docs/configuration.md for every key.`,
            );
        }
        given[key] = value;
    }
    const raw: Record<string, any> = {};
    for (const key of declared) raw[key] = parseDeclaredValue(key, schema[key], given[key]);
    return raw;
}
