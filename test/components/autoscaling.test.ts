// Autoscaling (issue 7, item 1): metrics-server in every stack so the HPAs act, and Karpenter as the
// node autoscaler: its IAM scope, interruption queue and rules, node identity, the EC2NodeClass and
// NodePool validated against the v1 CRD shapes, the security group its nodes get, ordering, config.
import { strict as assert } from "assert";
import { query, RecordedResource, recordStack, RecordResult } from "../harness/pulumiMocks";
import { ConfigError } from "../../components/config";
import { NODE_ROLE_POLICIES } from "../../components/cluster";
import { INTERRUPTION_EVENTS } from "../../components/karpenter";
import { validateCustomObject } from "../harness/crdSchema";
import { EC2_NODE_CLASS_CRD, NODE_POOL_CRD } from "../harness/karpenterCrdSchemas";
import { PROD_DECISIONS } from "../harness/decisions";
import { readConfig } from "../harness/readConfig";

const T = {
    chart: "kubernetes:helm.sh/v4:Chart",
    nodeGroup: "eks:index:ManagedNodeGroup",
    cluster: "eks:index:Cluster",
    nodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
    nodePool: "kubernetes:karpenter.sh/v1:NodePool",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    subnet: "aws:ec2/subnet:Subnet",
};
const DISCOVERY = "karpenter.sh/discovery";

const chart = (rs: RecordedResource[], name: string): RecordedResource => {
    const found = rs.filter((r) => r.type === T.chart && String(r.inputs.chart).endsWith(name));
    assert.equal(found.length, 1, `expected one ${name} chart, found ${found.length}`);
    return found[0];
};
const karpenterSide = (rs: RecordedResource[]) => rs.filter((r) => r.name.includes("-karpenter-"));
/** A mock output that must exist: comparing two undefineds would prove nothing. */
const known = (value: unknown): string => {
    assert.ok(typeof value === "string" && value.length > 0, `expected a known string, got ${String(value)}`);
    return value;
};
const actions = (st: any): string[] => [].concat(st.Action);
const resources = (st: any): string[] => [].concat(st.Resource);

describe("autoscaling: metrics-server and Karpenter (dev and prod stacks)", () => {
    let dev: RecordResult<Record<string, unknown>>;
    let prod: RecordResult<Record<string, unknown>>;
    let off: RecordResult<Record<string, unknown>>;
    const stacks = () => ({ dev: dev.resources, prod: prod.resources });

    before(async () => {
        dev = await recordStack("dev");
        prod = await recordStack("prod", { overrides: PROD_DECISIONS });
        off = await recordStack("dev", { overrides: { karpenterEnabled: false } });
    });

    describe("metrics-server", () => {
        for (const env of ["dev", "prod"] as const) {
            it(`${env}: the pinned metrics-server chart in kube-system, after the managed node group`, () => {
                const rs = stacks()[env];
                const ms = chart(rs, "metrics-server");
                assert.equal(ms.inputs.version, "3.13.1");
                assert.equal(
                    ms.inputs.repositoryOpts.repo,
                    "https://kubernetes-sigs.github.io/metrics-server/",
                );
                assert.equal(ms.inputs.namespace, "kube-system");
                assert.ok(ms.dependencies!.includes(query.one(rs, T.nodeGroup).urn));
            });
        }

        it("dev: one replica and no PDB (one replica under a PDB blocks drains); prod: two, one may go", () => {
            const d = chart(dev.resources, "metrics-server").inputs.values;
            const p = chart(prod.resources, "metrics-server").inputs.values;
            assert.equal(d.replicas, 1);
            assert.deepEqual(d.podDisruptionBudget, { enabled: false });
            assert.equal(p.replicas, 2);
            assert.deepEqual(p.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
            const anti = p.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
            assert.equal(anti.podAffinityTerm.topologyKey, "kubernetes.io/hostname");
        });

        it("stays when Karpenter is off", () => {
            chart(off.resources, "metrics-server");
            assert.deepEqual(
                karpenterSide(off.resources).map((r) => r.type),
                [],
            );
            assert.equal(
                off.resources.filter((r) => r.type === T.nodeClass || r.type === T.nodePool).length,
                0,
            );
        });
    });

    describe("Karpenter", () => {
        for (const env of ["dev", "prod"] as const) {
            it(`${env}: the pinned chart on the managed node group, with IRSA, its queue and cluster`, () => {
                const rs = stacks()[env];
                const k = chart(rs, "karpenter");
                assert.equal(k.inputs.chart, "oci://public.ecr.aws/karpenter/karpenter");
                assert.equal(k.inputs.version, "1.14.1");
                assert.equal(k.inputs.namespace, "kube-system");
                const v = k.inputs.values;
                assert.equal(v.settings.clusterName, `istio-eks-nlb-${env}`);
                assert.equal(v.settings.interruptionQueue, known(query.one(rs, T.queue).outputs.name));
                const role = query.one(rs, T.role, "-karpenter-controller-role");
                assert.equal(v.serviceAccount.name, "karpenter");
                assert.equal(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"], role.outputs.arn);
                const terms =
                    v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
                assert.equal(terms.length, 1);
                assert.deepEqual(terms[0].matchExpressions, [
                    { key: "karpenter.sh/nodepool", operator: "DoesNotExist" },
                    { key: "eks.amazonaws.com/nodegroup", operator: "Exists" },
                ]);
                assert.equal(v.controller.resources.requests.memory, v.controller.resources.limits.memory);
                // IMDS is out of a pod's reach (hop limit 1): the region must be given.
                assert.deepEqual(v.controller.env, [{ name: "AWS_REGION", value: "us-west-2" }]);
            });
        }

        it("controller replicas follow the managed node group (two need two nodes); its PDB never blocks a drain", () => {
            assert.equal(chart(dev.resources, "karpenter").inputs.values.replicas, 1);
            assert.equal(chart(prod.resources, "karpenter").inputs.values.replicas, 2);
            // The chart's own PDB is `maxUnavailable: 1` (helm template of 1.14.1): one eviction is
            // always allowed, at one replica or two. Nothing here may turn it into minAvailable.
            for (const rs of [dev.resources, prod.resources])
                assert.equal(chart(rs, "karpenter").inputs.values.podDisruptionBudget, undefined);
        });

        it("order: chart after the node group and its IAM; node class and pool after the chart (CRDs)", () => {
            const rs = dev.resources;
            const k = chart(rs, "karpenter");
            const ng = query.one(rs, T.nodeGroup);
            const controllerAttachment = query.one(
                rs,
                T.attachment,
                "-karpenter-controller-policy-attachment",
            );
            assert.ok(k.dependencies!.includes(ng.urn), "chart waits for the managed node group");
            assert.ok(k.dependencies!.includes(controllerAttachment.urn), "chart waits for its policy");
            const nc = query.one(rs, T.nodeClass);
            const np = query.one(rs, T.nodePool);
            const access = query.one(rs, T.accessEntry);
            assert.ok(nc.dependencies!.includes(k.urn), "node class after the chart");
            assert.ok(nc.dependencies!.includes(access.urn), "node class after the access entry");
            for (const a of query.ofType(rs, T.attachment).filter((x) => x.name.includes("-karpenter-node-")))
                assert.ok(nc.dependencies!.includes(a.urn), `node class after ${a.name}`);
            assert.ok(np.dependencies!.includes(k.urn), "pool after the chart");
            assert.ok(np.dependencies!.includes(nc.urn), "pool after its node class");
            assert.ok(access.dependencies!.includes(ng.urn), "access entry after the cluster's node group");
            // And the cluster itself comes first, transitively.
            const cluster = query.one(rs, T.cluster);
            assert.ok(query.transitiveDependencies(rs, np.urn).has(cluster.urn));
        });

        it("controller IAM: trusted only by kube-system:karpenter through this cluster's OIDC provider", () => {
            const rs = dev.resources;
            const trust = JSON.parse(
                query.one(rs, T.role, "-karpenter-controller-role").inputs.assumeRolePolicy,
            );
            assert.equal(trust.Statement.length, 1);
            const st = trust.Statement[0];
            const c = query.one(rs, T.cluster).outputs;
            assert.equal(st.Principal.Federated, c.oidcProviderArn);
            assert.equal(st.Action, "sts:AssumeRoleWithWebIdentity");
            assert.deepEqual(st.Condition.StringEquals, {
                [`${c.oidcIssuer}:sub`]: "system:serviceaccount:kube-system:karpenter",
                [`${c.oidcIssuer}:aud`]: "sts.amazonaws.com",
            });
            const attachment = query.one(rs, T.attachment, "-karpenter-controller-policy-attachment");
            assert.equal(
                attachment.inputs.policyArn,
                query.one(rs, T.policy, "-karpenter-controller-policy").outputs.arn,
            );
        });

        it("controller IAM: every write is scoped to this cluster's resources, tags or ARNs", () => {
            const rs = dev.resources;
            const policy = JSON.parse(query.one(rs, T.policy, "-karpenter-controller-policy").inputs.policy);
            const sts: any[] = policy.Statement;
            const bySid = (sid: string) => sts.find((s) => s.Sid === sid);
            const all = sts.flatMap(actions);
            for (const forbidden of [
                "iam:CreateInstanceProfile",
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:DeleteInstanceProfile",
                "iam:TagInstanceProfile",
                "iam:CreateRole",
                "iam:*",
                "ec2:*",
                "*",
            ])
                assert.ok(!all.includes(forbidden), `${forbidden} is granted`);
            for (const st of sts) {
                assert.equal(st.Effect, "Allow");
                const writes = actions(st).filter(
                    (a) => !/:(Describe|Get|List)/.test(a) && a !== "pricing:GetProducts",
                );
                if (writes.length === 0) continue;
                const unscoped = resources(st).some((r) => r === "*");
                assert.ok(!unscoped, `${st.Sid} writes on *`);
                for (const r of resources(st))
                    assert.match(r, /^arn:aws:(ec2|iam|eks|sqs):(us-west-2)?:/, st.Sid);
            }
            // Launching: only our subnets and node security group, in this region.
            const c = query.one(rs, T.cluster).outputs;
            const privateIds = query
                .ofType(rs, T.subnet)
                .filter((s) => s.name.includes("-private-"))
                .map((s) => s.id);
            const launch = resources(bySid("AllowScopedEC2InstanceAccessActions"));
            assert.deepEqual(
                launch.filter((r) => r.includes(":subnet/")).sort(),
                privateIds.map((id) => `arn:aws:ec2:us-west-2:123456789012:subnet/${id}`).sort(),
            );
            assert.deepEqual(
                launch.filter((r) => r.includes(":security-group/")),
                [`arn:aws:ec2:us-west-2:123456789012:security-group/${c.nodeSecurityGroupId}`],
            );
            // Creating, tagging and terminating: only what carries this cluster's ownership tag.
            for (const sid of [
                "AllowScopedEC2LaunchTemplateAccessActions",
                "AllowScopedEC2InstanceActionsWithTags",
                "AllowScopedResourceCreationTagging",
                "AllowScopedResourceTagging",
                "AllowScopedDeletion",
            ]) {
                const cond = JSON.stringify(bySid(sid).Condition);
                assert.ok(
                    cond.includes('kubernetes.io/cluster/istio-eks-nlb-dev":"owned"'),
                    `${sid} unscoped`,
                );
                assert.ok(cond.includes("karpenter.sh/nodepool"), `${sid} not limited to Karpenter's nodes`);
            }
            const nodeRole = query.one(rs, T.role, "-karpenter-node-role");
            assert.deepEqual(resources(bySid("AllowPassingInstanceRole")), [nodeRole.outputs.arn]);
            assert.deepEqual(resources(bySid("AllowInterruptionQueueActions")), [
                query.one(rs, T.queue).outputs.arn,
            ]);
            assert.deepEqual(resources(bySid("AllowAPIServerEndpointDiscovery")), [
                "arn:aws:eks:us-west-2:123456789012:cluster/istio-eks-nlb-dev",
            ]);
            const profile = query.one(rs, T.profile);
            assert.deepEqual(resources(bySid("AllowInstanceProfileReadActions")), [
                `arn:aws:iam::123456789012:instance-profile/${known(profile.outputs.name)}`,
            ]);
            assert.deepEqual(bySid("AllowRegionalReadActions").Condition, {
                StringEquals: { "aws:RequestedRegion": "us-west-2" },
            });
        });

        it("interruption queue: SSE on, 5-minute retention, fed only by the documented EventBridge rules", () => {
            const rs = dev.resources;
            const queue = query.one(rs, T.queue);
            assert.equal(queue.inputs.sqsManagedSseEnabled, true);
            assert.equal(queue.inputs.messageRetentionSeconds, 300);
            const rules = query.ofType(rs, T.rule);
            const patterns = rules.map((r) => JSON.parse(r.inputs.eventPattern));
            assert.deepEqual(patterns.map((p) => [p.source, p["detail-type"]]).sort(), [
                [["aws.ec2"], ["EC2 Capacity Reservation Instance Interruption Warning"]],
                [["aws.ec2"], ["EC2 Instance Rebalance Recommendation"]],
                [["aws.ec2"], ["EC2 Instance State-change Notification"]],
                [["aws.ec2"], ["EC2 Spot Instance Interruption Warning"]],
                [["aws.health"], ["AWS Health Event"]],
            ]);
            assert.equal(rules.length, INTERRUPTION_EVENTS.length);
            const targets = query.ofType(rs, T.target);
            assert.deepEqual(
                targets.map((t) => t.inputs.rule).sort(),
                rules.map((r) => known(r.outputs.name)).sort(),
            );
            for (const t of targets) assert.equal(t.inputs.arn, queue.outputs.arn);
            const qp = query.one(rs, T.queuePolicy);
            assert.equal(qp.inputs.queueUrl, known(queue.outputs.url));
            const doc = JSON.parse(qp.inputs.policy);
            const send = doc.Statement.find((s: any) => s.Effect === "Allow");
            assert.deepEqual(send.Principal, { Service: ["events.amazonaws.com"] });
            assert.equal(send.Action, "sqs:SendMessage");
            assert.equal(send.Resource, queue.outputs.arn);
            assert.deepEqual(
                [...send.Condition.ArnEquals["aws:SourceArn"]].sort(),
                rules.map((r) => r.outputs.arn).sort(),
            );
            const deny = doc.Statement.find((s: any) => s.Effect === "Deny");
            assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.equal(doc.Statement.length, 2);
        });

        it("node identity: a role of its own with the node policies, an instance profile and an EC2_LINUX access entry", () => {
            const rs = dev.resources;
            const role = query.one(rs, T.role, "-karpenter-node-role");
            const policy = role.inputs.assumeRolePolicy;
            const trust = typeof policy === "string" ? JSON.parse(policy) : policy;
            assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
            const attached = query
                .ofType(rs, T.attachment)
                .filter((a) => a.inputs.role === known(role.outputs.name))
                .map((a) => a.inputs.policyArn)
                .sort();
            assert.deepEqual(attached, NODE_ROLE_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`).sort());
            // Each attachment is named by its policy, so reordering the list changes nothing.
            assert.deepEqual(
                query
                    .ofType(rs, T.attachment)
                    .filter((a) => a.inputs.role === known(role.outputs.name))
                    .map((a) => a.name.split("-karpenter-node-")[1])
                    .sort(),
                [...NODE_ROLE_POLICIES].sort(),
            );
            const managedRole = query.ofType(rs, T.role).find((r) => r.name.endsWith("-cluster-node-role"))!;
            assert.notEqual(
                role.outputs.arn,
                managedRole.outputs.arn,
                "the managed node group's role has its own entry",
            );
            assert.equal(query.one(rs, T.profile).inputs.role, known(role.outputs.name));
            const entry = query.one(rs, T.accessEntry);
            assert.equal(entry.inputs.type, "EC2_LINUX");
            assert.equal(entry.inputs.principalArn, role.outputs.arn);
            assert.equal(entry.inputs.clusterName, "istio-eks-nlb-dev");
        });

        for (const env of ["dev", "prod"] as const) {
            it(`${env}: EC2NodeClass and NodePool validate against the Karpenter v1 CRD shapes`, () => {
                const rs = stacks()[env];
                const nc = query.one(rs, T.nodeClass).inputs;
                const np = query.one(rs, T.nodePool).inputs;
                assert.deepEqual(validateCustomObject(EC2_NODE_CLASS_CRD, nc), []);
                assert.deepEqual(validateCustomObject(NODE_POOL_CRD, np), []);
                assert.deepEqual(np.spec.template.spec.nodeClassRef, {
                    group: nc.apiVersion.split("/")[0],
                    kind: nc.kind,
                    name: nc.metadata.name,
                });
            });
        }

        it("EC2NodeClass: pinned AL2023 alias, IMDSv2 with hop limit 1, encrypted gp3 root, our instance profile", () => {
            const rs = dev.resources;
            const spec = query.one(rs, T.nodeClass).inputs.spec;
            assert.deepEqual(spec.amiSelectorTerms, [{ alias: "al2023@v20260714" }]);
            assert.equal(spec.metadataOptions.httpTokens, "required");
            assert.equal(spec.metadataOptions.httpPutResponseHopLimit, 1);
            assert.equal(spec.blockDeviceMappings.length, 1);
            const root = spec.blockDeviceMappings[0];
            assert.equal(root.rootVolume, true);
            assert.deepEqual(
                [root.ebs.volumeType, root.ebs.encrypted, root.ebs.deleteOnTermination],
                ["gp3", true, true],
            );
            assert.equal(spec.instanceProfile, known(query.one(rs, T.profile).outputs.name));
            assert.equal(spec.role, undefined);
            assert.equal(spec.tags.project, "istio-eks-nlb");
        });

        it("EC2NodeClass selects exactly the private subnets, by the tag the program sets", () => {
            const rs = dev.resources;
            const spec = query.one(rs, T.nodeClass).inputs.spec;
            assert.deepEqual(spec.subnetSelectorTerms, [{ tags: { [DISCOVERY]: "istio-eks-nlb-dev" } }]);
            const selected = query
                .ofType(rs, T.subnet)
                .filter((s) =>
                    Object.entries(spec.subnetSelectorTerms[0].tags).every(
                        ([k, v]) => s.inputs.tags[k] === v,
                    ),
                );
            assert.deepEqual(
                selected.map((s) => s.name).sort(),
                query
                    .ofType(rs, T.subnet)
                    .filter((s) => s.name.includes("-private-"))
                    .map((s) => s.name)
                    .sort(),
            );
        });

        it("EC2NodeClass selects the node security group, which carries every rule the gateway needs", () => {
            for (const rs of [dev.resources, prod.resources]) {
                const spec = query.one(rs, T.nodeClass).inputs.spec;
                const cluster = query.one(rs, T.cluster);
                assert.equal(spec.securityGroupSelectorTerms.length, 1);
                const wanted = spec.securityGroupSelectorTerms[0].tags;
                // pulumi-eks tags its node security group with nodeSecurityGroupTags: that is the group selected.
                assert.deepEqual(cluster.inputs.nodeSecurityGroupTags, wanted);
                const selectedSg = cluster.outputs.nodeSecurityGroupId;
                // No other security group of the program carries the tag (the NLB's does not).
                for (const sg of query.ofType(rs, T.sg))
                    assert.ok(!Object.keys(sg.inputs.tags ?? {}).includes(DISCOVERY), sg.name);
                const rulesOn = (from: string) =>
                    query
                        .ofType(rs, T.sgIngress)
                        .filter(
                            (r) =>
                                r.inputs.securityGroupId === selectedSg &&
                                r.inputs.referencedSecurityGroupId === from,
                        )
                        .map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort])
                        .sort((a, b) => a[1] - b[1]);
                const nlbSg = query.one(rs, T.sg).id!;
                assert.deepEqual(rulesOn(nlbSg), [
                    ["tcp", 80, 80],
                    ["tcp", 443, 443],
                    ["tcp", 15021, 15021],
                ]);
                assert.deepEqual(rulesOn(cluster.outputs.clusterSecurityGroupId), [
                    ["tcp", 15012, 15012],
                    ["tcp", 15017, 15017],
                ]);
            }
        });

        it("NodePool: CPU/memory limits, capacity types and categories from config; consolidation on", () => {
            const d = query.one(dev.resources, T.nodePool).inputs.spec;
            const p = query.one(prod.resources, T.nodePool).inputs.spec;
            assert.deepEqual(d.limits, { cpu: "8", memory: "32Gi" });
            assert.deepEqual(p.limits, { cpu: "64", memory: "256Gi" });
            const req = (spec: any, key: string) =>
                spec.template.spec.requirements.find((r: any) => r.key === key);
            assert.deepEqual(req(d, "karpenter.sh/capacity-type").values, ["spot", "on-demand"]);
            assert.deepEqual(req(p, "karpenter.sh/capacity-type").values, ["on-demand"]);
            assert.deepEqual(req(p, "karpenter.k8s.aws/instance-category").values, ["c", "m", "r"]);
            assert.deepEqual(req(p, "kubernetes.io/arch").values, ["amd64"]);
            for (const spec of [d, p]) {
                assert.equal(spec.disruption.consolidationPolicy, "WhenEmptyOrUnderutilized");
                assert.match(spec.disruption.consolidateAfter, /^\d+[smh]$/);
            }
        });

        it("private subnets of an existing VPC get the discovery tag too", async () => {
            const existing = await recordStack("dev", {
                overrides: {
                    vpcId: "vpc-0abc",
                    azCount: 2,
                    publicSubnetIds: ["subnet-0a1", "subnet-0a2"],
                    privateSubnetIds: ["subnet-0b1", "subnet-0b2"],
                },
            });
            const tagged = query
                .ofType(existing.resources, "aws:ec2/tag:Tag")
                .filter((t) => t.inputs.key === DISCOVERY)
                .map((t) => [t.inputs.resourceId, t.inputs.value]);
            assert.deepEqual(tagged, [
                ["subnet-0b1", "istio-eks-nlb-dev"],
                ["subnet-0b2", "istio-eks-nlb-dev"],
            ]);
            const policy = JSON.parse(
                query.one(existing.resources, T.policy, "-karpenter-controller-policy").inputs.policy,
            );
            const launch: string[] = policy.Statement.find(
                (s: any) => s.Sid === "AllowScopedEC2InstanceAccessActions",
            ).Resource;
            assert.deepEqual(
                launch.filter((r) => r.includes(":subnet/")).map((r) => r.split("/")[1]),
                ["subnet-0b1", "subnet-0b2"],
            );
        });
    });
});

describe("Karpenter CRD shapes reject what the API server would", () => {
    const nodeClass = () => ({
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "default" },
        spec: {
            amiSelectorTerms: [{ alias: "al2023@v20260714" }],
            subnetSelectorTerms: [{ tags: { [DISCOVERY]: "c" } }],
            securityGroupSelectorTerms: [{ tags: { [DISCOVERY]: "c" } }],
            instanceProfile: "p",
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    rootVolume: true,
                    ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true },
                },
            ],
            tags: { team: "platform" },
        } as any,
    });
    const nodePool = () => ({
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "default" },
        spec: {
            template: {
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
                    requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }],
                },
            },
            limits: { cpu: "8", memory: "32Gi" },
            disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" },
        } as any,
    });

    it("accepts the baseline objects", () => {
        assert.deepEqual(validateCustomObject(EC2_NODE_CLASS_CRD, nodeClass()), []);
        assert.deepEqual(validateCustomObject(NODE_POOL_CRD, nodePool()), []);
    });

    it("accepts a limit given as an integer (the CRD's int-or-string quantity)", () => {
        const o = nodePool();
        o.spec.limits = { cpu: 8, memory: "32Gi" };
        assert.deepEqual(validateCustomObject(NODE_POOL_CRD, o), []);
    });

    const ncCases: [string, (s: any) => void, string][] = [
        [
            "an alias with other terms",
            (s) => s.amiSelectorTerms.push({ id: "ami-0abc" }),
            "spec.amiSelectorTerms: 'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
        ],
        [
            "an alias of an unknown family",
            (s) => (s.amiSelectorTerms[0].alias = "ubuntu@v1"),
            "spec.amiSelectorTerms[0].alias: family is not supported, must be one of: al2, al2023, bottlerocket, windows2019, windows2022, windows2025",
        ],
        [
            "both role and instanceProfile",
            (s) => (s.role = "r"),
            "spec: must specify exactly one of ['role', 'instanceProfile']",
        ],
        [
            "hop limit 0",
            (s) => (s.metadataOptions.httpPutResponseHopLimit = 0),
            "spec.metadataOptions.httpPutResponseHopLimit: 0 is below 1",
        ],
        [
            "IMDS tokens 'sometimes'",
            (s) => (s.metadataOptions.httpTokens = "sometimes"),
            'spec.metadataOptions.httpTokens: "sometimes" is not one of required|optional',
        ],
        [
            "a volume size without unit",
            (s) => (s.blockDeviceMappings[0].ebs.volumeSize = "50"),
            'spec.blockDeviceMappings[0].ebs.volumeSize: "50" does not match',
        ],
        [
            "two root volumes",
            (s) => s.blockDeviceMappings.push({ rootVolume: true, ebs: { volumeSize: "1Gi" } }),
            "spec.blockDeviceMappings: must have only one blockDeviceMappings with rootVolume",
        ],
        [
            "a restricted tag",
            (s) => (s.tags["kubernetes.io/cluster/x"] = "owned"),
            "spec.tags: tag contains a restricted tag",
        ],
        [
            "no subnet selector",
            (s) => (s.subnetSelectorTerms = []),
            "spec.subnetSelectorTerms: expected at least one, got none",
        ],
        [
            "a subnet term mixing id and tags",
            (s) => (s.subnetSelectorTerms = [{ id: "subnet-1", tags: { a: "b" } }]),
            "spec.subnetSelectorTerms: 'id' is mutually exclusive with other fields of a term",
        ],
        ["an undeclared field", (s) => (s.userDataa = "x"), "spec.userDataa: unknown field"],
        [
            "an alias longer than 30 characters",
            (s) => (s.amiSelectorTerms[0].alias = `al2023@v${"1".repeat(30)}`),
            `spec.amiSelectorTerms[0].alias: "al2023@v${"1".repeat(30)}" is longer than 30`,
        ],
        [
            "no AMI selector term",
            (s) => (s.amiSelectorTerms = []),
            "spec.amiSelectorTerms: 0 items, below minItems 1",
        ],
        [
            "31 subnet selector terms",
            (s) => (s.subnetSelectorTerms = Array.from({ length: 31 }, (_, i) => ({ id: `subnet-${i}` }))),
            "spec.subnetSelectorTerms: 31 items, above maxItems 30",
        ],
        [
            "a missing securityGroupSelectorTerms",
            (s) => delete s.securityGroupSelectorTerms,
            "spec.securityGroupSelectorTerms: required",
        ],
    ];
    for (const [what, mutate, message] of ncCases) {
        it(`EC2NodeClass: rejects ${what}`, () => {
            const o = nodeClass();
            mutate(o.spec);
            const errors = validateCustomObject(EC2_NODE_CLASS_CRD, o);
            assert.ok(
                errors.some((e) => e.startsWith(message)),
                `${JSON.stringify(errors)} lacks ${message}`,
            );
        });
    }

    const npCases: [string, (s: any) => void, string][] = [
        [
            "a restricted karpenter.sh label",
            (s) => s.template.spec.requirements.push({ key: "karpenter.sh/foo", operator: "Exists" }),
            'spec.template.spec.requirements[1].key: label domain "karpenter.sh" is restricted',
        ],
        [
            "an unknown karpenter.k8s.aws label",
            (s) =>
                s.template.spec.requirements.push({
                    key: "karpenter.k8s.aws/instance-colour",
                    operator: "Exists",
                }),
            'spec.template.spec.requirements[1].key: label domain "karpenter.k8s.aws" is restricted',
        ],
        [
            "In without values",
            (s) => (s.template.spec.requirements[0].values = []),
            "spec.template.spec.requirements: requirements with operator 'In' must have a value defined",
        ],
        [
            "Gt with a non-integer",
            (s) =>
                s.template.spec.requirements.push({
                    key: "karpenter.k8s.aws/instance-generation",
                    operator: "Gt",
                    values: ["five"],
                }),
            "spec.template.spec.requirements: requirements operator 'Gt', 'Lt', 'Gte' or 'Lte' must have a single positive integer value",
        ],
        [
            "a limit that is no quantity",
            (s) => (s.limits.cpu = "lots"),
            'spec.limits.cpu: "lots" does not match',
        ],
        [
            "a consolidateAfter in words",
            (s) => (s.disruption.consolidateAfter = "1 minute"),
            'spec.disruption.consolidateAfter: "1 minute" does not match',
        ],
        [
            "an unknown consolidation policy",
            (s) => (s.disruption.consolidationPolicy = "Always"),
            'spec.disruption.consolidationPolicy: "Always" is not one of WhenEmpty|WhenEmptyOrUnderutilized|Balanced',
        ],
        [
            "a budget over 100%",
            (s) => (s.disruption.budgets = [{ nodes: "150%" }]),
            'spec.disruption.budgets[0].nodes: "150%" does not match',
        ],
        [
            "a missing nodeClassRef",
            (s) => delete s.template.spec.nodeClassRef,
            "spec.template.spec.nodeClassRef: required",
        ],
        ["a weight of 0", (s) => (s.weight = 0), "spec.weight: 0 is below 1"],
        [
            "a fractional number as a limit",
            (s) => (s.limits.cpu = 1.5),
            "spec.limits.cpu: expected int-or-string, got number",
        ],
    ];
    for (const [what, mutate, message] of npCases) {
        it(`NodePool: rejects ${what}`, () => {
            const o = nodePool();
            mutate(o.spec);
            const errors = validateCustomObject(NODE_POOL_CRD, o);
            assert.ok(
                errors.some((e) => e.startsWith(message)),
                `${JSON.stringify(errors)} lacks ${message}`,
            );
        });
    }

    it("rejects a wrong apiVersion, kind or name", () => {
        assert.deepEqual(
            validateCustomObject(NODE_POOL_CRD, {
                ...nodePool(),
                apiVersion: "karpenter.sh/v1beta1",
                kind: "Provisioner",
                metadata: { name: "Default" },
            }),
            [
                'apiVersion: "karpenter.sh/v1beta1" is not karpenter.sh/v1',
                'kind: "Provisioner" is not NodePool',
                'metadata.name: "Default" is not a DNS subdomain',
            ],
        );
    });
});

describe("autoscaling config", () => {
    const read = readConfig;
    const K = (key: string) => `Invalid config "istio-eks-nlb:${key}": `;

    it("a reserved tag is fine without Karpenter, and user tags reach Karpenter's nodes", async () => {
        const tags = ["team=platform", "karpenter.sh/nodepool=x"];
        assert.deepEqual(read({ karpenterEnabled: false, tags }).tags, {
            team: "platform",
            "karpenter.sh/nodepool": "x",
        });
        const run = await recordStack("dev", { overrides: { tags: ["team=platform"] } });
        const spec = query.one(run.resources, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs.spec;
        assert.equal(spec.tags.team, "platform");
        assert.deepEqual(
            validateCustomObject(
                EC2_NODE_CLASS_CRD,
                query.one(run.resources, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass").inputs,
            ),
            [],
        );
    });

    it("defaults: Karpenter on, pinned charts and AMI, on-demand c/m/r", () => {
        const s = read({});
        assert.equal(s.karpenterEnabled, true);
        assert.equal(s.metricsServerChartVersion, "3.13.1");
        assert.equal(s.karpenterChartVersion, "1.14.1");
        assert.equal(s.karpenterAmiAlias, "al2023@v20260714");
        assert.deepEqual(s.karpenterCapacityTypes, ["on-demand"]);
        assert.deepEqual(s.karpenterInstanceCategories, ["c", "m", "r"]);
    });

    const cases: [string, Record<string, unknown>, string][] = [
        [
            "an unpinned metrics-server chart",
            { metricsServerChartVersion: "3.x" },
            `${K("metricsServerChartVersion")}"3.x" must be a pinned chart version "x.y.z" like "1.13.4"`,
        ],
        [
            "an unpinned Karpenter chart",
            { karpenterChartVersion: "latest" },
            `${K("karpenterChartVersion")}"latest" must be a pinned chart version "x.y.z" like "1.13.4"`,
        ],
        [
            "a pre-v1 Karpenter chart",
            { karpenterChartVersion: "0.37.0" },
            `${K("karpenterChartVersion")}"0.37.0" must be a 1.x release: the EC2NodeClass and NodePool created here are the v1 APIs`,
        ],
        [
            "an AMI alias on @latest",
            { karpenterAmiAlias: "al2023@latest" },
            `${K("karpenterAmiAlias")}"al2023@latest" must be a pinned Amazon Linux 2023 AMI alias "al2023@vYYYYMMDD" like "al2023@v20260714" (an EKS AMI release; not @latest)`,
        ],
        [
            "a zero CPU limit",
            { karpenterCpuLimit: 0 },
            `${K("karpenterCpuLimit")}0 must be an integer from 1 to 10000`,
        ],
        [
            "a memory limit beyond reason",
            { karpenterMemoryLimitGi: 200000 },
            `${K("karpenterMemoryLimitGi")}200000 must be an integer from 1 to 100000`,
        ],
        [
            "no instance category",
            { karpenterInstanceCategories: [] },
            `${K("karpenterInstanceCategories")}[] must list at least one of c|m|r|t|i|d|x|z`,
        ],
        [
            "a GPU category",
            { karpenterInstanceCategories: ["m", "p"] },
            `${K("karpenterInstanceCategories")}["m","p"] contains "p"; allowed: c|m|r|t|i|d|x|z`,
        ],
        [
            "a repeated capacity type",
            { karpenterCapacityTypes: ["spot", "spot"] },
            `${K("karpenterCapacityTypes")}["spot","spot"] must not repeat a value`,
        ],
        [
            "an unknown capacity type",
            { karpenterCapacityTypes: ["reserved"] },
            `${K("karpenterCapacityTypes")}["reserved"] contains "reserved"; allowed: on-demand|spot`,
        ],
        [
            "a user tag Karpenter reserves",
            { tags: ["team=platform", "kubernetes.io/cluster/other=owned"] },
            `${K("tags")}"kubernetes.io/cluster/other=owned" is a tag Karpenter sets on its nodes itself (eks:eks-cluster-name, kubernetes.io/cluster/*, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass); its EC2NodeClass would be refused: remove it, or set karpenterEnabled to false`,
        ],
    ];
    for (const [what, values, message] of cases) {
        it(`rejects ${what}`, () =>
            assert.throws(
                () => read(values),
                (err: unknown) => err instanceof ConfigError && (err as Error).message === message,
            ));
    }
});
