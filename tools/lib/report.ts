// How violations are printed by `check` and `plan`. The order is stable (mandatory first, then
// policy, then resource) so that outputs can be diffed and embedded in docs.
import type { Violation } from "../../policies/lib/types";

export interface ReportedViolation {
    policy: string;
    enforcementLevel: Violation["enforcementLevel"];
    /** The URN, `Kind/namespace/name` for a manifest object, or null for a stack-wide violation. */
    resource: string | null;
    message: string;
}

export function toReported(violations: Violation[], labels?: Map<string, string>): ReportedViolation[] {
    const out = violations.map((v) => ({
        policy: v.policyName,
        enforcementLevel: v.enforcementLevel,
        resource: v.urn === undefined ? null : (labels?.get(v.urn) ?? v.urn),
        message: v.message,
    }));
    const rank = (v: ReportedViolation) => (v.enforcementLevel === "mandatory" ? 0 : 1);
    return out.sort(
        (a, b) =>
            rank(a) - rank(b) ||
            cmp(a.policy, b.policy) ||
            cmp(a.resource ?? "", b.resource ?? "") ||
            cmp(a.message, b.message),
    );
}

/** Code-point order of two strings (stable across locales, unlike localeCompare). */
export function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

export function countMandatory(violations: ReportedViolation[]): number {
    return violations.filter((v) => v.enforcementLevel === "mandatory").length;
}

/** One block per violation: level and policy, the resource, then the message indented. */
export function violationBlocks(violations: ReportedViolation[]): string {
    return violations
        .map((v) => {
            const body = v.message
                .trimEnd()
                .split("\n")
                .map((line) => (line ? `    ${line}` : ""))
                .join("\n");
            return `${v.enforcementLevel.toUpperCase()}  ${v.policy}\n  resource: ${v.resource ?? "(stack)"}\n${body}\n`;
        })
        .join("\n");
}

/** The closing line: counts and the verdict in words. */
export function summaryLine(violations: ReportedViolation[], scope: string): string {
    const mandatory = countMandatory(violations);
    const advisory = violations.length - mandatory;
    const verdict =
        mandatory > 0
            ? "FAIL: mandatory violations block the deployment"
            : advisory > 0
              ? "PASS with advisory violations"
              : "PASS";
    return `${scope}; violations: ${mandatory} mandatory, ${advisory} advisory. ${verdict}.`;
}

/** "1 resource", "2 resources". */
export function plural(n: number, word: string): string {
    return n === 1 ? word : `${word}s`;
}
