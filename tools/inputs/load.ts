// Reads every PATH of one `npm run check` invocation into ONE list of StackResources: the files are
// analysed together, as one stack, so a Service in one file and the Ingress that routes to it in
// another are linked exactly as if they were deployed together.
import type { StackResource } from "../../policies/lib/types";
import { InputError, describeValue, isObject } from "./errors";
import { collectFiles, readText } from "./files";
import { looksLikeManifest, manifestResources } from "./manifests";
import { parseDocuments } from "./parse";
import { isPreview, isStackExport, previewResources, stackExportResources } from "./pulumiState";

export type InputKind = "manifests" | "stack export" | "preview";

export interface LoadedFile {
    file: string;
    kind: InputKind;
    resources: number;
}

export interface LoadedInputs {
    resources: StackResource[];
    /** How to name a resource in reports: `Kind/namespace/name` for manifests, else its URN. */
    labels: Map<string, string>;
    files: LoadedFile[];
}

export function loadInputs(paths: string[]): LoadedInputs {
    const resources: StackResource[] = [];
    const labels = new Map<string, string>();
    const origins = new Map<string, string>();
    const files: LoadedFile[] = [];
    const add = (resource: StackResource, label: string, origin: string, file: string) => {
        const previous = origins.get(resource.urn);
        if (previous !== undefined) {
            // Two definitions of one object (or one stack given twice) would make the analysis
            // depend on which copy wins; say so instead of guessing.
            throw new InputError(
                file,
                `${label} is defined more than once (${previous} and ${origin}); all PATHs form one stack, so each object must appear once`,
            );
        }
        origins.set(resource.urn, origin);
        labels.set(resource.urn, label);
        resources.push(resource);
    };

    for (const file of collectFiles(paths)) {
        const docs = parseDocuments(file, readText(file));
        const first = docs[0].value;
        if (docs.length === 1 && isObject(first) && (isStackExport(first) || isPreview(first))) {
            const kind: InputKind = isStackExport(first) ? "stack export" : "preview";
            const list =
                kind === "stack export" ? stackExportResources(file, first) : previewResources(file, first);
            list.forEach((r) => add(r, r.urn, file, file));
            files.push({ file, kind, resources: list.length });
            continue;
        }
        for (const doc of docs) {
            const v = doc.value;
            if (isObject(v) && !looksLikeManifest(v)) {
                const where = docs.length > 1 ? `document ${doc.index} (line ${doc.line}): ` : "";
                const keys = Object.keys(v).slice(0, 5).join(", ");
                throw new InputError(
                    file,
                    `${where}unknown ${file.toLowerCase().endsWith(".json") ? "JSON" : "document"} shape (keys: ${keys || "none"}); expected a Kubernetes object (apiVersion, kind, metadata), a \`pulumi stack export\` (deployment.resources) or \`pulumi preview --json\` output (steps)`,
                );
            }
            if (isObject(v) && (isStackExport(v) || isPreview(v))) {
                throw new InputError(
                    file,
                    `document ${doc.index}: a stack export or preview must be the only document of its file`,
                );
            }
            if (!isObject(v) && docs.length === 1 && file.toLowerCase().endsWith(".json")) {
                throw new InputError(
                    file,
                    `unknown JSON shape: the file holds ${describeValue(v)}; expected an object (Kubernetes object or List, stack export, or preview)`,
                );
            }
        }
        const list = manifestResources(file, docs);
        list.forEach((m) => add(m.resource, m.label, m.origin, file));
        files.push({ file, kind: "manifests", resources: list.length });
    }
    return { resources, labels, files };
}
