// Day-2 operations (issue 7), on the dev stack (full run) and the prod stack (preview): drains never
// block, nodes follow the control plane, bindings follow their target group, an internet-facing NLB
// waits for internet routing (not for EKS), and subnets land in distinct regular AZs.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    mockZones,
    query,
    RecordedResource,
    recordProgram,
    recordStack,
    RecordResult,
} from "../harness/pulumiMocks";
import { drainSafePdb, gatewayValues, istiodValues } from "../../components/istio";
import { Network, selectZones } from "../../components/network";
import { clientIpDelivery } from "../../components/nlb";
import { ConfigError } from "../../components/config";
import { adminNameSuffix } from "../../components/cluster";
import { PROD_DECISIONS } from "../harness/decisions";
import { readConfig } from "../harness/readConfig";

const CHART = "kubernetes:helm.sh/v4:Chart";
const chartValues = (rs: RecordedResource[], chart: string): Record<string, any> => {
    const found = rs.filter((r) => r.type === CHART && r.inputs.chart === chart);
    assert.equal(found.length, 1, `one ${chart} chart`);
    return found[0].inputs.values;
};

type Pdb = { minAvailable?: number; maxUnavailable?: number } | undefined;

// What the pinned 1.27 charts render from these values (checked with `helm template` against
// istio/istio 1.27.3: istio-discovery/templates/poddisruptionbudget.yaml, gateway/templates/...).
/** istiod: a PDB whenever global.defaultPodDisruptionBudget.enabled (default true); pdb.minAvailable 1 by default. */
function istiodRenderedPdb(values: Record<string, any>): Pdb {
    if (values.global?.defaultPodDisruptionBudget?.enabled === false) return undefined;
    const pdb = { minAvailable: 1, ...(values.pdb ?? {}) };
    return "maxUnavailable" in pdb
        ? { maxUnavailable: pdb.maxUnavailable }
        : { minAvailable: pdb.minAvailable };
}
/** gateway: `podDisruptionBudget` verbatim, none when empty. */
function gatewayRenderedPdb(values: Record<string, any>): Pdb {
    const pdb = values.podDisruptionBudget ?? {};
    return Object.keys(pdb).length === 0 ? undefined : pdb;
}

/** Evictions the disruption controller allows with `pods` healthy pods (Kubernetes' formula). */
function disruptionsAllowed(pdb: Pdb, pods: number): number {
    if (!pdb) return pods;
    const desiredHealthy = pdb.maxUnavailable !== undefined ? pods - pdb.maxUnavailable : pdb.minAvailable!;
    return Math.max(0, pods - desiredHealthy);
}

/** Every replica count a workload can run at: its HPA range, or its fixed count. */
function replicaRange(min: number, max: number): number[] {
    return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

function assertNeverBlocks(what: string, pdb: Pdb, counts: number[]): void {
    assert.ok(counts.length > 0, `${what}: no replica counts`);
    for (const n of counts) {
        assert.ok(
            disruptionsAllowed(pdb, n) >= 1,
            `${what}: PDB ${JSON.stringify(pdb)} blocks a drain at ${n} pod(s)`,
        );
    }
}

describe("day 2 (dev stack, full run; prod stack, preview)", () => {
    let dev: RecordResult<Record<string, unknown>>;
    let prod: RecordResult<Record<string, unknown>>;

    before(async () => {
        dev = await recordStack("dev");
        prod = await recordStack("prod", { preview: true, overrides: PROD_DECISIONS });
    });

    describe("PodDisruptionBudgets never block a drain (finding 2)", () => {
        for (const env of ["dev", "prod"] as const) {
            it(`${env}: the istiod and gateway PDBs the charts render allow an eviction at every replica count`, () => {
                const rs = (env === "dev" ? dev : prod).resources;
                // The chart copies legacy pilot.* keys over the root (zzy_descope_legacy.yaml).
                const istiod = { ...chartValues(rs, "istiod"), ...chartValues(rs, "istiod").pilot };
                assertNeverBlocks(
                    `${env} istiod`,
                    istiodRenderedPdb(istiod),
                    replicaRange(istiod.autoscaleMin, istiod.autoscaleMax),
                );
                const gw = chartValues(rs, "gateway");
                const max = gw.autoscaling.enabled ? gw.autoscaling.maxReplicas : gw.replicaCount;
                assertNeverBlocks(
                    `${env} gateway`,
                    gatewayRenderedPdb(gw),
                    replicaRange(gw.replicaCount, max),
                );
            });
        }

        it("istiod is configured through the chart's root keys, not the legacy pilot.* copy", () => {
            const v = chartValues(prod.resources, "istiod");
            assert.equal(v.pilot, undefined);
            assert.deepEqual([v.replicaCount, v.autoscaleMin, v.autoscaleMax], [2, 2, 5]);
        });

        it("one replica renders no PDB (dev); two or more render maxUnavailable 1 with AlwaysAllow (prod)", () => {
            assert.equal(istiodRenderedPdb(chartValues(dev.resources, "istiod")), undefined);
            assert.equal(gatewayRenderedPdb(chartValues(dev.resources, "gateway")), undefined);
            const p = chartValues(prod.resources, "istiod");
            assert.deepEqual(p.global.defaultPodDisruptionBudget, { enabled: true });
            assert.deepEqual(p.pdb, { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow" });
            assert.deepEqual(chartValues(prod.resources, "gateway").podDisruptionBudget, p.pdb);
        });

        it("drainSafePdb, istiodValues and gatewayValues never block at any replica count from 1 to 12", () => {
            for (let replicas = 1; replicas <= 12; replicas++) {
                assert.equal(drainSafePdb(replicas) === undefined, replicas === 1, `replicas ${replicas}`);
                const i = istiodValues({ istiodReplicas: replicas });
                assertNeverBlocks(
                    `istiod x${replicas}`,
                    istiodRenderedPdb(i),
                    replicaRange(replicas, i.autoscaleMax as number),
                );
                const g = gatewayValues({
                    gatewayName: "gw",
                    gatewayReplicas: replicas,
                    gatewayMaxReplicas: replicas + 3,
                    deregistrationDelay: 30,
                    proxyProtocolV2: false,
                    numTrustedProxies: 0,
                });
                assertNeverBlocks(
                    `gateway x${replicas}`,
                    gatewayRenderedPdb(g),
                    replicaRange(replicas, replicas + 3),
                );
            }
        });
    });

    describe("node upgrades follow the control plane (finding 3)", () => {
        for (const env of ["dev", "prod"] as const) {
            it(`${env}: the managed node group runs the control plane's version and waits for its role's policies`, () => {
                const rs = (env === "dev" ? dev : prod).resources;
                const cluster = query.one(rs, "eks:index:Cluster");
                const ng = query.one(rs, "eks:index:ManagedNodeGroup");
                assert.equal(ng.inputs.version, "1.33");
                assert.equal(ng.inputs.version, cluster.outputs.eksCluster.version);
                assert.ok(
                    ng.propertyDependencies!.version.includes(cluster.urn),
                    "version comes from the cluster",
                );
                const nodeRole = query.one(rs, "aws:iam/role:Role", "-cluster-node-role");
                const attachments = query
                    .ofType(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .filter((a) => a.propertyDependencies!.role?.includes(nodeRole.urn));
                assert.deepEqual(attachments.map((a) => a.inputs.policyArn.split("/").pop()).sort(), [
                    "AmazonEC2ContainerRegistryReadOnly",
                    "AmazonEKSWorkerNodePolicy",
                ]);
                for (const a of attachments)
                    assert.ok(ng.dependencies!.includes(a.urn), `${a.name} before nodes`);
            });
        }
    });

    it("a TargetGroupBinding is replaced, delete first, when its target group ARN changes (finding 7)", () => {
        for (const rs of [dev.resources, prod.resources]) {
            const tgbs = query.ofType(rs, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
            assert.equal(tgbs.length, 2);
            for (const b of tgbs) {
                assert.deepEqual(b.options.replaceOnChanges, ["spec.targetGroupARN"]);
                assert.equal(b.options.deleteBeforeReplace, true);
            }
        }
    });

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: the internet-facing NLB waits for the internet gateway, public default route and public route associations, not for EKS (finding 5)`, () => {
            const rs = (env === "dev" ? dev : prod).resources;
            const lb = query.one(rs, "aws:lb/loadBalancer:LoadBalancer");
            assert.equal(lb.inputs.internal, false);
            const igw = query.one(rs, "aws:ec2/internetGateway:InternetGateway");
            const route = query.one(rs, "aws:ec2/route:Route", "-public-default");
            assert.equal(route.inputs.destinationCidrBlock, "0.0.0.0/0");
            const rtas = query
                .ofType(rs, "aws:ec2/routeTableAssociation:RouteTableAssociation")
                .filter((a) => /-public-\d+-rta$/.test(a.name));
            assert.equal(rtas.length, env === "dev" ? 2 : 3);
            for (const r of [igw, route, ...rtas])
                assert.ok(lb.dependencies!.includes(r.urn), `NLB waits for ${r.name}`);
            const eksSide = rs.filter(
                (r) => r.type.startsWith("eks:") || r.type === "istio-eks-nlb:cluster:Cluster",
            );
            const deps = query.transitiveDependencies(rs, lb.urn);
            for (const e of eksSide) assert.ok(!deps.has(e.urn), `NLB waits for ${e.name}`);
        });

        it(`${env}: subnets are spread over distinct zones that need no opt-in (finding 9)`, () => {
            const rs = (env === "dev" ? dev : prod).resources;
            const regular = mockZones("us-west-2")
                .filter((z) => z.optInStatus === "opt-in-not-required")
                .map((z) => z.name);
            const subnets = query.ofType(rs, "aws:ec2/subnet:Subnet");
            const azCount = env === "dev" ? 2 : 3;
            for (const role of ["public", "private"]) {
                const zones = subnets
                    .filter((s) => s.name.includes(`-${role}-`))
                    .map((s) => s.inputs.availabilityZone);
                assert.equal(zones.length, azCount);
                assert.equal(new Set(zones).size, azCount, `${role} subnets share a zone: ${zones}`);
                for (const z of zones) assert.ok(regular.includes(z), `${z} needs an opt-in`);
            }
        });
    }

    it("selectZones takes the first azCount regular zones and names azCount and the zones found when short (finding 9)", () => {
        assert.deepEqual(selectZones(["us-west-1a", "us-west-1c"], 2), ["us-west-1a", "us-west-1c"]);
        assert.throws(
            () => selectZones(["us-west-1a", "us-west-1c"], 3),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message ===
                    'Invalid config "istio-eks-nlb:azCount": 3 exceeds the availability zones of this region that need no opt-in: 2 found (us-west-1a, us-west-1c)',
        );
    });
    it("too few zones surfaces under `pulumi up` as the ConfigError itself: clean message, no stack (a RunError), network inputs rejected with it (finding 9)", async () => {
        const expected =
            'Invalid config "istio-eks-nlb:azCount": 3 exceeds the availability zones of this region that need no opt-in: 2 found (us-west-1a, us-west-1c)';
        const isTheConfigError = (err: unknown) =>
            err instanceof ConfigError && pulumi.RunError.isInstance(err) && err.message === expected;
        // The VPC's input rejects outside any awaiter, as an unhandled rejection: exactly what the
        // Pulumi language host reports (RunError: message only). Catch them instead of mocha.
        const rejections: unknown[] = [];
        const saved = process.listeners("unhandledRejection");
        const capture = (reason: unknown) => rejections.push(reason);
        process.removeAllListeners("unhandledRejection");
        process.on("unhandledRejection", capture);
        try {
            await assert.rejects(
                recordProgram(
                    () => {
                        const net = new Network("net", {
                            clusterName: "c",
                            azCount: 3,
                            vpcCidr: "10.0.0.0/16",
                            natGateways: "single",
                        });
                        return { zones: net.availabilityZones };
                    },
                    { config: { "aws:region": "us-west-1" } },
                ),
                isTheConfigError,
            );
            for (let i = 0; i < 100 && rejections.length === 0; i++)
                await new Promise((r) => setTimeout(r, 20));
        } finally {
            // The aborted run leaves the network's other registrations pending forever, as `pulumi up`
            // would before exiting; forget them so the SDK's exit-time leak report stays quiet.
            require("@pulumi/pulumi/runtime/debuggable").leakedPromises();
            process.removeListener("unhandledRejection", capture);
            for (const l of saved) process.on("unhandledRejection", l as (...args: unknown[]) => void);
        }
        assert.ok(rejections.length > 0, "the VPC and subnets wait for the zone check and fail with it");
        for (const r of rejections) assert.ok(isTheConfigError(r), `unexpected: ${String(r)}`);
    });
    for (const [env, days] of [
        ["dev", 30],
        ["prod", 90],
    ] as const) {
        it(`${env}: the control-plane log group exists before the cluster, with ${days} days' retention (finding 8)`, () => {
            const rs = (env === "dev" ? dev : prod).resources;
            const group = query.one(rs, "aws:cloudwatch/logGroup:LogGroup", "-cluster-logs");
            assert.equal(group.inputs.name, `/aws/eks/istio-eks-nlb-${env}/cluster`);
            assert.equal(group.inputs.retentionInDays, days);
            assert.ok(query.one(rs, "eks:index:Cluster").dependencies!.includes(group.urn));
            assert.equal(group.options.retainOnDelete, false, "destroyed with the stack");
        });
    }

    it("an internal NLB with the default clientIpMode does not preserve client IPs: no hairpin (finding 6)", async () => {
        const internal = await recordStack("dev", {
            overrides: { nlbScheme: "internal", nlbSourceCidrs: [], clientIpMode: "preserveClientIp" },
        });
        const tgs = query.ofType(internal.resources, "aws:lb/targetGroup:TargetGroup");
        assert.equal(tgs.length, 2);
        for (const tg of tgs) {
            assert.equal(tg.inputs.preserveClientIp, "false");
            assert.equal(tg.inputs.proxyProtocolV2, false);
        }
        // Control: the internet-facing dev stack keeps preservation on.
        for (const tg of query.ofType(dev.resources, "aws:lb/targetGroup:TargetGroup"))
            assert.equal(tg.inputs.preserveClientIp, "true");
    });

    it("dev and prod give no one but the creator cluster-admin unless clusterAdmins says so", () => {
        for (const rs of [dev.resources, prod.resources])
            assert.deepEqual(
                query
                    .ofType(rs, "aws:eks/accessEntry:AccessEntry")
                    .filter((e) => e.inputs.type !== "EC2_LINUX") // Karpenter's nodes
                    .map((e) => e.inputs.principalArn),
                [],
            );
    });
});

describe("day 2 config", () => {
    const read = readConfig;
    const rejects = (values: Record<string, unknown>, message: string) =>
        assert.throws(
            () => read(values),
            (err: unknown) => {
                assert.ok(err instanceof ConfigError, String(err));
                assert.equal((err as Error).message, message);
                return true;
            },
        );

    it("clusterAdmins takes IAM role and user ARNs of any partition, with paths (finding 4)", () => {
        const arns = [
            "arn:aws:iam::123456789012:role/platform-admins",
            "arn:aws:iam::123456789012:role/teams/platform/Admin_1",
            "arn:aws:iam::123456789012:user/ops@example.com",
            "arn:aws-cn:iam::123456789012:role/admins",
            "arn:aws-us-gov:iam::123456789012:user/ops",
            "arn:aws-iso-b:iam::123456789012:role/admins",
        ];
        assert.deepEqual(read({ clusterAdmins: arns }).clusterAdmins, arns);
        assert.deepEqual(read({}).clusterAdmins, []);
        assert.equal(
            adminNameSuffix("arn:aws:iam::123456789012:role/teams/platform/Admin_1"),
            "role-teams-platform-Admin_1-123456789012",
        );
    });

    for (const bad of [
        "arn:aws:sts::123456789012:assumed-role/Admin/alice",
        "arn:aws:iam::123456789012:group/admins",
        "arn:aws:iam::123456789012:role/*",
        "arn:aws:iam::12345:role/admins",
        "arn:aws:iam:us-west-2:123456789012:role/admins",
        "arn:aws:eks:us-west-2:123456789012:cluster/x",
        "platform-admins",
        "",
    ]) {
        it(`clusterAdmins rejects ${JSON.stringify(bad)} before anything is created, naming the key, the value and an example`, () =>
            rejects(
                { clusterAdmins: ["arn:aws:iam::123456789012:role/ok", bad] },
                `Invalid config "istio-eks-nlb:clusterAdmins": ${JSON.stringify(bad)} is not an IAM role or user ARN, like "arn:aws:iam::123456789012:role/platform-admins" (use the role ARN, not an sts assumed-role ARN)`,
            ));
    }

    it("clusterAdmins rejects a principal listed twice", () =>
        rejects(
            { clusterAdmins: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"] },
            'Invalid config "istio-eks-nlb:clusterAdmins": "arn:aws:iam::123456789012:role/a" is listed twice (one access entry per principal)',
        ));

    it("clusterLogRetentionDays takes CloudWatch retention values only; default 30 (finding 8)", () => {
        assert.equal(read({}).clusterLogRetentionDays, 30);
        assert.equal(read({ clusterLogRetentionDays: 365 }).clusterLogRetentionDays, 365);
        for (const bad of [0, 31, -1])
            rejects(
                { clusterLogRetentionDays: bad },
                `Invalid config "istio-eks-nlb:clusterLogRetentionDays": ${bad} must be a CloudWatch Logs retention in days: one of 1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653`,
            );
    });

    it("clientIpDelivery: preservation only on an internet-facing NLB; internal turns it off with a warning; PPv2 anywhere (finding 6)", () => {
        assert.deepEqual(clientIpDelivery("internet-facing", "preserveClientIp"), {
            preserveClientIp: true,
            proxyProtocolV2: false,
        });
        for (const scheme of ["internet-facing", "internal"] as const)
            assert.deepEqual(clientIpDelivery(scheme, "proxyProtocolV2"), {
                preserveClientIp: false,
                proxyProtocolV2: true,
            });
        const internal = clientIpDelivery("internal", "preserveClientIp");
        assert.equal(internal.preserveClientIp, false);
        assert.equal(internal.proxyProtocolV2, false);
        assert.match(internal.warning!, /NAT loopback/);
        assert.match(internal.warning!, /"proxyProtocolV2"/);
    });
});
