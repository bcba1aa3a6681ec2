// Reporting a finding: remediation text always, exemptions reported as advisory with their reason.
import type { ReportViolation } from "@pulumi/policy";
import { Exemption, findExemption } from "./config";
import { formatHop, Hop, hopIdentifiers } from "./graph";

export interface Finding {
    /** Resource the violation is reported on. */
    urn?: string;
    /** First line: what was found. */
    summary: string;
    /** The hops of the chain (or the single resource), printed one per line. */
    hops: Hop[];
    /** Why it matters. */
    why: string;
    /** How to fix it. */
    remediation: string;
}

/** The message of a finding, as printed under the policy description. */
export function findingMessage(f: Finding): string {
    const lines = [f.summary];
    f.hops.forEach((h, i) => lines.push(`  ${i === 0 ? "   " : "-> "}${formatHop(h)}`));
    lines.push(`Why: ${f.why}`);
    lines.push(`Remediation: ${f.remediation}`);
    return lines.join("\n");
}

/**
 * Reports a finding at the policy's level, or, when an exemption matches one of its hops, as advisory
 * with the exemption's reason (never dropped).
 */
export function reportFinding(
    report: ReportViolation,
    description: string,
    exemptions: Exemption[],
    f: Finding,
): void {
    const message = findingMessage(f);
    const ex = exemptions.length ? findExemption(exemptions, hopIdentifiers(f.hops)) : undefined;
    if (!ex) {
        report(message, f.urn);
        return;
    }
    report({
        message: `${description}\n${message}\nExempted (reported as advisory): "${ex.resource}": ${ex.reason}`,
        urn: f.urn,
        enforcementLevel: "advisory",
    } as any);
}
