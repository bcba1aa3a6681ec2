// The in-process evaluator: runs the pack's policies over a stack exactly the way @pulumi/policy 1.21's
// analyzer does (server.js makeAnalyzeRpcFun / makeAnalyzeStackRpcFun): props wrapped in
// unknownCheckingProxy, dependencies / propertyDependencies / parent resolved to resource objects
// (unresolvable URNs dropped), isType/asType, getConfig without enforcementLevel, notApplicable, the
// same enforcement-level resolution, and an UnknownValueError escaping a policy reported as the
// engine's advisory "can't run policy ... during preview". The tests, the offline checker and the
// benchmark all use this one implementation; a conformance test compares it with the engine's own code.
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "./unknowns";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, PACK_VERSION } from "./pack";
import { checkSchema } from "./schema";
import type { EnforcementLevel, PolicyPackConfig, StackResource, Violation } from "./types";

export type PolicyList = (ResourceValidationPolicy | StackValidationPolicy)[];

export interface EvaluateOptions {
    config?: PolicyPackConfig;
    /** Defaults to the pack's policy list (policies/policies.ts). */
    policies?: PolicyList;
}

/** A policy config file that does not fit the pack: names the policy/key, the bad value and what is allowed. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function defaultPolicies(): PolicyList {
    // Lazy: policies.ts imports the policy modules, which import lib/ (no cycle at load time).
    return require("../policies").policies as PolicyList;
}

/**
 * Checks a policy pack config (the `--policy-pack-config` file) against the pack: known policy names
 * (or `all`), valid enforcement levels, values matching each policy's configSchema (unknown keys are
 * rejected too, to catch typos). Returns it typed; throws PolicyConfigError otherwise.
 */
export function validatePolicyPackConfig(
    config: unknown,
    source = "policy pack config",
    policies: PolicyList = defaultPolicies(),
): PolicyPackConfig {
    if (config === undefined || config === null) return {};
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new PolicyConfigError(
            `${source}: expected an object keyed by policy name, got ${JSON.stringify(config)}`,
        );
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    const level = (v: unknown, at: string): void => {
        if (!LEVELS.includes(v as EnforcementLevel)) {
            problems.push(
                `${at}: enforcement level ${JSON.stringify(v)} is not allowed; expected one of ${LEVELS.join(", ")}`,
            );
        }
    };
    for (const [name, value] of Object.entries(config as Record<string, unknown>)) {
        const p = byName.get(name);
        if (name === "all") {
            if (value && typeof value === "object" && !Array.isArray(value)) {
                for (const [k, v] of Object.entries(value)) {
                    if (k === "enforcementLevel") level(v, `"all".enforcementLevel`);
                    else problems.push(`"all".${k}: only enforcementLevel can be set for all policies`);
                }
            } else level(value, `"all"`);
            continue;
        }
        if (!p) {
            problems.push(
                `"${name}": unknown policy; the pack's policies are: all, ${[...byName.keys()].join(", ")}`,
            );
            continue;
        }
        if (typeof value === "string") {
            level(value, `"${name}"`);
            continue;
        }
        if (!value || typeof value !== "object" || Array.isArray(value)) {
            problems.push(
                `"${name}": ${JSON.stringify(value)} is not allowed; expected an enforcement level or an object of settings`,
            );
            continue;
        }
        const props = p.configSchema?.properties ?? {};
        for (const [k, v] of Object.entries(value)) {
            if (k === "enforcementLevel") level(v, `"${name}".enforcementLevel`);
            else if (!(k in props)) {
                const allowed = ["enforcementLevel", ...Object.keys(props)].join(", ");
                problems.push(`"${name}".${k}: unknown setting; allowed: ${allowed}`);
            } else problems.push(...checkSchema(v, props[k], `"${name}".${k}`));
        }
        for (const r of p.configSchema?.required ?? []) {
            if (!(r in value)) problems.push(`"${name}": missing required setting "${r}"`);
        }
    }
    if (problems.length) throw new PolicyConfigError(`${source}: ${problems.join("; ")}`);
    return config as PolicyPackConfig;
}

interface Effective {
    level: EnforcementLevel;
    /** The level violations are reported at: remediate counts as mandatory (as in the analyzer). */
    reportAs: "advisory" | "mandatory";
    config: Record<string, unknown>;
}

/** Enforcement level and getConfig() result of a policy, as the CLI + analyzer compute them. */
function effective(
    p: { name: string; enforcementLevel?: EnforcementLevel; configSchema?: any },
    config: PolicyPackConfig,
): Effective {
    const raw = config[p.name];
    const all = config.all;
    const allLevel = typeof all === "string" ? all : (all as any)?.enforcementLevel;
    const own = typeof raw === "string" ? { enforcementLevel: raw } : (raw ?? {});
    const { enforcementLevel: ownLevel, ...props } = own as Record<string, unknown>;
    // The CLI sends every policy its config with the schema's top-level defaults applied.
    const withDefaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries<any>(p.configSchema?.properties ?? {})) {
        if (s && typeof s === "object" && s.default !== undefined)
            withDefaults[k] = structuredClone(s.default);
    }
    Object.assign(withDefaults, props);
    const level = ((ownLevel as EnforcementLevel) ||
        allLevel ||
        p.enforcementLevel ||
        PACK_ENFORCEMENT_LEVEL) as EnforcementLevel;
    const reportAs = level === "remediate" ? "mandatory" : (level as "advisory" | "mandatory");
    return { level, reportAs, config: withDefaults };
}

/** As @pulumi/policy's internal isResourcePolicy. */
function isResourcePolicy(p: any): boolean {
    const v = p.validateResource;
    if (typeof v === "function") return true;
    if (Array.isArray(v)) return v.every((f) => typeof f === "function");
    return typeof p.remediateResource === "function";
}

/** As @pulumi/policy's internal isStackPolicy. */
function isStackPolicy(p: any): p is StackValidationPolicy {
    return typeof p.validateStack === "function";
}

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}
const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
};

function isTypeOf(type: string, resourceClass: any): boolean {
    const t = resourceClass?.__pulumiType;
    if (typeof t === "string" && t.length > 0) return type === t;
    const isInstance = resourceClass?.isInstance;
    return !!isInstance && typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

const EMPTY_TAGS: ReadonlyMap<string, string> = new Map();
const DEFAULT_OPTS = {
    protect: false,
    ignoreChanges: [] as string[],
    aliases: [] as string[],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [] as string[],
};

/** The resolved resource objects the engine hands `validateStack`, built once per stack. */
export function resolveResources(resources: StackResource[]): PolicyResource[] {
    const out: PolicyResource[] = new Array(resources.length);
    const byUrn = new Map<string, PolicyResource>();
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        const type = r.type;
        const props = unknownCheckingProxy(r.props ?? {});
        const opts: any = { ...DEFAULT_OPTS };
        if (r.parent) opts.parent = r.parent;
        const res: any = {
            type,
            props,
            urn: r.urn,
            name: r.name,
            opts,
            dependencies: [],
            propertyDependencies: {},
            isType: (c: any) => isTypeOf(type, c),
            asType: (c: any) => (isTypeOf(type, c) ? props : undefined),
        };
        out[i] = res;
        byUrn.set(r.urn, res);
    }
    const resolve = (urns: string[] | undefined): PolicyResource[] => {
        const l: PolicyResource[] = [];
        for (const u of urns ?? []) {
            const d = byUrn.get(u);
            if (d) l.push(d);
        }
        return l;
    };
    for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        const res: any = out[i];
        if (r.parent) {
            const p = byUrn.get(r.parent);
            if (p) res.parent = p;
        }
        res.dependencies = resolve(r.dependencies);
        for (const [k, v] of Object.entries(r.propertyDependencies ?? {}))
            res.propertyDependencies[k] = resolve(v);
    }
    return out;
}

function reporter(
    policyName: string,
    description: string,
    level: "advisory" | "mandatory",
    out: Violation[],
    defaultUrn?: string,
) {
    return (message: any, urn?: string): void => {
        // The analyzer also takes an object {name, message, urn, enforcementLevel, ...} (exemptions use it).
        const info = message && typeof message === "object" ? message : undefined;
        const v: Violation = info
            ? {
                  policyName: info.name || policyName,
                  enforcementLevel: info.enforcementLevel || level,
                  message: info.message || info.description || description,
              }
            : {
                  policyName,
                  enforcementLevel: level,
                  message: message ? `${description}\n${message}` : description,
              };
        const u = (info ? info.urn : urn) ?? defaultUrn;
        if (u) v.urn = u;
        out.push(v);
    };
}

function previewViolation(p: { name: string }, e: Error, urn?: string): Violation {
    const v: Violation = {
        policyName: p.name,
        enforcementLevel: "advisory",
        message: `can't run policy '${p.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}' during preview: ${e.message}`,
    };
    if (urn) v.urn = urn;
    return v;
}

/**
 * Runs the policies over a stack and returns the violations the engine would report: resource
 * policies per resource first (in stack order), then stack policies (in list order).
 * Violations of resource policies carry the resource's URN (as the CLI shows them).
 */
export async function evaluateStack(
    resources: StackResource[],
    options: EvaluateOptions = {},
): Promise<Violation[]> {
    const policies = options.policies ?? defaultPolicies();
    const config = validatePolicyPackConfig(options.config ?? {}, "policy pack config", policies);
    const out: Violation[] = [];
    const eff = new Map(policies.map((p) => [p, effective(p, config)]));

    const resourcePolicies = policies.filter(
        (p) => eff.get(p)!.level !== "disabled" && isResourcePolicy(p),
    ) as ResourceValidationPolicy[];
    if (resourcePolicies.length) {
        for (const r of resources) {
            for (const p of resourcePolicies) {
                if (!p.validateResource) continue;
                const e = eff.get(p)!;
                const validations = Array.isArray(p.validateResource)
                    ? p.validateResource
                    : [p.validateResource];
                if (!Array.isArray(p.validateResource)) {
                    const t = (p.validateResource as any).__pulumiType;
                    if (typeof t === "string" && t && t !== r.type) continue;
                }
                const report = reporter(p.name, p.description, e.reportAs, out, r.urn);
                for (const validation of validations) {
                    const props = unknownCheckingProxy(r.props ?? {});
                    const type = r.type;
                    const args: ResourceValidationArgs = {
                        type,
                        props,
                        urn: r.urn,
                        name: r.name,
                        opts: { ...DEFAULT_OPTS, ...(r.parent ? { parent: r.parent } : {}) } as any,
                        stackTags: EMPTY_TAGS,
                        isType: (c: any) => isTypeOf(type, c),
                        asType: ((c: any) => (isTypeOf(type, c) ? props : undefined)) as any,
                        getConfig: (() => ({ ...e.config })) as any,
                        notApplicable: throwNotApplicable,
                    };
                    try {
                        await Promise.resolve(validation(args, report as any));
                    } catch (err) {
                        if (err instanceof UnknownValueError)
                            out.push(previewViolation(p, err as Error, r.urn));
                        else if (!(err instanceof NotApplicableError)) throw err;
                    }
                }
            }
        }
    }

    let resolved: PolicyResource[] | undefined;
    for (const p of policies) {
        const e = eff.get(p)!;
        if (e.level === "disabled" || !isStackPolicy(p)) continue;
        const t = (p.validateStack as any).__pulumiType;
        if (typeof t === "string" && t && !resources.some((r) => r.type === t)) continue;
        resolved ??= resolveResources(resources);
        const report = reporter(p.name, p.description, e.reportAs, out);
        try {
            await Promise.resolve(
                p.validateStack(
                    {
                        resources: resolved,
                        getConfig: (() => ({ ...e.config })) as any,
                        stackTags: EMPTY_TAGS,
                        notApplicable: throwNotApplicable,
                    },
                    report as any,
                ),
            );
        } catch (err) {
            if (err instanceof UnknownValueError) out.push(previewViolation(p, err as Error));
            else if (!(err instanceof NotApplicableError)) throw err;
        }
    }
    return out;
}
