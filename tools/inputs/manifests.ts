// Kubernetes objects (from YAML/JSON manifests, `helm template`, `kubectl get -o yaml`) as the
// StackResources the pack sees for the same objects deployed by Pulumi: the type token is the one
// @pulumi/kubernetes registers (`kubernetes:<group>/<version>:<Kind>`, core group as `core`), and
// props are the object itself, as Pulumi's inputs for a Kubernetes resource are the object.
import type { StackResource } from "../../policies/lib/types";
import { InputError, describeValue, isObject } from "./errors";
import type { ParsedDocument } from "./parse";

/** Stack part of the synthetic URNs; no real stack uses it. */
const URN_STACK = "urn:pulumi:offline::";

/**
 * Kinds that have no namespace. Only used to print `Kind/name` instead of `Kind/default/name` for
 * them; props are never changed (a policy sees the namespace exactly as written, or absent).
 */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "GatewayClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ClusterIssuer",
]);

export interface ManifestResource {
    resource: StackResource;
    /** `Kind/namespace/name` (or `Kind/name` for cluster-scoped kinds): how the CLI names it. */
    label: string;
    /** Where it came from, for duplicate messages. */
    origin: string;
}

/** True when a document looks like it is meant to be a Kubernetes object (or list of them). */
export function looksLikeManifest(value: Record<string, unknown>): boolean {
    return "apiVersion" in value || "kind" in value;
}

/** Converts the documents of one manifest file; `kind: List` (and typed `*List`) items are flattened. */
export function manifestResources(
    file: string,
    docs: ParsedDocument[],
    /** The project part of the URNs: objects of different projects never collide. */
    project = "manifests",
): ManifestResource[] {
    const out: ManifestResource[] = [];
    const urnPrefix = `${URN_STACK}${project}::`;
    for (const doc of docs) {
        const where = docs.length > 1 ? `document ${doc.index} (line ${doc.line})` : "";
        collect(file, where, doc.value, out, undefined, urnPrefix);
    }
    return out;
}

function collect(
    file: string,
    where: string,
    value: unknown,
    out: ManifestResource[],
    listDefaults: { apiVersion?: unknown; kind?: string } | undefined,
    urnPrefix: string,
): void {
    const at = (what: string) => (where ? `${where}: ${what}` : what);
    if (!isObject(value)) {
        throw new InputError(
            file,
            at(`expected a Kubernetes object (a mapping), found ${describeValue(value)}`),
        );
    }
    // Items of a typed list from the API (`ServiceList`) carry no apiVersion/kind of their own.
    const obj =
        listDefaults && !("kind" in value)
            ? { apiVersion: listDefaults.apiVersion, kind: listDefaults.kind, ...value }
            : value;
    const { apiVersion, kind } = obj;
    if (typeof kind === "string" && /List$/.test(kind) && Array.isArray(obj.items)) {
        const itemKind = kind === "List" ? undefined : kind.slice(0, -"List".length);
        obj.items.forEach((item, i) =>
            collect(
                file,
                at(`items[${i}]`),
                item,
                out,
                itemKind ? { apiVersion, kind: itemKind } : undefined,
                urnPrefix,
            ),
        );
        return;
    }
    if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v[0-9][a-z0-9]*$/.test(apiVersion)) {
        throw new InputError(
            file,
            at(
                `Kubernetes object has ${apiVersion === undefined ? "no apiVersion" : `invalid apiVersion ${JSON.stringify(apiVersion)}`}; expected e.g. "v1" or "networking.k8s.io/v1"`,
            ),
        );
    }
    if (typeof kind !== "string" || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) {
        throw new InputError(
            file,
            at(
                `Kubernetes object has ${kind === undefined ? "no kind" : `invalid kind ${JSON.stringify(kind)}`}; expected e.g. "Service" or "Ingress"`,
            ),
        );
    }
    const metadata = obj.metadata;
    const name = isObject(metadata) ? metadata.name : undefined;
    if (typeof name !== "string" || name === "") {
        throw new InputError(
            file,
            at(
                `${kind} has no metadata.name; the checker links objects by namespace and name (generateName is not resolved offline)`,
            ),
        );
    }
    const namespace = isObject(metadata) ? metadata.namespace : undefined;
    if (namespace !== undefined && (typeof namespace !== "string" || namespace === "")) {
        throw new InputError(
            file,
            at(
                `${kind} ${name}: metadata.namespace is ${describeValue(namespace)}; expected a non-empty string`,
            ),
        );
    }
    const type = typeToken(apiVersion, kind);
    const clusterScoped = CLUSTER_SCOPED.has(kind);
    const key = clusterScoped ? name : `${namespace ?? "default"}/${name}`;
    out.push({
        resource: { urn: `${urnPrefix}${type}::${key}`, type, name, props: obj },
        label: `${kind}/${key}`,
        origin: where ? `${file} ${where}` : file,
    });
}

/** `v1` + `Service` -> `kubernetes:core/v1:Service`; `networking.k8s.io/v1` + `Ingress` -> as is. */
export function typeToken(apiVersion: string, kind: string): string {
    const groupVersion = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
    return `kubernetes:${groupVersion}:${kind}`;
}
