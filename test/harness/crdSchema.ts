// The one validator of Kubernetes custom objects in this project, against structural schemas declared
// in test/harness/crdSchemas.ts and test/harness/karpenterCrdSchemas.ts (the subset of each real
// CRD's openAPIV3Schema the program uses). Unknown fields are errors: a structural schema prunes them
// on the API server and server-side apply rejects them, so a misspelt field would be silently dropped
// or refused only at `pulumi up`, after the cluster exists.

/** A structural-schema node: the OpenAPI v3 subset Kubernetes CRDs use. */
export interface SchemaNode {
    /** `int-or-string` is `x-kubernetes-int-or-string: true` (a quantity, a percentage or a count). */
    type: "object" | "string" | "integer" | "boolean" | "array" | "int-or-string";
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
    /** Regular expression a string must match (unanchored as in OpenAPI: anchors are the pattern's). */
    pattern?: string;
    /** Longest allowed string. */
    maxLength?: number;
    /** Inclusive bounds of an integer. */
    minimum?: number;
    maximum?: number;
    /** Inclusive bounds of an array's length. */
    minItems?: number;
    maxItems?: number;
    /**
     * Rules the CRD states in x-kubernetes-validations (CEL) or its docs, as predicates with the CRD's
     * message; they run once the node's own type is right.
     */
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
    const typeOk = node.type === "int-or-string" ? t === "integer" || t === "string" : t === node.type;
    if (!typeOk) {
        errors.push(`${path}: expected ${node.type}, got ${t}`);
        return;
    }
    if (node.enum && !node.enum.includes(value as string | number)) {
        errors.push(`${path}: ${JSON.stringify(value)} is not one of ${node.enum.join("|")}`);
    }
    if (typeof value === "string") {
        if (node.pattern && !new RegExp(node.pattern).test(value))
            errors.push(`${path}: ${JSON.stringify(value)} does not match ${node.pattern}`);
        if (node.maxLength !== undefined && value.length > node.maxLength)
            errors.push(`${path}: ${JSON.stringify(value)} is longer than ${node.maxLength}`);
    }
    if (typeof value === "number") {
        if (node.minimum !== undefined && value < node.minimum)
            errors.push(`${path}: ${value} is below ${node.minimum}`);
        if (node.maximum !== undefined && value > node.maximum)
            errors.push(`${path}: ${value} is above ${node.maximum}`);
    }
    if (Array.isArray(value)) {
        if (node.minItems !== undefined && value.length < node.minItems)
            errors.push(`${path}: ${value.length} items, below minItems ${node.minItems}`);
        if (node.maxItems !== undefined && value.length > node.maxItems)
            errors.push(`${path}: ${value.length} items, above maxItems ${node.maxItems}`);
        value.forEach((v, i) => check(node.items!, v, `${path}[${i}]`, errors));
    }
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
