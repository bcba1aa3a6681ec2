// A small JSON-schema checker for policy config (the subset the pack's configSchemas use, and the
// common keywords), so a bad config file fails fast with a message naming the key and what is allowed.
import type { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";

function typeOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function describe(s: PolicyConfigJSONSchema): string {
    if (s.enum) return `one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`;
    if (s.const !== undefined) return JSON.stringify(s.const);
    const types = Array.isArray(s.type) ? s.type.join(" or ") : (s.type ?? "any value");
    if (s.type === "array" && s.items && typeof s.items === "object" && !Array.isArray(s.items)) {
        return `an array of ${describe(s.items as PolicyConfigJSONSchema)}`;
    }
    if (s.type === "object" && s.properties) {
        const req = s.required?.length ? `, required ${s.required.join(", ")}` : "";
        return `an object with keys ${Object.keys(s.properties).join(", ")}${req}`;
    }
    return `a${/^[aeiou]/.test(types) ? "n" : ""} ${types}${s.minLength ? ` of length >= ${s.minLength}` : ""}`;
}

/** Returns problems `[path, message]` of `value` against `schema` (empty when valid). */
export function checkSchema(value: unknown, schema: PolicyConfigJSONSchemaDefinition, at: string): string[] {
    if (schema === true) return [];
    if (schema === false) return [`${at}: no value is allowed here`];
    const s = schema;
    const bad = (why?: string): string[] => [
        `${at}: ${JSON.stringify(value)} is not allowed${why ? ` (${why})` : ""}; expected ${describe(s)}`,
    ];
    if (s.type) {
        const types = Array.isArray(s.type) ? s.type : [s.type];
        const t = typeOf(value);
        if (!types.some((x) => x === t || (x === "number" && t === "integer"))) return bad();
    }
    if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return bad();
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) return bad();
    if (typeof value === "string") {
        if (s.minLength !== undefined && value.length < s.minLength) return bad("too short");
        if (s.maxLength !== undefined && value.length > s.maxLength) return bad("too long");
        if (s.pattern && !new RegExp(s.pattern).test(value)) return bad(`must match ${s.pattern}`);
    }
    if (typeof value === "number") {
        if (s.minimum !== undefined && value < s.minimum) return bad(`minimum ${s.minimum}`);
        if (s.maximum !== undefined && value > s.maximum) return bad(`maximum ${s.maximum}`);
    }
    const out: string[] = [];
    if (Array.isArray(value)) {
        if (s.minItems !== undefined && value.length < s.minItems) return bad(`at least ${s.minItems} items`);
        if (s.maxItems !== undefined && value.length > s.maxItems) return bad(`at most ${s.maxItems} items`);
        if (s.items !== undefined && !Array.isArray(s.items)) {
            value.forEach((v, i) =>
                out.push(...checkSchema(v, s.items as PolicyConfigJSONSchemaDefinition, `${at}[${i}]`)),
            );
        }
    } else if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        for (const r of s.required ?? []) {
            if (!(r in obj)) out.push(`${at}: missing required key "${r}"; expected ${describe(s)}`);
        }
        for (const [k, v] of Object.entries(obj)) {
            const p = s.properties?.[k];
            if (p !== undefined) out.push(...checkSchema(v, p, `${at}.${k}`));
            else if (s.additionalProperties !== undefined)
                out.push(...checkSchema(v, s.additionalProperties, `${at}.${k}`));
        }
    }
    return out;
}
