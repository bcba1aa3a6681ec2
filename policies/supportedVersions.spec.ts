import { strict as assert } from "assert";
import { ISTIO_REPO, stack, StackBuilder, UNKNOWN } from "../test/harness/stackBuilder";
import { evaluateStack } from "./lib/evaluate";
import { SUPPORTED_VERSIONS_POLICY_NAME, supportedVersions as policy } from "./supportedVersions";

/** Every run injects the day through the policy config, as a pack config file would. */
async function run(s: StackBuilder, today: string) {
    return evaluateStack(s.build(), {
        policies: [policy],
        config: { [SUPPORTED_VERSIONS_POLICY_NAME]: { today } },
    });
}

function istioCharts(s: StackBuilder, version: string) {
    for (const chart of ["base", "istiod", "gateway"])
        s.helmChart(`istio-${chart}`, { chart, repo: ISTIO_REPO, version, namespace: "istio-system" });
}

describe("policy supported-versions", () => {
    it("flags pulumi-eks's cluster past standard support with the date, the extended price and what to do", async () => {
        const s = stack();
        s.add("eks:index:Cluster", "cluster", { version: "1.33" });
        const vs = await run(s, "2026-12-04");
        assert.equal(vs.length, 1);
        assert.equal(vs[0].enforcementLevel, "advisory");
        assert.ok(vs[0].urn!.endsWith("::cluster"));
        assert.match(
            vs[0].message,
            /EKS cluster on Kubernetes 1\.33, past EKS standard support on 2026-12-04/,
        );
        assert.match(vs[0].message, /standard support ended 2026-07-29/);
        assert.match(vs[0].message, /\$0\.60\/h per cluster instead of \$0\.10\/h/);
        assert.match(
            vs[0].message,
            /Remediation: plan the upgrade: raise kubernetesVersion one minor at a time/,
        );
    });

    it("flags a plain aws.eks.Cluster, and reports the child of pulumi-eks's component once (on the component)", async () => {
        const plain = stack();
        plain.add("aws:eks/cluster:Cluster", "plain", { version: "1.34" });
        const vs = await run(plain, "2026-12-04");
        assert.deepEqual(
            vs.map((v) => v.urn!.split("::").pop()),
            ["plain"],
        );
        const both = stack();
        const component = both.add("eks:index:Cluster", "c", { version: "1.34" });
        both.add("aws:eks/cluster:Cluster", "c-eksCluster", { version: "1.34" }, { parent: component });
        assert.deepEqual(
            (await run(both, "2026-12-04")).map((v) => v.urn!.split("::").pop()),
            ["c"],
        );
    });

    it("passes a minor in standard support, and says nothing the day before its date", async () => {
        const s = stack();
        s.add("eks:index:Cluster", "cluster", { version: "1.35" });
        assert.deepEqual(await run(s, "2026-12-04"), []);
        const edge = stack();
        edge.add("aws:eks/cluster:Cluster", "edge", { version: "1.33" });
        assert.deepEqual(await run(edge, "2026-07-28"), []);
        assert.equal((await run(edge, "2026-07-29")).length, 1);
    });

    it("at preview: a known version is judged, an unknown one is skipped (no can't-run finding)", async () => {
        const s = stack({ preview: true });
        s.add("eks:index:Cluster", "known", { version: "1.33" });
        s.add("aws:eks/cluster:Cluster", "unknown", { version: UNKNOWN });
        const vs = await run(s, "2026-12-04");
        assert.deepEqual(
            vs.map((v) => v.urn!.split("::").pop()),
            ["known"],
        );
    });

    it("flags Istio charts past end of life once per version, on istiod, naming every chart", async () => {
        const s = stack();
        istioCharts(s, "1.27.3");
        s.helmRelease("istio-cni", { chart: "cni", repo: ISTIO_REPO, version: "1.27.3" });
        const vs = await run(s, "2026-12-04");
        assert.equal(vs.length, 1);
        assert.ok(vs[0].urn!.endsWith("::istio-istiod"));
        assert.match(vs[0].message, /Istio 1\.27\.3 charts, past Istio's end of life on 2026-12-04/);
        for (const c of ["base", "istiod", "gateway", "cni"])
            assert.match(vs[0].message, new RegExp(`chart ${c} 1\\.27\\.3`));
        assert.match(vs[0].message, /reached end of life on 2026-04-07/);
        assert.match(vs[0].message, /supported minor \(1\.30, 1\.31\)/);
    });

    it("passes a supported Istio, non-Istio charts named like Istio's, and Istio before its end of life", async () => {
        const s = stack();
        istioCharts(s, "1.30.2");
        s.helmChart("other-gateway", {
            chart: "gateway",
            repo: "https://charts.example.com",
            version: "1.2.3",
        });
        s.helmChart("metrics", {
            chart: "metrics-server",
            repo: "https://kubernetes-sigs.github.io/metrics-server",
            version: "3.13.1",
        });
        assert.deepEqual(await run(s, "2026-12-04"), []);
        const old = stack();
        istioCharts(old, "1.27.3");
        assert.deepEqual(await run(old, "2026-04-06"), []);
    });

    it("stays advisory when the pack config makes every policy mandatory; takes `today` only as a YYYY-MM-DD day", async () => {
        assert.equal(policy.enforcementLevel, "advisory");
        const s = stack();
        s.add("eks:index:Cluster", "cluster", { version: "1.33" });
        const vs = await evaluateStack(s.build(), {
            policies: [policy],
            config: { all: "mandatory", [SUPPORTED_VERSIONS_POLICY_NAME]: { today: "2026-12-04" } },
        });
        assert.deepEqual(
            vs.map((v) => [v.enforcementLevel, v.message.split("\n")[0]]),
            [["advisory", policy.description]],
        );
        await assert.rejects(run(s, "Dec 4 2026"), /today/);
    });
});
