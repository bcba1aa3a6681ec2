// What the deploy preflight says about versions before pulumi runs: the support status of the
// stack's pinned versions on today's date (warnings, never a stop; docs/support.md), and, before an
// `up`, the live cluster's Kubernetes version against the one the update asks for. EKS moves a
// control plane one minor per update and never back, so a jump of two minors or a downgrade stops
// here, naming both versions and the next allowed one, instead of failing halfway through an update.
// Everything is read through the injected DeployEnvironment (files and the AWS CLI), so tests fake it.
import * as path from "path";
import * as YAML from "yaml";
import { isoDay, minorOf, PinnedVersions, supportLineText, supportStatus } from "../../policies/lib/support";
import type { DeployEnvironment, Problem } from "./preflight";

/** What the stack pins, read as the CLI would hand it to the program: the stack file over Pulumi.yaml's defaults. */
export interface StackPins {
    /** The EKS cluster's name (`clusterName`, or the program's default `<project>-<stack>`). */
    clusterName: string;
    /** The pinned versions; undefined when a file or a key can't be read (then nothing is said). */
    versions?: PinnedVersions;
}

/** The pinned versions and the cluster name of `stack`, from `Pulumi.yaml` and `Pulumi.<stack>.yaml`. */
export function stackPins(root: string, stack: string, e: DeployEnvironment): StackPins {
    const parse = (file: string): Record<string, any> => {
        try {
            return (YAML.parse(e.readFile(path.join(root, file)) ?? "") as Record<string, any> | null) ?? {};
        } catch {
            return {};
        }
    };
    const project = parse("Pulumi.yaml");
    const name = String(project.name ?? "istio-eks-nlb");
    const stackConfig = (parse(`Pulumi.${stack}.yaml`).config ?? {}) as Record<string, unknown>;
    const value = (key: string): unknown => stackConfig[`${name}:${key}`] ?? project.config?.[key]?.default;
    const str = (key: string) => (typeof value(key) === "string" ? (value(key) as string) : undefined);
    // The program's default name (components/config/cluster.ts): `<project>-<stack>`.
    const clusterName = str("clusterName") || `${name}-${stack}`;
    const [kubernetesVersion, istioVersion, lbcChartVersion] = [
        str("kubernetesVersion"),
        str("istioVersion"),
        str("lbcChartVersion"),
    ];
    if (!kubernetesVersion || !istioVersion || !lbcChartVersion) return { clusterName };
    return { clusterName, versions: { kubernetesVersion, istioVersion, lbcChartVersion } };
}

/** The support lines as the preflight prints them, one per pinned version. */
export function supportLines(tool: string, versions: PinnedVersions, today: Date): string {
    return [
        `${tool}: support status on ${isoDay(today)} (docs/support.md):`,
        ...supportStatus(versions, today).map((l) => `  ${supportLineText(l)}`),
        "",
    ].join("\n");
}

/** The result of one command the preflight runs (the AWS CLI). */
export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** What the live check found: the live version, a reason to stop, or a note (not checked, or no cluster yet). */
export interface LiveCheck {
    live?: string;
    problem?: Problem;
    note?: string;
}

const MINOR = /^1\.(\d+)$/;

/**
 * Reads the live cluster's version (`aws eks describe-cluster`) and compares it with `target`: the
 * same minor or the next one is fine; a missing cluster is fine (the first `up` creates it); two
 * minors ahead or a downgrade is a problem; a failed read is a note (it can't be decided here).
 */
export function liveVersionCheck(
    request: { stack: string; clusterName: string; region: string; target: string; awsCli: string },
    e: DeployEnvironment,
): LiveCheck {
    const { stack, clusterName, region, target, awsCli } = request;
    if (!e.run || !MINOR.test(target)) return {};
    const r = e.run(awsCli, [
        "eks",
        "describe-cluster",
        "--name",
        clusterName,
        "--region",
        region,
        "--query",
        "cluster.version",
        "--output",
        "text",
    ]);
    if (r.code !== 0) {
        if (/ResourceNotFoundException|No cluster found/i.test(r.stderr)) {
            return {
                note: `cluster ${clusterName} does not exist yet in ${region}: this up creates it at ${target}`,
            };
        }
        const why = r.stderr.trim().split("\n").pop() || `exit ${r.code}`;
        return {
            note: `could not read cluster ${clusterName}'s version (aws eks describe-cluster: ${why}); not checked`,
        };
    }
    const live = minorOf(r.stdout.trim());
    const l = MINOR.exec(live);
    if (!l) return { note: `cluster ${clusterName} reported version "${r.stdout.trim()}"; not checked` };
    const [from, to] = [Number(l[1]), Number(MINOR.exec(target)![1])];
    const next = `1.${from + 1}`;
    const set = (v: string) => `npx pulumi config set kubernetesVersion ${v} --stack ${stack}`;
    if (to < from) {
        return {
            live,
            problem: {
                what: `kubernetesVersion ${target} is older than cluster ${clusterName}'s live version ${live}: EKS never downgrades a control plane`,
                fix: `set it back to ${live} (${set(live)}), or to ${next} to upgrade one minor`,
            },
        };
    }
    if (to > from + 1) {
        return {
            live,
            problem: {
                what: `kubernetesVersion ${target} is ${to - from} minors ahead of cluster ${clusterName}'s live version ${live}: EKS upgrades the control plane one minor per update`,
                fix: `upgrade to ${next} first (${set(next)}; npm run deploy -- --stack ${stack}), then raise it one minor at a time (docs/upgrades.md)`,
            },
        };
    }
    return { live };
}
