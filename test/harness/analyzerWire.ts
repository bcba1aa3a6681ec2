// The analyzer's wire format, as the Pulumi engine speaks it: a stack as an AnalyzeStackRequest
// protobuf, and the diagnostics of a response as Violations. Used by the conformance test (fed to
// @pulumi/policy's own RPC function) and the gRPC test (sent to the pack as the CLI starts it).
import type { StackResource, Violation } from "../../policies/lib/types";

export const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
export const structPb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", {
        paths: [require.resolve("@pulumi/pulumi/proto/analyzer_pb")],
    }),
);

/** The request the engine sends to run stack policies: every resource with its links by URN. */
export function toAnalyzeStackRequest(resources: StackResource[]): any {
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(
        resources.map((r) => {
            const ar = new analyzerPb.AnalyzerResource();
            ar.setType(r.type);
            ar.setUrn(r.urn);
            ar.setName(r.name);
            ar.setProperties(structPb.Struct.fromJavaScript(r.props));
            ar.setOptions(new analyzerPb.AnalyzerResourceOptions());
            if (r.parent) ar.setParent(r.parent);
            ar.setDependenciesList(r.dependencies ?? []);
            const pd = ar.getPropertydependenciesMap();
            for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                const d = new analyzerPb.AnalyzerPropertyDependencies();
                d.setUrnsList(urns);
                pd.set(k, d);
            }
            return ar;
        }),
    );
    return req;
}

/** The enforcement level names of the wire enum. */
export function levelName(level: number): string {
    const e = analyzerPb.EnforcementLevel;
    return Object.keys(e)
        .find((k) => e[k] === level)!
        .toLowerCase();
}

/** The diagnostics of an AnalyzeResponse, as the evaluator reports violations. */
export function toViolations(resp: any): Violation[] {
    return resp.getDiagnosticsList().map((d: any) => {
        const v: Violation = {
            policyName: d.getPolicyname(),
            enforcementLevel: levelName(d.getEnforcementlevel()) as Violation["enforcementLevel"],
            message: d.getMessage(),
        };
        if (d.getUrn()) v.urn = d.getUrn();
        return v;
    });
}
