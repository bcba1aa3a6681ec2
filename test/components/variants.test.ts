// Variants of the platform: an existing VPC with an internal NLB and proxy protocol v2, and the
// guarantee that invalid config registers nothing.
import { strict as assert } from "assert";
import * as path from "path";
import {
    MOCK_EXISTING_VPC_CIDR,
    PROJECT_ROOT,
    query,
    recordProgram,
    recordStack,
    requireFresh,
    RecordResult,
} from "../harness/pulumiMocks";
import { ConfigError } from "../../components/config";

const one = <X>(xs: X[], what: string): X => {
    assert.equal(xs.length, 1, `expected exactly one ${what}, found ${xs.length}`);
    return xs[0];
};

describe("platform variants", () => {
    let run: RecordResult<Record<string, unknown>>;
    const existing = {
        vpcId: "vpc-0abc",
        azCount: 2,
        publicSubnetIds: ["subnet-0a1", "subnet-0a2"],
        privateSubnetIds: ["subnet-0b1", "subnet-0b2"],
        nlbScheme: "internal",
        nlbSourceCidrs: [],
        clientIpMode: "proxyProtocolV2",
        gatewayNumTrustedProxies: 0,
        nlbDeregistrationDelay: 300,
        clusterAdmins: [
            "arn:aws:iam::123456789012:role/platform/admins",
            "arn:aws:iam::210987654321:user/ops-breakglass",
        ],
    };

    before(async () => {
        run = await recordStack("dev", { overrides: existing });
    });

    it("an existing VPC is tagged, not created, and an internal NLB sits in its private subnets", () => {
        const rs = run.resources;
        assert.equal(query.ofType(rs, "aws:ec2/vpc:Vpc").length, 0);
        assert.equal(query.ofType(rs, "aws:ec2/subnet:Subnet").length, 0);
        assert.equal(query.ofType(rs, "aws:ec2/natGateway:NatGateway").length, 0);
        const tags = query
            .ofType(rs, "aws:ec2/tag:Tag")
            .map((t) => [t.inputs.resourceId, t.inputs.key, t.inputs.value]);
        assert.deepEqual(
            tags.filter((t) => t[1] === "kubernetes.io/role/elb").map((t) => t[0]),
            ["subnet-0a1", "subnet-0a2"],
        );
        assert.deepEqual(
            tags.filter((t) => t[1] === "kubernetes.io/role/internal-elb").map((t) => t[0]),
            ["subnet-0b1", "subnet-0b2"],
        );
        assert.equal(
            tags.filter((t) => t[1] === "kubernetes.io/cluster/istio-eks-nlb-dev" && t[2] === "shared")
                .length,
            4,
        );
        const lb = query.one(rs, "aws:lb/loadBalancer:LoadBalancer");
        assert.equal(lb.inputs.internal, true);
        assert.deepEqual(lb.inputs.subnets, existing.privateSubnetIds);
        // Internal without source CIDRs: the VPC CIDR, not the world.
        const sg = query.one(rs, "aws:ec2/securityGroup:SecurityGroup");
        for (const i of sg.inputs.ingress) assert.deepEqual(i.cidrBlocks, [MOCK_EXISTING_VPC_CIDR]);
    });

    it("adopted subnet tags are retained on destroy: other clusters may share these subnets (finding 10)", () => {
        const tags = query.ofType(run.resources, "aws:ec2/tag:Tag");
        // 4 subnets x (role, cluster) + the 2 private subnets' Karpenter discovery tag
        assert.equal(tags.length, 10);
        for (const t of tags) assert.equal(t.options.retainOnDelete, true, `${t.name} is removed on destroy`);
        // Only the adopted tags: nothing the stack creates itself is left behind.
        const retained = run.resources.filter((r) => r.options.retainOnDelete);
        assert.deepEqual(retained, tags);
    });

    it("each clusterAdmins ARN gets an access entry and AmazonEKSClusterAdminPolicy at cluster scope (finding 4)", () => {
        const rs = run.resources;
        const cluster = query.one(rs, "eks:index:Cluster");
        const entries = query
            .ofType(rs, "aws:eks/accessEntry:AccessEntry")
            .filter((e) => e.inputs.type !== "EC2_LINUX"); // Karpenter's nodes
        const policies = query.ofType(rs, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.deepEqual(
            entries.map((e) => e.inputs.principalArn),
            existing.clusterAdmins,
        );
        assert.equal(policies.length, existing.clusterAdmins.length);
        for (const e of entries) {
            assert.equal(e.inputs.clusterName, "istio-eks-nlb-dev");
            assert.equal(e.inputs.type, "STANDARD");
            assert.ok(e.propertyDependencies!.clusterName.includes(cluster.urn));
            const p = one(
                policies.filter((x) => x.inputs.principalArn === e.inputs.principalArn),
                `policy of ${e.inputs.principalArn}`,
            );
            assert.equal(
                p.inputs.policyArn,
                "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            );
            assert.deepEqual(p.inputs.accessScope, { type: "cluster" });
            assert.equal(p.inputs.clusterName, "istio-eks-nlb-dev");
            assert.ok(p.dependencies!.includes(e.urn), "the policy waits for its access entry");
        }
        // Named from the ARN, not the list position: reordering the list replaces nothing.
        assert.deepEqual(
            entries.map((e) => e.name),
            [
                "istio-eks-nlb-cluster-admin-role-platform-admins-123456789012",
                "istio-eks-nlb-cluster-admin-user-ops-breakglass-210987654321",
            ],
        );
    });

    it("proxy protocol v2 is on in the target groups and accepted by the gateway, status port included", () => {
        for (const tg of query.ofType(run.resources, "aws:lb/targetGroup:TargetGroup")) {
            assert.equal(tg.inputs.proxyProtocolV2, true);
            assert.equal(tg.inputs.preserveClientIp, "false");
            assert.equal(tg.inputs.deregistrationDelay, 300);
        }
        const gw = run.resources.find(
            (r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === "gateway",
        )!;
        const v = gw.inputs.values;
        assert.deepEqual(v.env, { ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL: "true" });
        const proxy = JSON.parse(v.podAnnotations["proxy.istio.io/config"]);
        assert.deepEqual(proxy.gatewayTopology, { numTrustedProxies: 0, proxyProtocol: {} });
        assert.equal(proxy.terminationDrainDuration, "300s");
        assert.equal(v.terminationGracePeriodSeconds, 315);
    });

    it("invalid config throws ConfigError before any resource is registered", async () => {
        const { resources, result } = await recordProgram(
            () => {
                try {
                    return requireFresh(path.join(PROJECT_ROOT, "index.ts"));
                } catch (err) {
                    return err;
                }
            },
            {
                stack: "dev",
                config: { "aws:region": "us-west-2", nodeMinSize: 5, nodeMaxSize: 3, nodeDesiredSize: 4 },
            },
        );
        assert.ok(result instanceof ConfigError);
        assert.equal(
            (result as Error).message,
            'Invalid config "istio-eks-nlb:nodeMinSize": 5 must be <= nodeMaxSize (3)',
        );
        assert.equal(resources.length, 0);
    });
});
