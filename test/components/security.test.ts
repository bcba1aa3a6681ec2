// Security hardening (issue 8), as recorded from index.ts: the Kubernetes API is never open to the
// world unless a stack says so, the LB controller can only bind targets, ARNs follow the partition,
// and the VPC CNI runs on its own role instead of the node's.
import { strict as assert } from "assert";
import * as path from "path";
import {
    loadStackConfig,
    PROJECT_ROOT,
    query,
    RecordedResource,
    recordProgram,
    recordStack,
    requireFresh,
    RecordResult,
} from "../harness/pulumiMocks";
import { ConfigError } from "../../components/config";
import { awsConfigArgs, awsProviderArgs } from "../../components/awsProvider";
import { API_CIDRS_DECISION, PROD_DECISIONS } from "../harness/decisions";
import { readConfig } from "../harness/readConfig";

const T = {
    cluster: "eks:index:Cluster",
    nodeGroup: "eks:index:ManagedNodeGroup",
    role: "aws:iam/role:Role",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    addon: "aws:eks/addon:Addon",
    chart: "kubernetes:helm.sh/v4:Chart",
};

const lbcChart = (rs: RecordedResource[]) =>
    query.ofType(rs, T.chart).find((c) => c.inputs.chart === "aws-load-balancer-controller")!;

/** Every string in a value, recursively (to search inputs for hard-coded ARNs). */
function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
    return [];
}

describe("security (issue 8)", function () {
    this.timeout(60000);
    let dev: RecordResult<Record<string, unknown>>;
    let prod: RecordResult<Record<string, unknown>>;
    let gov: RecordResult<Record<string, unknown>>;
    let tagged: RecordResult<Record<string, unknown>>;

    before(async () => {
        dev = await recordStack("dev");
        prod = await recordStack("prod", {
            preview: true,
            overrides: PROD_DECISIONS,
        });
        gov = await recordStack("dev", { overrides: { "aws:region": "us-gov-west-1" } });
        tagged = await recordStack("dev", {
            // TLS on too: cert-manager's namespace and IRSA role are the program's as well.
            overrides: {
                tags: ["team=platform", "cost-center=42"],
                "aws:profile": "ops",
                tls: "letsencrypt",
                hostname: "app.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
                acmeEmail: "ops@example.com",
            },
        });
    });

    describe("1. the Kubernetes API endpoint", () => {
        it("prod as shipped stops before anything is registered, naming endpointPublicAccessCidrs and how to set it", async () => {
            const { resources, result } = await recordProgram(
                () => {
                    try {
                        return requireFresh(path.join(PROJECT_ROOT, "index.ts"));
                    } catch (err) {
                        return err;
                    }
                },
                { stack: "prod", config: loadStackConfig("prod", PROJECT_ROOT) },
            );
            assert.ok(result instanceof ConfigError, String(result));
            assert.match(
                (result as Error).message,
                /^Invalid config "istio-eks-nlb:endpointPublicAccessCidrs": \[\] must list the CIDRs allowed to reach the public Kubernetes API endpoint .* `pulumi config set --path 'endpointPublicAccessCidrs\[0\]' 203\.0\.113\.0\/24`; or set endpointPublicAccess to false/,
            );
            assert.equal(resources.length, 0);
        });

        it("prod with endpointPublicAccessCidrs set admits exactly those CIDRs; dev is open, as its stack file says", () => {
            const p = query.one(prod.resources, T.cluster).inputs;
            assert.equal(p.endpointPublicAccess, true);
            assert.deepEqual(p.publicAccessCidrs, API_CIDRS_DECISION.endpointPublicAccessCidrs);
            assert.equal(p.endpointPrivateAccess, true);
            assert.deepEqual(query.one(dev.resources, T.cluster).inputs.publicAccessCidrs, ["0.0.0.0/0"]);
        });

        it("a private-only endpoint needs no CIDRs and sends none", async () => {
            const run = await recordStack("prod", {
                preview: true,
                overrides: { endpointPublicAccess: false },
            });
            const c = query.one(run.resources, T.cluster).inputs;
            assert.equal(c.endpointPublicAccess, false);
            assert.equal(c.endpointPrivateAccess, true);
            assert.equal(c.publicAccessCidrs, undefined);
        });
    });

    describe("3. pod security", () => {
        const NS = "kubernetes:core/v1:Namespace";
        const chartOf = (rs: RecordedResource[], name: string) =>
            query.ofType(rs, T.chart).find((c) => c.inputs.chart === name)!;

        for (const env of ["dev", "prod", "dev with tags and Let's Encrypt"] as const) {
            it(`${env}: every namespace the program creates enforces baseline or restricted, warns and audits restricted`, () => {
                const rs = (env === "dev" ? dev : env === "prod" ? prod : tagged).resources;
                const namespaces = query.ofType(rs, NS);
                assert.ok(namespaces.length >= 2);
                if (rs === tagged.resources)
                    assert.ok(namespaces.some((n) => n.inputs.metadata.name === "cert-manager"));
                for (const ns of namespaces) {
                    const labels = ns.inputs.metadata.labels ?? {};
                    const name = ns.inputs.metadata.name;
                    assert.ok(
                        ["baseline", "restricted"].includes(labels["pod-security.kubernetes.io/enforce"]),
                        `${name} enforces ${labels["pod-security.kubernetes.io/enforce"]}`,
                    );
                    assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted", name);
                    assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted", name);
                }
            });
        }

        it("istio-cni (pinned with Istio) runs in kube-system, which the program does not create; istiod injects for it; injected pods wait for it", () => {
            const rs = dev.resources;
            const cni = chartOf(rs, "cni");
            const istiod = chartOf(rs, "istiod");
            assert.equal(cni.inputs.namespace, "kube-system");
            assert.equal(cni.inputs.name, "istio-cni");
            assert.equal(cni.inputs.version, istiod.inputs.version);
            assert.equal(cni.inputs.repositoryOpts.repo, istiod.inputs.repositoryOpts.repo);
            assert.deepEqual(cni.inputs.values.seccompProfile, { type: "RuntimeDefault" });
            assert.deepEqual(istiod.inputs.values.cni, { enabled: true });
            const sample = query.one(rs, "kubernetes:apps/v1:Deployment");
            assert.ok(sample.dependencies!.includes(cni.urn), "no injected pod starts before the agent");
            assert.ok(!query.ofType(rs, NS).some((n) => n.inputs.metadata.name === "kube-system"));
        });

        for (const env of ["dev", "prod"] as const) {
            it(`${env}: the gateway chart values set non-root, no privilege escalation, seccomp RuntimeDefault, all capabilities dropped`, () => {
                const v = chartOf((env === "dev" ? dev : prod).resources, "gateway").inputs.values;
                assert.equal(v.securityContext.runAsNonRoot, true);
                assert.deepEqual(v.securityContext.seccompProfile, { type: "RuntimeDefault" });
                // Replacing the chart's pod context must keep its port sysctl (bind 80/443 as non-root).
                assert.deepEqual(v.securityContext.sysctls, [
                    { name: "net.ipv4.ip_unprivileged_port_start", value: "0" },
                ]);
                const c = v.containerSecurityContext;
                assert.equal(c.runAsNonRoot, true);
                assert.ok(c.runAsUser > 0);
                assert.equal(c.allowPrivilegeEscalation, false);
                assert.equal(c.privileged, false);
                assert.deepEqual(c.capabilities, { drop: ["ALL"] });
                assert.deepEqual(c.seccompProfile, { type: "RuntimeDefault" });
                assert.equal(c.capabilities.add, undefined);
            });
        }

        it("istiod and the sample app run with seccomp RuntimeDefault, non-root, nothing added", () => {
            const istiod = chartOf(dev.resources, "istiod").inputs.values;
            assert.deepEqual(istiod.seccompProfile, { type: "RuntimeDefault" });
            assert.deepEqual(istiod.gateways.seccompProfile, { type: "RuntimeDefault" });
            const pod = query.one(dev.resources, "kubernetes:apps/v1:Deployment").inputs.spec.template.spec;
            assert.deepEqual(pod.securityContext, {
                runAsNonRoot: true,
                seccompProfile: { type: "RuntimeDefault" },
            });
            for (const c of pod.containers) {
                assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
            }
        });
    });

    describe("5. the VPC CNI has its own role; the node role does not carry its policy", () => {
        for (const env of ["dev", "prod"] as const) {
            it(`${env}: node role policies are the worker and ECR read-only policies only`, () => {
                const rs = (env === "dev" ? dev : prod).resources;
                const ng = query.one(rs, T.nodeGroup);
                const nodeRole = query.ofType(rs, T.role).find((r) => r.urn === ng.inputs.nodeRole)!;
                assert.ok(nodeRole, "the node group's role is recorded");
                const attached = query
                    .ofType(rs, T.attachment)
                    .filter((a) => a.inputs.role === nodeRole.outputs.name)
                    .map((a) => a.inputs.policyArn)
                    .sort();
                assert.deepEqual(attached, [
                    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                ]);
                const all = query.ofType(rs, T.attachment).map((a) => a.inputs.policyArn);
                assert.equal(all.filter((a: string) => a.endsWith("/AmazonEKS_CNI_Policy")).length, 1);
            });
        }

        it("the vpc-cni add-on runs on an IRSA role trusted only by kube-system/aws-node, before the nodes", () => {
            const rs = dev.resources;
            const addon = query.one(rs, T.addon);
            assert.equal(addon.inputs.addonName, "vpc-cni");
            assert.equal(addon.inputs.clusterName, "istio-eks-nlb-dev");
            assert.equal(addon.inputs.resolveConflictsOnCreate, "OVERWRITE");
            const role = query
                .ofType(rs, T.role)
                .find((r) => r.outputs.arn === addon.inputs.serviceAccountRoleArn)!;
            assert.ok(role, "the add-on's role is ours");
            const cni = query.one(rs, T.attachment, "-vpc-cni-policy");
            assert.equal(cni.inputs.role, role.outputs.name);
            assert.equal(cni.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
            assert.ok(addon.dependencies!.includes(cni.urn), "the role carries its policy first");
            const trust = JSON.parse(role.inputs.assumeRolePolicy);
            const cluster = query.one(rs, T.cluster);
            assert.equal(trust.Statement.length, 1);
            assert.equal(trust.Statement[0].Principal.Federated, cluster.outputs.oidcProviderArn);
            assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
                [`${cluster.outputs.oidcIssuer}:sub`]: "system:serviceaccount:kube-system:aws-node",
                [`${cluster.outputs.oidcIssuer}:aud`]: "sts.amazonaws.com",
            });
            // pulumi-eks must not create a second vpc-cni add-on (it would have no IRSA role).
            assert.equal(cluster.inputs.useDefaultVpcCni, true);
            assert.ok(
                query.one(rs, T.nodeGroup).dependencies!.includes(addon.urn),
                "nodes wait for the CNI role",
            );
        });
    });

    describe("6. the LB controller only binds targets", () => {
        for (const env of ["dev", "prod"] as const) {
            it(`${env}: Service reconciler off, no IngressClass, no Service mutator`, () => {
                const v = lbcChart((env === "dev" ? dev : prod).resources).inputs.values;
                assert.deepEqual(v.controllerConfig, { featureGates: { EnableServiceController: false } });
                assert.equal(v.createIngressClassResource, false);
                assert.equal(v.enableServiceMutatorWebhook, false);
            });
        }

        it("its IAM policy writes only RegisterTargets/DeregisterTargets on our target groups; no security-group writes", () => {
            const rs = dev.resources;
            const policy = JSON.parse(query.one(rs, "aws:iam/policy:Policy", "-lbc-policy").inputs.policy);
            const tgArns = query
                .ofType(rs, "aws:lb/targetGroup:TargetGroup")
                .map((t) => t.outputs.arn)
                .sort();
            const writes = policy.Statement.flatMap((st: any) =>
                (st.Action as string[])
                    .filter((a) => !/:(Describe|Get)/.test(a))
                    .map((a) => ({ action: a, resource: st.Resource })),
            );
            assert.deepEqual(writes.map((w: any) => w.action).sort(), [
                "elasticloadbalancing:DeregisterTargets",
                "elasticloadbalancing:RegisterTargets",
            ]);
            for (const w of writes) assert.deepEqual([...w.resource].sort(), tgArns);
            assert.ok(!JSON.stringify(policy).includes("ec2:AuthorizeSecurityGroupIngress"));
            assert.ok(!JSON.stringify(policy).includes("ec2:RevokeSecurityGroupIngress"));
        });
    });

    describe("7. ARNs follow the partition", () => {
        it("in GovCloud no input carries an arn:aws: ARN, and the managed policies are arn:aws-us-gov:", () => {
            const offenders = gov.resources.flatMap((r) =>
                strings(r.inputs)
                    .filter((s) => s.includes("arn:aws:"))
                    .map((s) => `${r.type} ${r.name}: ${s}`),
            );
            assert.deepEqual(offenders, []);
            const policies = query
                .ofType(gov.resources, T.attachment)
                .map((a) => a.inputs.policyArn)
                .filter((a: string) => a.includes(":iam::aws:policy/"))
                .sort();
            // The managed node role's and Karpenter's node role's (the same two each), the VPC CNI's.
            assert.deepEqual(policies, [
                "arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws-us-gov:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws-us-gov:iam::aws:policy/AmazonEKS_CNI_Policy",
            ]);
        });
    });

    describe("8. tags", () => {
        const USER_TAGS = { team: "platform", "cost-center": "42" };

        it("every AWS resource, pulumi-eks's included, is created through the platform's provider, whose default tags carry the user's tags", () => {
            const rs = tagged.resources;
            const provider = query.one(rs, "pulumi:providers:aws");
            const ref = `${provider.urn}::${provider.id}`;
            const defaultTags =
                typeof provider.inputs.defaultTags === "string"
                    ? JSON.parse(provider.inputs.defaultTags)
                    : provider.inputs.defaultTags;
            assert.deepEqual(defaultTags.tags, {
                project: "istio-eks-nlb",
                stack: "dev",
                "managed-by": "pulumi",
                ...USER_TAGS,
            });
            assert.equal(provider.inputs.region, "us-west-2");
            assert.equal(provider.inputs.profile, "ops", "the stack's aws: config is kept");
            const awsResources = rs.filter((r) => r.custom && r.type.startsWith("aws:"));
            assert.ok(awsResources.length > 30);
            for (const r of awsResources) assert.equal(r.provider, ref, `${r.type} ${r.name}`);
            // Remote components do not inherit providers: the reference must be passed to them.
            for (const type of [T.cluster, T.nodeGroup])
                assert.equal(query.one(rs, type).providers.aws, ref, type);
        });

        it("the instances, volumes and network interfaces the launch template starts carry the tags", () => {
            const lt = query.one(tagged.resources, "aws:ec2/launchTemplate:LaunchTemplate");
            const specs: { resourceType: string; tags: Record<string, string> }[] =
                lt.inputs.tagSpecifications;
            assert.deepEqual(specs.map((t) => t.resourceType).sort(), [
                "instance",
                "network-interface",
                "volume",
            ]);
            for (const spec of specs) {
                for (const [k, v] of Object.entries(USER_TAGS))
                    assert.equal(spec.tags[k], v, spec.resourceType);
            }
        });

        it("the provider repeats the stack's aws: config: lists and maps parsed, credentials secret, default tags merged", async () => {
            const cfg = awsConfigArgs({
                "aws:region": "eu-west-1",
                "aws:profile": "ops",
                "aws:allowedAccountIds": '["123456789012"]',
                "aws:secretKey": "s3cr3t",
                "aws:defaultTags": '{"tags":{"owner":"me","team":"old"}}',
                "istio-eks-nlb:tags": '["team=platform"]',
            });
            assert.deepEqual(Object.keys(cfg).sort(), [
                "allowedAccountIds",
                "defaultTags",
                "profile",
                "region",
                "secretKey",
            ]);
            assert.deepEqual(cfg.allowedAccountIds, ["123456789012"]);
            assert.ok(await (cfg.secretKey as any).isSecret, "credentials stay secret");
            const args = awsProviderArgs(cfg, "eu-west-1", { team: "platform" });
            assert.deepEqual(args.defaultTags, { tags: { owner: "me", team: "platform" } });
            assert.equal(args.profile, "ops");
        });
    });

    describe("bad values are rejected up front, naming the key, the value and what is allowed", () => {
        const read = readConfig;
        const cases: [string, Record<string, unknown>, string][] = [
            [
                "a non-CIDR in the API CIDRs",
                { endpointPublicAccessCidrs: ["10.0.0.0/8", "office"] },
                'Invalid config "istio-eks-nlb:endpointPublicAccessCidrs": "office" is not a valid IPv4 CIDR (like 10.0.0.0/16, host bits zero)',
            ],
            [
                "a tag without =",
                { tags: ["team"] },
                'Invalid config "istio-eks-nlb:tags": "team" must be a "key=value" entry with a non-empty key',
            ],
            [
                "an aws: tag key",
                { tags: ["AWS:createdBy=me"] },
                'Invalid config "istio-eks-nlb:tags": "AWS:createdBy=me" has a key starting with "aws:", which AWS reserves for itself',
            ],
            [
                "a 129-character tag key",
                { tags: [`${"k".repeat(129)}=v`] },
                `Invalid config "istio-eks-nlb:tags": "${"k".repeat(129)}=v" has a key longer than 128 characters (AWS allows 1-128)`,
            ],
            [
                "a 257-character tag value",
                { tags: [`k=${"v".repeat(257)}`] },
                `Invalid config "istio-eks-nlb:tags": "k=${"v".repeat(257)}" has a value longer than 256 characters (AWS allows 0-256)`,
            ],
            [
                "a tag with characters AWS refuses",
                { tags: ["team=a;b"] },
                'Invalid config "istio-eks-nlb:tags": "team=a;b" may contain only letters, digits, spaces and _ . : / = + - @ in its key and value',
            ],
            [
                "a repeated tag key",
                { tags: ["team=a", "team=b"] },
                'Invalid config "istio-eks-nlb:tags": "team=b" repeats the key "team"',
            ],
            [
                "too many tags",
                { tags: Array.from({ length: 41 }, (_, i) => `k${i}=v`) },
                'Invalid config "istio-eks-nlb:tags": "41 entries" must have at most 40 entries (AWS allows 50 tags per resource; the program sets up to 10 itself)',
            ],
            [
                "a non-boolean",
                { endpointPublicAccess: "yes" },
                'Invalid config "istio-eks-nlb:endpointPublicAccess": "yes" must be true or false',
            ],
        ];
        for (const [what, values, message] of cases) {
            it(what, () =>
                assert.throws(
                    () => read(values),
                    (e: unknown) => e instanceof ConfigError && e.message === message,
                    message,
                ),
            );
        }

        it("accepts tags with = in the value, empty values and non-ASCII letters", () => {
            assert.deepEqual(read({ tags: ["query=a=b", "empty=", "équipe=plateforme"] }).tags, {
                query: "a=b",
                empty: "",
                équipe: "plateforme",
            });
        });
    });
});
