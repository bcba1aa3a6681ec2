// The Istio control planes a stack runs, read from its recorded istiod charts: the default revision
// and, during a canary upgrade (docs/upgrades.md#istio-canary-upgrade), the canary revision and which
// of the program's workloads it injects.
import type { RecordedResource } from "../mocks/pulumiMocks";

/** One istiod chart of the stack. */
export interface IstioRevision {
    /** `default`, or the chart's `revision` value. */
    revision: string;
    /** Its chart version. */
    version: string;
    /** The program's workloads it injects besides the default's: `gateway`, `namespace <name>`. */
    workloads: string[];
}

/** The istiod revisions of recorded resources, the default first. */
export function istioRevisions(resources: readonly RecordedResource[]): IstioRevision[] {
    const charts = resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
    const onRevision = (rev: string): string[] => [
        ...charts
            .filter((c) => c.inputs.chart === "gateway" && c.inputs.values?.revision === rev)
            .map((c) => `gateway ${c.inputs.name ?? c.name}`),
        ...resources
            .filter((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway")
            .filter((g) => g.inputs.metadata?.labels?.["istio.io/rev"] === rev)
            .map((g) => `gateway ${g.inputs.metadata.name}`),
        ...resources
            .filter((r) => r.type === "kubernetes:core/v1:Namespace")
            .filter((n) => n.inputs.metadata?.labels?.["istio.io/rev"] === rev)
            .map((n) => `namespace ${n.inputs.metadata.name}`),
    ];
    return charts
        .filter((c) => c.inputs.chart === "istiod")
        .map((c) => {
            const revision = String(c.inputs.values?.revision || "default");
            return { revision, version: String(c.inputs.version), workloads: onRevision(revision) };
        })
        .sort((a, b) => (a.revision === "default" ? -1 : b.revision === "default" ? 1 : 0));
}

/** The plan's lines for a canary upgrade; none with a single istiod. */
export function revisionLines(revisions: readonly IstioRevision[]): string[] {
    if (revisions.length < 2) return [];
    return [
        "",
        "Istio revisions (canary upgrade: docs/upgrades.md)",
        ...revisions.map(
            (r) =>
                `  ${r.revision}: istiod ${r.version}` +
                (r.revision === "default"
                    ? ""
                    : `, canary; runs ${r.workloads.join(", ") || "no workload yet"}`),
        ),
    ];
}
