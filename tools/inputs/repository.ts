// What a repository folder holds besides Kubernetes objects. Users point the checker at their repo:
// Helm charts (metadata, values, templates), CI workflows, compose files and tool configurations
// live next to the manifests. When a directory is walked, such files are skipped and listed with
// the reason; a file named explicitly keeps strict reading (it must be a supported input).
import * as fs from "fs";
import * as path from "path";
import { isObject } from "./errors";
import type { ParsedDocument } from "./parse";

/** A walked file that is not read, and why. */
export interface SkippedFile {
    file: string;
    reason: string;
}

const HELM_RENDER = "render the chart (helm template) and check the output";

/** Why a walked file is skipped by its name or place, or undefined. */
export function skipByName(file: string): string | undefined {
    const base = path.basename(file);
    if (base === "Chart.yaml" || base === "Chart.lock") return `Helm chart metadata; ${HELM_RENDER}`;
    if (/^values([-._].*)?\.(ya?ml|json)$/i.test(base)) return `Helm values; ${HELM_RENDER}`;
    if (inChartTemplates(file)) return `Helm chart template; ${HELM_RENDER}`;
    return undefined;
}

/** True for a file under the `templates/` directory of a Helm chart (a directory with Chart.yaml). */
function inChartTemplates(file: string): boolean {
    let dir = path.dirname(file);
    for (;;) {
        if (path.basename(dir) === "templates" && fs.existsSync(path.join(path.dirname(dir), "Chart.yaml")))
            return true;
        const up = path.dirname(dir);
        if (up === dir) return false;
        dir = up;
    }
}

/** Why a walked file's text is not a manifest yet (template syntax), or undefined. */
export function skipByText(text: string): string | undefined {
    return /\{\{[\s\S]*?\}\}/.test(text)
        ? "template syntax ({{ ... }}): not a manifest until rendered; check the rendered output"
        : undefined;
}

/** apiVersion groups of tool configurations that look like Kubernetes objects but are never applied. */
const TOOL_CONFIG_GROUPS = [
    "kustomize.config.k8s.io",
    "skaffold",
    "eksctl.io",
    "kind.x-k8s.io",
    "kubeadm.k8s.io",
    "kubelet.config.k8s.io",
    "kubeproxy.config.k8s.io",
    "kubescheduler.config.k8s.io",
    "apiserver.config.k8s.io",
    "ctlptl.dev",
    "kpt.dev",
];

/**
 * Why a walked file's documents are not Kubernetes objects, or undefined when they are (or may be:
 * a file where any document has apiVersion or kind is read strictly, so a broken manifest still
 * fails). Stack exports and previews are never skipped.
 */
export function skipByDocuments(docs: ParsedDocument[]): string | undefined {
    const objects = docs.map((d) => d.value);
    const first = objects[0];
    if (objects.length === 1 && isObject(first)) {
        if ("deployment" in first) return undefined;
        const steps = first.steps;
        // `pulumi preview --json` steps carry an `op`; CI pipelines' steps don't.
        if (Array.isArray(steps) && (steps.length === 0 || steps.some((s) => isObject(s) && "op" in s)))
            return undefined;
    }
    const manifestLike = objects.filter((v) => isObject(v) && ("apiVersion" in v || "kind" in v));
    if (manifestLike.length > 0) {
        const tool = manifestLike.every((v) => {
            const api = (v as Record<string, unknown>).apiVersion;
            return typeof api === "string" && TOOL_CONFIG_GROUPS.some((g) => api.startsWith(`${g}/`));
        });
        return tool && manifestLike.length === objects.length
            ? `tool configuration (apiVersion ${String((manifestLike[0] as Record<string, unknown>).apiVersion)}), not a cluster object`
            : undefined;
    }
    if (!isObject(first)) return "no apiVersion/kind: not a Kubernetes object";
    return `no apiVersion/kind: not a Kubernetes object (${shapeOf(first)})`;
}

/** A guess at what a YAML/JSON file is, for the skip reason. */
function shapeOf(v: Record<string, unknown>): string {
    if ("jobs" in v && ("on" in v || "name" in v)) return "looks like a CI workflow";
    if ("stages" in v || "pipeline" in v || "steps" in v || "trigger" in v) return "looks like a CI pipeline";
    if ("services" in v) return "looks like a compose file";
    if ("runtime" in v && "name" in v) return "looks like a Pulumi project";
    if ("name" in v && ("dependencies" in v || "scripts" in v || "devDependencies" in v))
        return "looks like a package manifest";
    return `keys: ${Object.keys(v).slice(0, 5).join(", ") || "none"}`;
}
