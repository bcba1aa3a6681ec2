// Reads every PATH of one `npm run check` invocation into ONE list of StackResources: the files are
// analysed together, as one stack, so a Service in one file and the Ingress that routes to it in
// another are linked exactly as if they were deployed together.
import type { StackResource } from "../../policies/lib/types";
import { cmp } from "../lib/report";
import { InputError, describeValue, isObject } from "./errors";
import { planInputs, readText } from "./files";
import { kustomizeBuild } from "./kustomize";
import { looksLikeManifest, manifestResources } from "./manifests";
import { documentsOf, parseDocuments, ParsedDocument } from "./parse";
import { skipByDocuments, skipByName, skipByText, SkippedFile } from "./repository";
import { isPreview, isStackExport, previewResources, stackExportResources } from "./pulumiState";

export type InputKind = "manifests" | "stack export" | "preview" | "kustomize build";

export interface LoadedFile {
    /** The file, or the kustomization directory for a build. */
    file: string;
    kind: InputKind;
    resources: number;
}

export interface LoadedInputs {
    resources: StackResource[];
    /** How to name a resource in reports: `Kind/namespace/name` for manifests, else its URN. */
    labels: Map<string, string>;
    files: LoadedFile[];
    /** Walked files that are not Kubernetes objects (charts, CI, compose, ...), and why. */
    skipped: SkippedFile[];
    /** What the user should know about how the inputs were read (e.g. kustomize not on PATH). */
    notices: string[];
}

export function loadInputs(paths: string[], env: NodeJS.ProcessEnv = process.env): LoadedInputs {
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

    const plan = planInputs(paths, env);
    const skipped = [...plan.skipped];
    for (const { file, explicit } of plan.files) {
        let docs: ParsedDocument[];
        if (explicit) docs = parseDocuments(file, readText(file));
        else {
            const read = readWalked(file);
            if ("reason" in read) {
                skipped.push({ file, reason: read.reason });
                continue;
            }
            docs = read.docs;
        }
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
    const notices = [...plan.notices];
    for (const dir of plan.builds) {
        const label = `${dir} (${plan.tool!.name} build)`;
        const out = kustomizeBuild(plan.tool!, dir, env);
        if (out.trim() === "") {
            notices.push(`${label}: the build holds no objects`);
            continue;
        }
        // Two overlays of one base build the same objects for different environments: each build's
        // objects are kept apart (URN and label carry the directory), and never mixed with files.
        const list = manifestResources(label, parseDocuments(label, out), `kustomize ${dir}`);
        list.forEach((m) => add(m.resource, `${m.label} (${dir})`, m.origin, label));
        files.push({ file: dir, kind: "kustomize build", resources: list.length });
    }
    skipped.sort((a, b) => cmp(a.file, b.file));
    return { resources, labels, files, skipped, notices };
}

/** A walked file's documents, or why it is skipped: it is not a Kubernetes object, a stack export or a preview. */
function readWalked(file: string): { docs: ParsedDocument[] } | { reason: string } {
    const byName = skipByName(file);
    if (byName) return { reason: byName };
    const text = readText(file);
    if (text.trim() === "") return { reason: "empty file" };
    const byText = skipByText(text);
    if (byText) return { reason: byText };
    const docs = documentsOf(file, text);
    // Only comments or empty documents: nothing to check, nothing wrong. Malformed text still fails.
    if (docs.length === 0) return { reason: "empty file" };
    const byDocs = skipByDocuments(docs);
    return byDocs ? { reason: byDocs } : { docs };
}
