// `pulumi stack export` and `pulumi preview --json` as StackResources. Both carry the engine's
// resource state shape ({urn, type, custom, inputs, outputs, parent, dependencies,
// propertyDependencies, provider}); the preview puts it in `steps[].newState`.
//
// props = outputs when the state has any, else inputs. That is what the engine does: stack policies
// run on each resource's final outputs ("AnalyzeStack is called on the final outputs"), which for a
// deployed resource are the inputs plus computed values such as ARNs, and at preview are the
// provider's planned outputs with unknowns still marked. Components and resources that were never
// created have no outputs, so their inputs are all there is.
//
// The preview's unknown marker is kept as the string it is (`UNKNOWN` in policies/lib/types.ts): the
// evaluator wraps props in @pulumi/policy's unknownCheckingProxy, which recognises exactly that
// string, so a policy reading an unknown ARN here fails the way it does in a real preview.
import type { StackResource } from "../../policies/lib/types";
import { InputError, describeValue, isObject } from "./errors";

/** Preview step operations that describe a resource going away: they have no newState to check. */
const GOING_AWAY = new Set([
    "delete",
    "delete-replaced",
    "discard",
    "discard-replaced",
    "remove-pending-replace",
]);

/** Detects `pulumi stack export` output. */
export function isStackExport(value: Record<string, unknown>): boolean {
    return "deployment" in value;
}

/** Detects `pulumi preview --json` output. */
export function isPreview(value: Record<string, unknown>): boolean {
    return "steps" in value;
}

export function stackExportResources(file: string, value: Record<string, unknown>): StackResource[] {
    const deployment = value.deployment;
    if (!isObject(deployment)) {
        throw new InputError(
            file,
            `truncated stack export: "deployment" is ${describeValue(deployment)}; expected an object with a "resources" array`,
        );
    }
    const resources = deployment.resources;
    if (!Array.isArray(resources)) {
        throw new InputError(
            file,
            `truncated stack export: deployment.resources is ${describeValue(resources)}; expected an array of resource states`,
        );
    }
    const out: StackResource[] = [];
    const byUrn = new Map<string, number>();
    resources.forEach((state, i) => {
        const where = `deployment.resources[${i}]`;
        const resource = fromState(file, where, state);
        // A resource marked `delete: true` is the old copy of a replaced resource, pending deletion;
        // it shares its URN with the live copy, which is what the stack is made of.
        if (isObject(state) && state.delete === true) return;
        if (byUrn.has(resource.urn)) {
            throw new InputError(
                file,
                `${where}: URN ${resource.urn} already appears at deployment.resources[${byUrn.get(resource.urn)}]`,
            );
        }
        byUrn.set(resource.urn, i);
        out.push(resource);
    });
    checkReferences(file, "stack export", out);
    return out;
}

export function previewResources(file: string, value: Record<string, unknown>): StackResource[] {
    const steps = value.steps;
    if (!Array.isArray(steps)) {
        throw new InputError(
            file,
            `preview JSON: "steps" is ${describeValue(steps)}; expected the array printed by \`pulumi preview --json\``,
        );
    }
    // A replacement shows up as several steps for one URN (create-replacement, replace,
    // delete-replaced); the new state is the same in each, so the last one wins.
    const byUrn = new Map<string, StackResource>();
    steps.forEach((step, i) => {
        const where = `steps[${i}]`;
        if (!isObject(step))
            throw new InputError(file, `${where} is ${describeValue(step)}; expected a step object`);
        const op = step.op;
        if (typeof op !== "string" || op === "") {
            throw new InputError(
                file,
                `${where}: no "op"; expected e.g. "same", "create", "update", "replace"`,
            );
        }
        if (GOING_AWAY.has(op)) return;
        if (step.newState === undefined) {
            throw new InputError(
                file,
                `truncated preview: ${where} (op "${op}"${typeof step.urn === "string" ? `, ${step.urn}` : ""}) has no newState`,
            );
        }
        const resource = fromState(file, `${where}.newState`, step.newState);
        byUrn.set(resource.urn, resource);
    });
    const out = [...byUrn.values()];
    checkReferences(file, "preview", out);
    return out;
}

function fromState(file: string, where: string, state: unknown): StackResource {
    if (!isObject(state)) {
        throw new InputError(file, `${where} is ${describeValue(state)}; expected a resource state object`);
    }
    const { urn, type } = state;
    if (typeof urn !== "string" || !urn.startsWith("urn:pulumi:") || urn.split("::").length < 4) {
        throw new InputError(
            file,
            `${where}: ${urn === undefined ? "no urn" : `invalid urn ${JSON.stringify(urn)}`}; expected "urn:pulumi:<stack>::<project>::<type>::<name>" (truncated or hand-edited file?)`,
        );
    }
    if (typeof type !== "string" || type === "") {
        throw new InputError(
            file,
            `${where} (${urn}): no type; expected a type token such as "aws:lb/loadBalancer:LoadBalancer"`,
        );
    }
    const field = (key: string) => `${where}.${key} of ${urn}`;
    const inputs = optionalObject(file, field("inputs"), state.inputs);
    const outputs = optionalObject(file, field("outputs"), state.outputs);
    const resource: StackResource = {
        urn,
        type,
        // The name is everything after the type in the URN (names may themselves contain "::").
        name: urn.split("::").slice(3).join("::"),
        props: outputs && Object.keys(outputs).length > 0 ? outputs : (inputs ?? {}),
    };
    const parent = optionalString(file, field("parent"), state.parent);
    if (parent) resource.parent = parent;
    const provider = optionalString(file, field("provider"), state.provider);
    if (provider) resource.provider = provider;
    if (state.dependencies !== undefined && state.dependencies !== null) {
        resource.dependencies = urnList(file, field("dependencies"), state.dependencies);
    }
    const propDeps = optionalObject(file, field("propertyDependencies"), state.propertyDependencies);
    if (propDeps) {
        resource.propertyDependencies = {};
        for (const [key, urns] of Object.entries(propDeps)) {
            resource.propertyDependencies[key] = urnList(
                file,
                `${field("propertyDependencies")}.${key}`,
                urns,
            );
        }
    }
    return resource;
}

/**
 * Every URN a resource points at must be in the same file: a dependency on a missing resource means
 * the file was cut short or edited, and a chain through the missing part would go unseen.
 * Provider references are only informative to the pack, so a missing provider is not an error.
 */
function checkReferences(file: string, what: string, resources: StackResource[]): void {
    const urns = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        const refs: [string, string][] = [];
        if (r.parent) refs.push(["parent", r.parent]);
        for (const d of r.dependencies ?? []) refs.push(["dependencies", d]);
        for (const [key, list] of Object.entries(r.propertyDependencies ?? {})) {
            for (const d of list) refs.push([`propertyDependencies.${key}`, d]);
        }
        for (const [field, urn] of refs) {
            if (!urns.has(urn)) {
                throw new InputError(
                    file,
                    `truncated ${what}: ${r.urn} has ${field} ${urn}, which is not in the file; ${
                        what === "preview"
                            ? "use the full `pulumi preview --json` output (not --changes-only, which leaves unchanged resources out)"
                            : "export the whole stack"
                    }`,
                );
            }
        }
    }
}

function optionalObject(file: string, where: string, value: unknown): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value))
        throw new InputError(file, `${where} is ${describeValue(value)}; expected an object`);
    return value;
}

function optionalString(file: string, where: string, value: unknown): string | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string")
        throw new InputError(file, `${where} is ${describeValue(value)}; expected a URN string`);
    return value;
}

function urnList(file: string, where: string, value: unknown): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        throw new InputError(file, `${where} is ${describeValue(value)}; expected an array of URN strings`);
    }
    return value as string[];
}
