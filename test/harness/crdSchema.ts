// A small validator for Kubernetes custom objects against structural schemas declared in
// test/harness/crdSchemas.ts (the subset of each real CRD's openAPIV3Schema the program uses).
// Unknown fields are errors: a structural schema prunes them on the API server, so a misspelt field
// would be silently dropped there instead of failing.

/** A structural-schema node: the OpenAPI v3 subset Kubernetes CRDs use. */
export interface SchemaNode {
    type: "object" | "string" | "integer" | "boolean" | "array";
    /** Declared fields of an object. */
    properties?: Record<string, SchemaNode>;
    /** Required fields of an object. */
    required?: string[];
    /** A map: every value matches this schema (any keys allowed). */
    additionalProperties?: SchemaNode;
    /** Elements of an array. */
    items?: SchemaNode;
    /** Allowed values. */
    enum?: (string | number)[];
    /** Regular expression a string must match. */
    pattern?: string;
    /** Inclusive bounds of an integer. */
    minimum?: number;
    maximum?: number;
    /** Rules the CRD states in x-kubernetes-validations (CEL) or its docs, as functions: a message or undefined. */
    rules?: { message: string; check: (value: any) => boolean }[];
}

/** A declared custom resource kind: group/version, kind, scope and the schema of `spec`. */
export interface CrdSchema {
    apiVersion: string;
    kind: string;
    scope: "Namespaced" | "Cluster";
    spec: SchemaNode;
    /** Where the schema was read from (repository, tag, file). */
    source: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function typeOf(v: unknown): string {
    if (Array.isArray(v)) return "array";
    if (v === null) return "null";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function check(node: SchemaNode, value: unknown, path: string, errors: string[]): void {
    const t = typeOf(value);
    if (t !== node.type) {
        errors.push(`${path}: expected ${node.type}, got ${t}`);
        return;
    }
    if (node.enum && !node.enum.includes(value as string | number)) {
        errors.push(`${path}: ${JSON.stringify(value)} is not one of ${node.enum.join("|")}`);
    }
    if (node.pattern && !new RegExp(node.pattern).test(value as string)) {
        errors.push(`${path}: ${JSON.stringify(value)} does not match ${node.pattern}`);
    }
    if (node.minimum !== undefined && (value as number) < node.minimum)
        errors.push(`${path}: ${String(value)} is below ${node.minimum}`);
    if (node.maximum !== undefined && (value as number) > node.maximum)
        errors.push(`${path}: ${String(value)} is above ${node.maximum}`);
    if (node.type === "array")
        (value as unknown[]).forEach((v, i) => check(node.items!, v, `${path}[${i}]`, errors));
    if (node.type === "object") {
        const obj = value as Record<string, unknown>;
        for (const r of node.required ?? []) {
            if (obj[r] === undefined) errors.push(`${path}.${r}: required`);
        }
        for (const [k, v] of Object.entries(obj)) {
            if (v === undefined) continue;
            const child = node.properties?.[k] ?? node.additionalProperties;
            if (!child) errors.push(`${path}.${k}: unknown field`);
            else check(child, v, `${path}.${k}`, errors);
        }
    }
    for (const rule of node.rules ?? []) {
        if (!rule.check(value)) errors.push(`${path}: ${rule.message}`);
    }
}

/** Every way `object` breaks `crd` (empty when valid): apiVersion, kind, metadata by scope, spec. */
export function validateCustomObject(crd: CrdSchema, object: Record<string, any>): string[] {
    const errors: string[] = [];
    if (object.apiVersion !== crd.apiVersion)
        errors.push(`apiVersion: ${JSON.stringify(object.apiVersion)} is not ${crd.apiVersion}`);
    if (object.kind !== crd.kind) errors.push(`kind: ${JSON.stringify(object.kind)} is not ${crd.kind}`);
    const md = object.metadata ?? {};
    if (typeof md.name !== "string" || md.name.length > 253 || !DNS_SUBDOMAIN.test(md.name))
        errors.push(`metadata.name: ${JSON.stringify(md.name)} is not a DNS subdomain`);
    if (crd.scope === "Namespaced" && (typeof md.namespace !== "string" || md.namespace === ""))
        errors.push("metadata.namespace: required for a namespaced kind");
    if (crd.scope === "Cluster" && md.namespace !== undefined)
        errors.push("metadata.namespace: must be absent for a cluster-scoped kind");
    check(crd.spec, object.spec, "spec", errors);
    for (const k of Object.keys(object)) {
        if (!["apiVersion", "kind", "metadata", "spec"].includes(k))
            errors.push(`${k}: unknown top-level field`);
    }
    return errors;
}
