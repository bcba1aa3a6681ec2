// Security hardening (issue 8), as recorded from index.ts: the Kubernetes API is never open to the
// world unless a stack says so, the VPC's flows are recorded, the mesh denies by default, the LB
// controller can only bind targets, ARNs follow the partition, and the VPC CNI runs on its own role
// instead of the node's.
import { strict as assert } from "assert";
import * as path from "path";
import {
    loadFixtureStackConfig,
    PROJECT_ROOT,
    query,
    RecordedResource,
    recordProgram,
    recordStack,
    requireFresh,
    RecordResult,
} from "../harness/pulumiMocks";
import { ConfigError } from "../../components/config";
import { MOCK_ACCOUNT } from "../harness/pulumiMocks";
import { AUTHORIZATION_POLICY } from "../harness/crdSchemas";
import { validateCustomObject } from "../harness/crdSchema";
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
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    vpc: "aws:ec2/vpc:Vpc",
    authz: "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    peerAuthn: "kubernetes:security.istio.io/v1:PeerAuthentication",
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
        // Flow logs on: their trust and delivery policies carry ARNs too.
        gov = await recordStack("dev", { overrides: { "aws:region": "us-gov-west-1", flowLogs: true } });
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
                { stack: "prod", config: loadFixtureStackConfig("prod") },
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

    describe("2. VPC flow logs", () => {
        /** The flow log of a recording with the log group, role and delivery policy it names. */
        const flowLogPieces = (rs: RecordedResource[]) => {
            const flowLog = query.one(rs, T.flowLog);
            const group = query
                .ofType(rs, T.logGroup)
                .find((g) => g.outputs.arn === flowLog.inputs.logDestination)!;
            const role = query.ofType(rs, T.role).find((r) => r.outputs.arn === flowLog.inputs.iamRoleArn)!;
            const delivery = query.ofType(rs, T.rolePolicy).find((p) => p.inputs.role === role.id)!;
            assert.ok(group && role && delivery, "log group, role and delivery policy are the program's");
            return { flowLog, group, role, delivery };
        };

        it("prod records ALL traffic of its VPC into a log group kept 90 days, through the platform's AWS provider", () => {
            const rs = prod.resources;
            const { flowLog, group, role, delivery } = flowLogPieces(rs);
            assert.equal(flowLog.inputs.trafficType, "ALL");
            assert.equal(flowLog.inputs.logDestinationType, "cloud-watch-logs");
            assert.equal(flowLog.inputs.vpcId, query.one(rs, T.vpc).id);
            assert.equal(group.inputs.name, "/aws/vpc-flow-logs/istio-eks-nlb-prod");
            assert.equal(group.inputs.retentionInDays, 90);
            assert.ok(
                flowLog.dependencies!.includes(delivery.urn),
                "the role may write before the first delivery",
            );
            const provider = query.one(rs, "pulumi:providers:aws");
            for (const r of [flowLog, group, role, delivery])
                assert.equal(r.provider, `${provider.urn}::${provider.id}`, r.type);
        });

        it("the delivery role is trusted by the flow-logs service only, for this account's flow logs only", () => {
            const trust = JSON.parse(flowLogPieces(prod.resources).role.inputs.assumeRolePolicy);
            assert.deepEqual(trust.Statement, [
                {
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:us-west-2:${MOCK_ACCOUNT}:vpc-flow-log/*` },
                    },
                },
            ]);
        });

        it("the delivery role writes to its one log group: no CreateLogGroup, no wildcard resource", () => {
            const { group, delivery } = flowLogPieces(prod.resources);
            const arn = group.outputs.arn;
            assert.equal(
                arn,
                `arn:aws:logs:us-west-2:${MOCK_ACCOUNT}:log-group:/aws/vpc-flow-logs/istio-eks-nlb-prod`,
            );
            const policy = JSON.parse(delivery.inputs.policy);
            assert.deepEqual(policy.Statement, [
                {
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    Resource: [arn, `${arn}:*`],
                },
                {
                    Effect: "Allow",
                    Action: ["logs:DescribeLogGroups"],
                    Resource: `arn:aws:logs:us-west-2:${MOCK_ACCOUNT}:log-group:*`,
                },
            ]);
        });

        it("on by default (Pulumi.yaml) and in prod; dev turns them off in its stack file", () => {
            const defaults = readConfig({});
            assert.equal(defaults.flowLogs, true);
            assert.equal(defaults.flowLogRetentionDays, 30);
            assert.equal(query.ofType(dev.resources, T.flowLog).length, 0);
            assert.equal(query.ofType(dev.resources, T.logGroup).length, 1, "only the control-plane group");
            assert.equal(query.ofType(prod.resources, T.flowLog).length, 1);
        });

        it("an adopted VPC gets its flow log too, on the VPC id given", async () => {
            const run = await recordStack("dev", {
                overrides: {
                    flowLogs: true,
                    flowLogRetentionDays: 14,
                    vpcId: "vpc-0abc123",
                    publicSubnetIds: ["subnet-01", "subnet-02"],
                    privateSubnetIds: ["subnet-03", "subnet-04"],
                },
            });
            assert.equal(query.ofType(run.resources, T.vpc).length, 0, "the VPC is not created");
            const { flowLog, group } = flowLogPieces(run.resources);
            assert.equal(flowLog.inputs.vpcId, "vpc-0abc123");
            assert.equal(flowLog.inputs.trafficType, "ALL");
            assert.equal(group.inputs.retentionInDays, 14);
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

    describe("4. the mesh denies by default; the program allows its own paths", () => {
        /**
         * The attributes ztunnel cannot see (istiod 1.27 ambient/authorization.go, httpSources and
         * httpOperations): an ALLOW rule carrying one of them is dropped for ztunnel, so it denies.
         */
        const HTTP_SOURCE = [
            "requestPrincipals",
            "notRequestPrincipals",
            "remoteIpBlocks",
            "notRemoteIpBlocks",
        ];
        const HTTP_OPERATION = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"];
        const policies = (rs: RecordedResource[]) => query.ofType(rs, T.authz);
        const byName = (rs: RecordedResource[], name: string) => {
            const found = policies(rs).filter((p) => p.inputs.metadata.name === name);
            assert.equal(found.length, 1, `one ${name} policy`);
            return found[0];
        };
        const principalsOf = (p: RecordedResource) =>
            p.inputs.spec.rules.flatMap((r: any) =>
                (r.from ?? []).flatMap((f: any) => f.source.principals ?? []),
            );

        const MODES = [
            { mode: "istio API, sidecars", overrides: {}, sa: "istio-ingressgateway" },
            {
                mode: "Gateway API, sidecars",
                overrides: { ingressApi: "gatewayApi" },
                sa: "istio-ingressgateway-istio",
            },
            {
                mode: "istio API, ambient",
                overrides: { dataplaneMode: "ambient" },
                sa: "istio-ingressgateway",
            },
            {
                mode: "Gateway API, ambient",
                overrides: { ingressApi: "gatewayApi", dataplaneMode: "ambient" },
                sa: "istio-ingressgateway-istio",
            },
        ] as const;
        const runs: Record<string, RecordResult<Record<string, unknown>>> = {};
        let waypoint: RecordResult<Record<string, unknown>>;
        let gatewayApiWaypoint: RecordResult<Record<string, unknown>>;
        before(async () => {
            for (const m of MODES)
                runs[m.mode] =
                    Object.keys(m.overrides).length === 0
                        ? dev
                        : await recordStack("dev", { overrides: m.overrides });
            waypoint = await recordStack("dev", {
                overrides: { dataplaneMode: "ambient", ambientWaypoint: true },
            });
            gatewayApiWaypoint = await recordStack("dev", {
                overrides: { ingressApi: "gatewayApi", dataplaneMode: "ambient", ambientWaypoint: true },
            });
        });

        for (const m of MODES) {
            it(`${m.mode}: allow-nothing in istio-system; the gateway admits anyone on 80/443; the sample admits the gateway's principal only`, () => {
                const rs = runs[m.mode].resources;
                const root = policies(rs).filter((p) => p.inputs.metadata.namespace === "istio-system");
                assert.equal(root.length, 1);
                assert.equal(root[0].inputs.metadata.name, "allow-nothing");
                assert.deepEqual(root[0].inputs.spec, {});

                const gw = byName(rs, "allow-nlb-ingress");
                assert.equal(gw.inputs.metadata.namespace, "istio-ingress");
                assert.equal(gw.inputs.spec.action, "ALLOW");
                assert.deepEqual(gw.inputs.spec.rules, [{ to: [{ operation: { ports: ["80", "443"] } }] }]);
                if (m.mode.startsWith("Gateway API")) {
                    assert.deepEqual(gw.inputs.spec.targetRefs, [
                        { group: "gateway.networking.k8s.io", kind: "Gateway", name: "istio-ingressgateway" },
                    ]);
                    assert.equal(gw.inputs.spec.selector, undefined);
                    // The principal's service account is the generated Service's (and Deployment's) name.
                    assert.equal(runs[m.mode].outputs.gatewayServiceName, m.sa);
                } else {
                    assert.deepEqual(gw.inputs.spec.selector, { matchLabels: { istio: "ingressgateway" } });
                    const chart = query.ofType(rs, T.chart).find((c) => c.inputs.chart === "gateway")!;
                    assert.equal(chart.inputs.name, m.sa, "the chart's service account is its release name");
                    assert.equal(chart.inputs.values.labels.istio, "ingressgateway");
                }

                const sample = byName(rs, "hello-allow-gateway");
                assert.equal(sample.inputs.metadata.namespace, "sample");
                assert.deepEqual(sample.inputs.spec, {
                    selector: { matchLabels: { app: "hello" } },
                    action: "ALLOW",
                    rules: [
                        { from: [{ source: { principals: [`cluster.local/ns/istio-ingress/sa/${m.sa}`] } }] },
                    ],
                });
                assert.equal(policies(rs).length, 3);
            });
        }

        it("ambient with a waypoint: the sample admits its waypoint only, the waypoint admits the gateway only for the sample's Service", () => {
            const rs = waypoint.resources;
            assert.deepEqual(principalsOf(byName(rs, "hello-allow-waypoint")), [
                "cluster.local/ns/sample/sa/waypoint",
            ]);
            assert.deepEqual(byName(rs, "hello-allow-waypoint").inputs.spec.selector, {
                matchLabels: { app: "hello" },
            });
            const atWaypoint = byName(rs, "hello-waypoint-allow-gateway");
            assert.deepEqual(atWaypoint.inputs.spec.targetRefs, [
                { group: "", kind: "Service", name: "hello" },
            ]);
            assert.deepEqual(principalsOf(atWaypoint), [
                "cluster.local/ns/istio-ingress/sa/istio-ingressgateway",
            ]);
            // The waypoint's service account is the waypoint Gateway's name (no class suffix).
            const wp = query
                .ofType(rs, "kubernetes:gateway.networking.k8s.io/v1:Gateway")
                .find((g) => g.inputs.spec.gatewayClassName === "istio-waypoint")!;
            assert.equal(wp.inputs.metadata.name, "waypoint");
            assert.equal(
                policies(rs).filter((p) => p.inputs.metadata.name === "hello-allow-gateway").length,
                0,
            );
            assert.equal(policies(rs).length, 4);
            // With the Gateway API, the waypoint admits the generated gateway's service account.
            assert.deepEqual(
                principalsOf(byName(gatewayApiWaypoint.resources, "hello-waypoint-allow-gateway")),
                ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway-istio"],
            );
        });

        it("every policy is valid against the AuthorizationPolicy CRD, and the ones ztunnel enforces use L4 attributes only", () => {
            for (const run of [...Object.values(runs), waypoint, gatewayApiWaypoint]) {
                assert.ok(policies(run.resources).length >= 3, "the policies are recorded");
                for (const p of policies(run.resources)) {
                    const { apiVersion, kind, metadata, spec } = p.inputs;
                    assert.deepEqual(
                        validateCustomObject(AUTHORIZATION_POLICY, { apiVersion, kind, metadata, spec }),
                        [],
                        p.name,
                    );
                    assert.equal(spec.action ?? "ALLOW", "ALLOW", p.name);
                    for (const rule of spec.rules ?? []) {
                        assert.deepEqual(
                            Object.keys(rule).filter((k) => !["from", "to"].includes(k)),
                            [],
                            `${p.name}: no when`,
                        );
                        for (const f of rule.from ?? [])
                            for (const k of Object.keys(f.source))
                                assert.ok(!HTTP_SOURCE.includes(k), `${p.name}: source.${k}`);
                        for (const t of rule.to ?? [])
                            for (const k of Object.keys(t.operation))
                                assert.ok(!HTTP_OPERATION.includes(k), `${p.name}: operation.${k}`);
                    }
                }
            }
        });

        it("the policies come after istiod (CRDs, validation webhook) and their namespaces; allow-nothing comes after every ALLOW", () => {
            for (const run of [dev, waypoint, runs["Gateway API, sidecars"]]) {
                const rs = run.resources;
                const istiod = query.ofType(rs, T.chart).find((c) => c.inputs.chart === "istiod")!;
                const sampleNs = query
                    .ofType(rs, "kubernetes:core/v1:Namespace")
                    .find((n) => n.inputs.metadata.name === "sample")!;
                const allows = policies(rs).filter((p) => p.inputs.metadata.name !== "allow-nothing");
                for (const p of allows) {
                    assert.ok(p.dependencies!.includes(istiod.urn), `${p.name} after istiod`);
                    if (p.inputs.metadata.namespace === "sample")
                        assert.ok(p.dependencies!.includes(sampleNs.urn), `${p.name} after its namespace`);
                }
                const nothing = byName(rs, "allow-nothing");
                assert.ok(nothing.dependencies!.includes(istiod.urn));
                for (const p of allows)
                    assert.ok(nothing.dependencies!.includes(p.urn), `allow-nothing after ${p.name}`);
            }
        });

        it("prod (no sample app): allow-nothing and the gateway's ALLOW only; mTLS stays STRICT in every mode", () => {
            assert.deepEqual(
                policies(prod.resources)
                    .map((p) => p.inputs.metadata.name)
                    .sort(),
                ["allow-nlb-ingress", "allow-nothing"],
            );
            for (const run of [prod, waypoint, ...Object.values(runs)])
                assert.deepEqual(query.one(run.resources, T.peerAuthn).inputs.spec, {
                    mtls: { mode: "STRICT" },
                });
        });

        it("on by default and in both stack files; meshDefaultDeny false creates no policy", async () => {
            assert.equal(readConfig({}).meshDefaultDeny, true);
            assert.equal(readConfig({ meshDefaultDeny: false }).meshDefaultDeny, false);
            const off = await recordStack("dev", { overrides: { meshDefaultDeny: false } });
            assert.equal(policies(off.resources).length, 0);
            assert.deepEqual(query.one(off.resources, T.peerAuthn).inputs.spec, { mtls: { mode: "STRICT" } });
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
            [
                "a non-boolean flowLogs",
                { flowLogs: "on" },
                'Invalid config "istio-eks-nlb:flowLogs": "on" must be true or false',
            ],
            [
                "a flow log retention CloudWatch does not offer",
                { flowLogRetentionDays: 45 },
                'Invalid config "istio-eks-nlb:flowLogRetentionDays": 45 must be a CloudWatch Logs retention in days: one of 1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653',
            ],
            [
                "a never-expiring flow log retention",
                { flowLogRetentionDays: 0 },
                'Invalid config "istio-eks-nlb:flowLogRetentionDays": 0 must be a CloudWatch Logs retention in days: one of 1|3|5|7|14|30|60|90|120|150|180|365|400|545|731|1096|1827|2192|2557|2922|3288|3653',
            ],
            [
                "a non-boolean meshDefaultDeny",
                { meshDefaultDeny: "strict" },
                'Invalid config "istio-eks-nlb:meshDefaultDeny": "strict" must be true or false',
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
