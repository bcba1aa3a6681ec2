// Safe, preview-proof readers for resource props.
//
// During `pulumi preview` the engine wraps props in an unknown-checking proxy: reading a value that
// is not known yet throws `UnknownValueError`, and a throw that escapes a policy downgrades the whole
// policy to an advisory "can't run policy during preview" message. Every read in this pack goes
// through these helpers, which turn an unknown value into the `UNK` marker instead of throwing, so the
// policies can decide conservatively.
import { UNKNOWN_SENTINELS, UnknownValueError } from "./unknowns";

/** Marker for a value that is unknown (at preview). */
export const UNK: unique symbol = Symbol("unknown");
export type Unk = typeof UNK;

/** True for one of the engine's unknown sentinels (seen when props are not proxied, e.g. offline). */
export function isUnknownSentinel(v: unknown): boolean {
    return typeof v === "string" && UNKNOWN_SENTINELS.has(v);
}

function isUnknownError(e: unknown): boolean {
    return e instanceof UnknownValueError || (e as any)?.constructor?.name === "UnknownValueError";
}

/** @pulumi/policy's proxies hand back their target for this key (proxy.js getSpecialProxyTarget). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The raw object under an unknown-checking proxy. Reading the raw object is the same as reading
 * through the proxy except that unknown values show as their sentinel strings instead of throwing,
 * which `get` maps to UNK; it avoids one proxy allocation per property read (100k-resource stacks).
 */
function unwrap(obj: unknown): unknown {
    if (obj !== null && typeof obj === "object") {
        try {
            const t = (obj as any)[PROXY_TARGET];
            if (t !== undefined && t !== null && typeof t === "object") return t;
        } catch {
            // not a proxy we know
        }
    }
    return obj;
}

/** Reads `obj[path[0]][path[1]]...`; returns UNK for an unknown value, undefined for a missing one. */
export function get(obj: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = unwrap(obj);
    if (cur === UNK || isUnknownSentinel(cur)) return UNK;
    for (const k of path) {
        if (cur === null || cur === undefined || typeof cur !== "object") return undefined;
        try {
            cur = (cur as any)[k];
        } catch (e) {
            if (isUnknownError(e)) return UNK;
            throw e;
        }
        if (isUnknownSentinel(cur)) return UNK;
    }
    return cur;
}

/** A string (numbers are stringified), UNK, or undefined. */
export function str(obj: unknown, ...path: (string | number)[]): string | Unk | undefined {
    const v = get(obj, ...path);
    if (v === UNK) return UNK;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    return undefined;
}

/** A number (numeric strings are parsed), UNK, or undefined. */
export function num(obj: unknown, ...path: (string | number)[]): number | Unk | undefined {
    const v = get(obj, ...path);
    if (v === UNK) return UNK;
    if (typeof v === "number") return v;
    if (typeof v === "string" && v.trim() !== "" && !isNaN(Number(v))) return Number(v);
    return undefined;
}

/** The items of an array, each read safely (an unknown item is UNK); UNK or [] otherwise. */
export function list(obj: unknown, ...path: (string | number)[]): unknown[] | Unk {
    const v = get(obj, ...path);
    if (v === UNK) return UNK;
    if (!Array.isArray(v)) return [];
    const out: unknown[] = [];
    const n = v.length;
    for (let i = 0; i < n; i++) out.push(get(v, i));
    return out;
}

/** The items of an array, unknown array or items dropped. */
export function items(obj: unknown, ...path: (string | number)[]): unknown[] {
    const l = list(obj, ...path);
    return l === UNK ? [] : l.filter((x) => x !== UNK);
}

/** A string-valued map (labels, annotations, selector): known entries, plus whether any was unknown. */
export function strMap(
    obj: unknown,
    ...path: (string | number)[]
): { map: Map<string, string>; unknown: boolean } {
    const v = get(obj, ...path);
    const map = new Map<string, string>();
    if (v === UNK) return { map, unknown: true };
    if (!v || typeof v !== "object" || Array.isArray(v)) return { map, unknown: false };
    let unknown = false;
    for (const k of Object.keys(v)) {
        const s = str(v, k);
        if (s === UNK) unknown = true;
        else if (s !== undefined) map.set(k, s);
    }
    return { map, unknown };
}
