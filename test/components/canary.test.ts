// Istio canary upgrades (issue 15, item 4): the runbook of docs/upgrades.md#istio-canary-upgrade
// recorded step by step on the dev fixture stack, and compared. The ingress path (NLB, listeners,
// target groups, TargetGroupBindings, the gateway chart that renders the gateway's Service) keeps
// its URNs and inputs through every step; the current istiod keeps its URN, version and values while
// the canary exists. Versions are derived from the fixture's istioVersion, never written here.
import { strict as assert } from "assert";
import {
    canaryRevision,
    ConfigError,
    istioBaseVersion,
    istioCanary,
    readSettings,
} from "../../components/config";
import { REVISION_ANNOTATION, SAMPLE_NAMESPACE } from "../../components/mesh";
import { compareVersions, istioKubernetesIncompatibility } from "../../policies/lib/support";
import { ISTIO_MINORS } from "../../policies/lib/supportCalendar";
import { istioRevisions, revisionLines } from "../../tools/plan/revisions";
import { loadFixtureStackConfig, query, RecordedResource, recordStack } from "../harness/pulumiMocks";

const CHART = "kubernetes:helm.sh/v4:Chart";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const K8S_GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
/** The components whose every resource is the ingress path the NLB serves. */
const INGRESS_COMPONENTS = ["istio-eks-nlb:nlb:Nlb", "istio-eks-nlb:targetBinding:TargetBinding"];

const FIXTURE = loadFixtureStackConfig("dev");
/** The fixture dev stack's Istio and Kubernetes versions, and versions around them. */
const CURRENT = String(FIXTURE["istio-eks-nlb:istioVersion"]);
const KUBERNETES = String(FIXTURE["istio-eks-nlb:kubernetesVersion"]);
const [MAJOR, MINOR, PATCH] = CURRENT.split(".").map(Number);
const NEXT_MINOR = `${MAJOR}.${MINOR + 1}.0`;
const TWO_MINORS = `${MAJOR}.${MINOR + 2}.0`;
const NEXT_PATCH = `${MAJOR}.${MINOR}.${PATCH + 1}`;
const OLDER = PATCH > 0 ? `${MAJOR}.${MINOR}.${PATCH - 1}` : `${MAJOR}.${MINOR - 1}.0`;
/**
 * The runbook's canary: the next minor when the support calendar knows it and it supports the
 * fixture's Kubernetes (as the config requires), else the next patch (the pinned minor is the newest
 * the calendar knows).
 */
const CANARY = istioKubernetesIncompatibility(NEXT_MINOR, KUBERNETES) ? NEXT_PATCH : NEXT_MINOR;
const REV = canaryRevision(CANARY);

/** The newest two consecutive Istio minors of the calendar with a Kubernetes minor both support. */
function calendarPair(): { from: string; to: string; kubernetes: string; gatewayApi?: string } {
    const minors = (m: string) => m.split(".").map(Number);
    // The newest pair: the modes and client-IP options need a recent Istio.
    const newestFirst = [...ISTIO_MINORS].sort((x, y) => compareVersions(y.minor, x.minor));
    for (const a of newestFirst) {
        const [ma, mi] = minors(a.minor);
        const b = ISTIO_MINORS.find((x) => x.minor === `${ma}.${mi + 1}`);
        if (!b) continue;
        const k = [a.kubernetes.max, b.kubernetes.min].sort(compareVersions)[0];
        if (compareVersions(k, b.kubernetes.min) >= 0 && compareVersions(k, a.kubernetes.min) >= 0)
            return { from: `${a.minor}.1`, to: `${b.minor}.0`, kubernetes: k, gatewayApi: a.gatewayApi };
    }
    throw new Error("the support calendar has no two consecutive Istio minors sharing a Kubernetes minor");
}

/** The runbook's steps, as the config each `pulumi up` runs with (over the dev fixture stack file). */
const RUNBOOK: { step: string; overrides: Record<string, unknown> }[] = [
    { step: "0 before", overrides: {} },
    { step: "1 canary set", overrides: { istioCanaryVersion: CANARY } },
    {
        step: "2 sample moved",
        overrides: { istioCanaryVersion: CANARY, istioCanaryWorkloads: ["sample"] },
    },
    {
        step: "3 gateway moved",
        overrides: { istioCanaryVersion: CANARY, istioCanaryWorkloads: ["sample", "gateway"] },
    },
    {
        step: "4 promoted",
        overrides: {
            istioVersion: CANARY,
            istioCanaryVersion: CANARY,
            istioCanaryWorkloads: ["sample", "gateway"],
        },
    },
    {
        step: "5 moved back",
        overrides: { istioVersion: CANARY, istioCanaryVersion: CANARY, istioCanaryWorkloads: [] },
    },
    { step: "6 canary removed", overrides: { istioVersion: CANARY } },
];

const byUrn = (rs: RecordedResource[]) => new Map(rs.map((r) => [r.urn, r]));
const ingressPath = (rs: RecordedResource[]) =>
    rs.filter((r) => INGRESS_COMPONENTS.some((c) => r.urn.includes(`${c}$`)));
const istiods = (rs: RecordedResource[]) =>
    query.ofType(rs, CHART).filter((c) => c.inputs.chart === "istiod");
const chartNamed = (rs: RecordedResource[], chart: string): RecordedResource => {
    const found = query.ofType(rs, CHART).filter((c) => c.inputs.chart === chart);
    assert.equal(found.length, 1, `expected one ${chart} chart, found ${found.length}`);
    return found[0];
};
/** The default revision's istiod: the one without a `revision` value. */
const defaultIstiod = (rs: RecordedResource[]) => {
    const found = istiods(rs).filter((c) => !c.inputs.values.revision);
    assert.equal(found.length, 1, "expected one default-revision istiod");
    return found[0];
};
const canaryIstiods = (rs: RecordedResource[]) => istiods(rs).filter((c) => c.inputs.values.revision);
const sampleNamespace = (rs: RecordedResource[]) =>
    query.ofType(rs, NAMESPACE).find((n) => n.inputs.metadata.name === SAMPLE_NAMESPACE)!;
const sampleDeployment = (rs: RecordedResource[]) =>
    query.ofType(rs, DEPLOYMENT).find((d) => d.inputs.metadata.namespace === SAMPLE_NAMESPACE)!;
const withoutRevision = (values: Record<string, unknown>) => {
    const { revision: _revision, ...rest } = values;
    return rest;
};

describe("Istio canary upgrade: the runbook recorded step by step (dev fixture)", () => {
    const steps: RecordedResource[][] = [];
    before(async function () {
        this.timeout(60_000);
        for (const { overrides } of RUNBOOK) steps.push((await recordStack("dev", { overrides })).resources);
    });

    it("the versions the steps use are derived from the fixture: a canary ahead of istioVersion", () => {
        assert.match(CURRENT, /^\d+\.\d+\.\d+$/);
        assert.ok(compareVersions(CANARY, CURRENT) > 0, `${CANARY} > ${CURRENT}`);
        assert.equal(REV, CANARY.replace(/\./g, "-"));
    });

    it("every step keeps the NLB, its listeners, target groups, TargetGroupBindings and their rules: same URNs, same inputs", () => {
        const before = ingressPath(steps[0]);
        const types = new Set(before.map((r) => r.type));
        for (const t of [
            "aws:lb/loadBalancer:LoadBalancer",
            "aws:lb/listener:Listener",
            "aws:lb/targetGroup:TargetGroup",
            "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
        ])
            assert.ok(types.has(t), `the ingress path has no ${t}`);
        for (const [i, rs] of steps.entries()) {
            const now = byUrn(ingressPath(rs));
            assert.deepEqual(
                [...now.keys()],
                before.map((r) => r.urn),
                `step ${RUNBOOK[i].step}: URNs`,
            );
            for (const r of before)
                assert.deepEqual(now.get(r.urn)!.inputs, r.inputs, `step ${RUNBOOK[i].step}: ${r.urn}`);
        }
    });

    it("the gateway chart (its Service) keeps its URN, release, namespace and Service values; only the pods' revision and, at promotion, the version change", () => {
        const gw0 = chartNamed(steps[0], "gateway");
        for (const [i, rs] of steps.entries()) {
            const gw = chartNamed(rs, "gateway");
            const at = `step ${RUNBOOK[i].step}`;
            assert.equal(gw.urn, gw0.urn, at);
            assert.equal(gw.inputs.name, gw0.inputs.name, at);
            assert.equal(gw.inputs.namespace, gw0.inputs.namespace, at);
            assert.deepEqual(gw.inputs.values.service, gw0.inputs.values.service, at);
            assert.deepEqual(withoutRevision(gw.inputs.values), gw0.inputs.values, at);
            const expectedVersion = String(RUNBOOK[i].overrides.istioVersion ?? CURRENT);
            assert.equal(gw.inputs.version, expectedVersion, `${at}: the gateway chart follows istioVersion`);
        }
        const revisions = steps.map((rs) => chartNamed(rs, "gateway").inputs.values.revision);
        assert.deepEqual(revisions, [undefined, undefined, undefined, REV, REV, undefined, undefined]);
    });

    it("while the canary exists, the current istiod keeps its URN, version, release and values; the canary is a second istiod of its own revision", () => {
        const current = defaultIstiod(steps[0]);
        assert.equal(current.inputs.version, CURRENT);
        assert.equal(canaryIstiods(steps[0]).length, 0);
        for (const i of [1, 2, 3]) {
            const at = `step ${RUNBOOK[i].step}`;
            const d = defaultIstiod(steps[i]);
            assert.equal(d.urn, current.urn, at);
            assert.deepEqual(d.inputs, current.inputs, at);
            const canaries = canaryIstiods(steps[i]);
            assert.equal(canaries.length, 1, at);
            const c = canaries[0];
            assert.equal(c.inputs.version, CANARY, at);
            assert.equal(c.inputs.values.revision, REV, at);
            assert.equal(c.inputs.name, `istiod-${REV}`, at);
            assert.ok(c.urn.endsWith(`-istiod-${REV}`), `${at}: ${c.urn}`);
            assert.equal(c.inputs.namespace, current.inputs.namespace, at);
            // The same configuration as the current istiod, but for its revision.
            assert.deepEqual(withoutRevision(c.inputs.values), current.inputs.values, at);
        }
        // The canary keeps its URN through promotion and until it is removed.
        const canaryUrn = canaryIstiods(steps[1])[0].urn;
        for (const i of [2, 3, 4, 5]) assert.equal(canaryIstiods(steps[i])[0].urn, canaryUrn);
    });

    it("the base chart (CRDs) runs the newer of the two versions; promotion upgrades the default istiod in place; removal leaves one istiod", () => {
        const bases = steps.map((rs) => chartNamed(rs, "base"));
        assert.deepEqual(
            bases.map((b) => b.inputs.version),
            [CURRENT, ...Array(6).fill(CANARY)],
        );
        assert.ok(bases.every((b) => b.urn === bases[0].urn));
        assert.equal(defaultIstiod(steps[4]).urn, defaultIstiod(steps[0]).urn);
        assert.equal(defaultIstiod(steps[4]).inputs.version, CANARY);
        assert.equal(istiods(steps[6]).length, 1);
        assert.equal(defaultIstiod(steps[6]).inputs.version, CANARY);
    });

    it("the sample namespace moves by istio.io/rev (no istio-injection, which would win) and its pods roll on each move", () => {
        const labels = steps.map((rs) => sampleNamespace(rs).inputs.metadata.labels);
        for (const i of [0, 1, 5, 6]) {
            assert.equal(labels[i]["istio-injection"], "enabled", RUNBOOK[i].step);
            assert.equal(labels[i]["istio.io/rev"], undefined, RUNBOOK[i].step);
        }
        for (const i of [2, 3, 4]) {
            assert.equal(labels[i]["istio.io/rev"], REV, RUNBOOK[i].step);
            assert.equal(labels[i]["istio-injection"], undefined, RUNBOOK[i].step);
        }
        const annotations = steps.map(
            (rs) => sampleDeployment(rs).inputs.spec.template.metadata.annotations?.[REVISION_ANNOTATION],
        );
        assert.deepEqual(annotations, [undefined, undefined, REV, REV, REV, undefined, undefined]);
        // Its pods are created after the canary's injector exists.
        const canary = canaryIstiods(steps[2])[0];
        assert.ok(sampleDeployment(steps[2]).dependencies!.includes(canary.urn));
    });

    it("npm run plan names both istiods and what runs on the canary, and nothing without one", () => {
        assert.deepEqual(revisionLines(istioRevisions(steps[0])), []);
        assert.deepEqual(istioRevisions(steps[3]), [
            { revision: "default", version: CURRENT, workloads: [] },
            {
                revision: REV,
                version: CANARY,
                workloads: [
                    `gateway ${chartNamed(steps[3], "gateway").inputs.name}`,
                    `namespace ${SAMPLE_NAMESPACE}`,
                ],
            },
        ]);
        assert.deepEqual(revisionLines(istioRevisions(steps[1])).slice(1), [
            "Istio revisions (canary upgrade: docs/upgrades.md)",
            `  default: istiod ${CURRENT}`,
            `  ${REV}: istiod ${CANARY}, canary; runs no workload yet`,
        ]);
        assert.deepEqual(revisionLines(istioRevisions(steps[6])), []);
    });

    it("after the whole runbook the stack has exactly the resources it started with (no canary left behind)", () => {
        assert.deepEqual(steps[6].map((r) => r.urn).sort(), steps[0].map((r) => r.urn).sort());
    });
});

describe("Istio canary upgrade: Gateway API ingress", () => {
    it("the gateway moves by the Gateway's istio.io/rev label; the Gateway, its bindings and the NLB keep their URNs and inputs", async function () {
        this.timeout(30_000);
        // A patch canary: built against the same Gateway API release as istioVersion (the CRDs both read).
        const base = { ingressApi: "gatewayApi", istioCanaryVersion: NEXT_PATCH };
        const before = (await recordStack("dev", { overrides: base })).resources;
        const after = (
            await recordStack("dev", { overrides: { ...base, istioCanaryWorkloads: ["gateway"] } })
        ).resources;
        const gateway = (rs: RecordedResource[]) =>
            query.ofType(rs, K8S_GATEWAY).find((g) => g.inputs.spec.gatewayClassName === "istio")!;
        assert.equal(gateway(before).inputs.metadata.labels?.["istio.io/rev"], undefined);
        assert.equal(gateway(after).inputs.metadata.labels["istio.io/rev"], canaryRevision(NEXT_PATCH));
        assert.equal(gateway(after).urn, gateway(before).urn);
        const { labels: _labels, ...metaAfter } = gateway(after).inputs.metadata;
        assert.deepEqual(metaAfter, gateway(before).inputs.metadata);
        assert.deepEqual(gateway(after).inputs.spec, gateway(before).inputs.spec);
        const ingressBefore = ingressPath(before);
        const ingressAfter = byUrn(ingressPath(after));
        for (const r of ingressBefore) assert.deepEqual(ingressAfter.get(r.urn)?.inputs, r.inputs, r.urn);
        // The Gateway waits for the canary istiod that deploys it.
        assert.ok(gateway(after).dependencies!.includes(canaryIstiods(after)[0].urn));
    });
});

describe("Istio canary upgrade: config", () => {
    const read = (values: Record<string, unknown>) => {
        const all: Record<string, string> = {
            "istio-eks-nlb:sampleApp": "true",
            "istio-eks-nlb:endpointPublicAccessCidrs": '["203.0.113.0/24"]',
        };
        for (const [k, v] of Object.entries(values))
            all[`istio-eks-nlb:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
        return readSettings(all, { stack: "dev", region: "us-west-2" });
    };
    const rejects = (values: Record<string, unknown>, message: string) =>
        assert.throws(
            () => read(values),
            (e: unknown) => e instanceof ConfigError && e.message === message,
            message,
        );
    // Two consecutive minors of the calendar and a Kubernetes minor both support.
    const pair = calendarPair();
    const [pMajor, pMinor] = pair.from.split(".").map(Number);
    const onPair = { istioVersion: pair.from, kubernetesVersion: pair.kubernetes };

    it("empty by default: no canary, no workload on one, base at istioVersion", () => {
        const s = read({ istioVersion: CURRENT });
        assert.equal(s.istioCanaryVersion, "");
        assert.deepEqual(s.istioCanaryWorkloads, []);
        assert.equal(istioCanary(s), undefined);
        assert.equal(istioBaseVersion(s.istioVersion, istioCanary(s)), CURRENT);
    });

    it("a canary one minor or a patch ahead, or equal (the promoted state), is accepted and named by its version", () => {
        const patch = `${pMajor}.${pMinor}.2`;
        for (const v of [pair.to, patch, pair.from]) {
            const s = read({ ...onPair, istioCanaryVersion: v, istioCanaryWorkloads: ["gateway"] });
            assert.deepEqual(istioCanary(s), {
                version: v,
                revision: v.replace(/\./g, "-"),
                workloads: ["gateway"],
            });
            assert.equal(istioBaseVersion(pair.from, istioCanary(s)), v);
        }
        assert.equal(canaryRevision("1.28.0"), "1-28-0");
    });

    it("rejects a bad canary version, naming the key, the value and what is allowed", () => {
        rejects(
            { istioCanaryVersion: "1.28" },
            'Invalid config "istio-eks-nlb:istioCanaryVersion": "1.28" must be a pinned Istio version "x.y.z" like "1.28.0"',
        );
        rejects(
            { istioVersion: CURRENT, istioCanaryVersion: OLDER },
            `Invalid config "istio-eks-nlb:istioCanaryVersion": "${OLDER}" must not be older than istioVersion (${CURRENT}): a canary runs a newer Istio beside the current one; to roll back, move the workloads back (istioCanaryWorkloads) and unset it`,
        );
        const tooFar = `Invalid config "istio-eks-nlb:istioCanaryVersion": "%s" must be at most one minor ahead of istioVersion (${CURRENT}), i.e. ${MAJOR}.${MINOR}.x or ${MAJOR}.${MINOR + 1}.x: istio-cni stays at istioVersion until promotion, and a node agent supports a control plane at most one minor newer; upgrade one minor per canary`;
        for (const v of [TWO_MINORS, `${MAJOR + 1}.0.0`])
            rejects({ istioVersion: CURRENT, istioCanaryVersion: v }, tooFar.replace("%s", v));
    });

    it("the canary must support kubernetesVersion, as istioVersion must (the support calendar)", () => {
        // A Kubernetes minor the older of the pair supports and the newer does not, when there is one.
        const from = ISTIO_MINORS.find((m) => `${m.minor}.1` === pair.from)!;
        const to = ISTIO_MINORS.find((m) => `${m.minor}.0` === pair.to)!;
        assert.ok(
            compareVersions(from.kubernetes.min, to.kubernetes.min) < 0,
            "the calendar's minors move up",
        );
        const k = from.kubernetes.min;
        rejects(
            { istioVersion: pair.from, kubernetesVersion: k, istioCanaryVersion: pair.to },
            `Invalid config "istio-eks-nlb:istioCanaryVersion": "${pair.to}" ${istioKubernetesIncompatibility(pair.to, k)}`,
        );
    });

    it("with the Gateway API CRDs, the canary must be built against gatewayApiVersion's minor, as istioVersion is", () => {
        const from = ISTIO_MINORS.find((m) => `${m.minor}.1` === pair.from)!;
        const to = ISTIO_MINORS.find((m) => `${m.minor}.0` === pair.to)!;
        const gatewayApi = { ingressApi: "gatewayApi", gatewayApiVersion: from.gatewayApi };
        // A patch canary shares its minor's Gateway API release.
        read({ ...onPair, ...gatewayApi, istioCanaryVersion: `${pMajor}.${pMinor}.2` });
        if (
            to.gatewayApi &&
            from.gatewayApi &&
            to.gatewayApi.split(".")[1] !== from.gatewayApi.split(".")[1]
        ) {
            rejects(
                { ...onPair, ...gatewayApi, istioCanaryVersion: pair.to },
                `Invalid config "istio-eks-nlb:istioCanaryVersion": "${pair.to}" is not built against gatewayApiVersion "${from.gatewayApi}", the Gateway API CRDs both revisions read (Istio ${pair.to} needs ${to.gatewayApi}): canary a version built against the same Gateway API minor as istioVersion, or upgrade the CRDs and istioVersion first`,
            );
        } else {
            read({ ...onPair, ...gatewayApi, istioCanaryVersion: pair.to });
        }
    });

    it("is refused in ambient mode: ztunnel is per node and upgraded in place, not per revision", () => {
        rejects(
            { ...onPair, dataplaneMode: "ambient", istioCanaryVersion: pair.to },
            `Invalid config "istio-eks-nlb:istioCanaryVersion": "${pair.to}" must be empty when dataplaneMode is "ambient": ztunnel is one DaemonSet per node and is upgraded in place, not per revision (istio.io "Upgrade with Helm" for ambient); upgrade with istioVersion instead`,
        );
    });

    it("rejects bad canary workloads, naming the key, the value and what is allowed", () => {
        const canary = { ...onPair, istioCanaryVersion: pair.to };
        rejects(
            { ...canary, istioCanaryWorkloads: ["gateway", "apps"] },
            'Invalid config "istio-eks-nlb:istioCanaryWorkloads": ["gateway","apps"] contains "apps"; allowed: gateway|sample',
        );
        rejects(
            { ...canary, istioCanaryWorkloads: ["sample", "sample"] },
            'Invalid config "istio-eks-nlb:istioCanaryWorkloads": ["sample","sample"] must not repeat a value',
        );
        rejects(
            { istioCanaryWorkloads: ["gateway"] },
            'Invalid config "istio-eks-nlb:istioCanaryWorkloads": ["gateway"] must be empty while istioCanaryVersion is empty (there is no canary revision to run on)',
        );
        rejects(
            { ...canary, sampleApp: false, istioCanaryWorkloads: ["sample"] },
            'Invalid config "istio-eks-nlb:istioCanaryWorkloads": ["sample"] must not contain "sample" unless sampleApp is true (there is no sample app to move)',
        );
    });
});
