// Shapes shared by the pack, the in-process evaluator (tests, offline checker, benchmark) and the
// mock recorder. They mirror what the Pulumi engine hands a policy pack, before the engine's
// own wrapping (unknown-checking proxies, resolved dependency objects) is applied.

/** The string the engine (and `pulumi preview --json`) uses for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One resource of a stack, as the engine knows it: links are URNs, props may hold UNKNOWN. */
export interface StackResource {
    /** The resource URN. */
    urn: string;
    /** The type token, e.g. `aws:lb/loadBalancer:LoadBalancer`, `kubernetes:core/v1:Service`. */
    type: string;
    /** The logical name. */
    name: string;
    /** Inputs (at preview) or outputs (after update); any value may be the UNKNOWN sentinel. */
    props: Record<string, unknown>;
    /** URN of the parent resource, when there is one. */
    parent?: string;
    /** URNs this resource depends on. */
    dependencies?: string[];
    /** URNs each top-level input depends on, keyed by input name (e.g. `loadBalancerArn`, `spec`). */
    propertyDependencies?: Record<string, string[]>;
    /** Provider reference (`<provider urn>::<id>`), when known. */
    provider?: string;
}

/** The enforcement levels of @pulumi/policy. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

/** A policy pack config file, as passed with `pulumi preview --policy-pack-config`. */
export type PolicyPackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** One reported violation, as the engine would print it. */
export interface Violation {
    /** The policy's name. */
    policyName: string;
    /** The level it was reported at (remediate counts as mandatory for stack policies). */
    enforcementLevel: "advisory" | "mandatory";
    /** The resource it is reported on; absent for a stack-wide violation. */
    urn?: string;
    /** The message, including the remediation text. */
    message: string;
}
