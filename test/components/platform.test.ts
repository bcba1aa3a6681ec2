// The platform as recorded from index.ts for the dev stack (full run) and the prod stack (preview):
// one NLB, its wiring to the gateway, ordering, security defaults and per-environment differences.
import { strict as assert } from "assert";
import { query, RecordedResource, recordStack, RecordResult } from "../harness/pulumiMocks";
import { PROD_DECISIONS } from "../harness/decisions";

const T = {
    lb: "aws:lb/loadBalancer:LoadBalancer",
    tg: "aws:lb/targetGroup:TargetGroup",
    listener: "aws:lb/listener:Listener",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    chart: "kubernetes:helm.sh/v4:Chart",
    tgb: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    service: "kubernetes:core/v1:Service",
    cluster: "eks:index:Cluster",
    subnet: "aws:ec2/subnet:Subnet",
    nat: "aws:ec2/natGateway:NatGateway",
};

const chart = (rs: RecordedResource[], chartName: string) =>
    rs.filter((r) => r.type === T.chart && r.inputs.chart === chartName);
const one = <X>(xs: X[], what: string): X => {
    assert.equal(xs.length, 1, `expected exactly one ${what}, found ${xs.length}`);
    return xs[0];
};

/** Every URN under a component (its descendants), by walking parents. */
function descendants(rs: RecordedResource[], rootUrn: string): Set<string> {
    const out = new Set<string>([rootUrn]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of rs) {
            if (r.parent && out.has(r.parent) && !out.has(r.urn)) {
                out.add(r.urn);
                grew = true;
            }
        }
    }
    return out;
}

describe("platform (dev stack, full run; prod stack, preview)", () => {
    let dev: RecordResult<Record<string, unknown>>;
    let prod: RecordResult<Record<string, unknown>>;
    let rs: RecordedResource[];

    before(async () => {
        dev = await recordStack("dev");
        // prod as shipped asks who may reach the API (see security.test.ts): answered as a user would.
        prod = await recordStack("prod", { preview: true, overrides: PROD_DECISIONS });
        rs = dev.resources;
    });

    for (const env of ["dev", "prod"] as const) {
        it(`${env}: exactly one AWS load balancer, and it is a cross-zone network load balancer`, () => {
            const r = env === "dev" ? dev.resources : prod.resources;
            const lbs = r.filter(
                (x) => /^aws:(lb|alb|elb)\//.test(x.type) && /[lL]oadBalancer$/.test(x.type),
            );
            const lb = one(lbs, "load balancer");
            assert.equal(lb.type, T.lb);
            assert.equal(lb.inputs.loadBalancerType, "network");
            assert.equal(lb.inputs.enableCrossZoneLoadBalancing, true);
            assert.equal(lb.inputs.internal, false);
        });

        it(`${env}: no Kubernetes Service of type LoadBalancer, in resources or chart values`, () => {
            const r = env === "dev" ? dev.resources : prod.resources;
            for (const svc of r.filter((x) => x.type === T.service)) {
                assert.notEqual(svc.inputs.spec?.type, "LoadBalancer", svc.name);
            }
            const charts = r.filter((x) => x.type === T.chart);
            // base, istiod, gateway, LBC, metrics-server, Karpenter
            assert.equal(charts.length, 7);
            for (const c of charts) {
                assert.ok(!/"type":"LoadBalancer"/.test(JSON.stringify(c.inputs.values ?? {})), c.name);
            }
            assert.equal(one(chart(r, "gateway"), "gateway chart").inputs.values.service.type, "ClusterIP");
        });
    }

    it("listeners are TCP 80/443 without certificates, forwarding to IP target groups checked on 15021 /healthz/ready", () => {
        const listeners = query.ofType(rs, T.listener);
        assert.deepEqual(listeners.map((l) => l.inputs.port).sort(), [443, 80]);
        const tgs = query.ofType(rs, T.tg);
        for (const l of listeners) {
            assert.equal(l.inputs.protocol, "TCP");
            assert.equal(l.inputs.certificateArn, undefined);
            assert.equal(l.inputs.defaultActions.length, 1);
            const action = l.inputs.defaultActions[0];
            assert.equal(action.type, "forward");
            const tg = one(
                tgs.filter((t) => t.outputs.arn === action.targetGroupArn),
                "target group of listener",
            );
            assert.ok(l.propertyDependencies!.defaultActions.includes(tg.urn));
            assert.equal(tg.inputs.port, l.inputs.port);
            assert.equal(tg.inputs.protocol, "TCP");
            assert.equal(tg.inputs.targetType, "ip");
            assert.equal(tg.inputs.healthCheck.protocol, "HTTP");
            assert.equal(tg.inputs.healthCheck.port, "15021");
            assert.equal(tg.inputs.healthCheck.path, "/healthz/ready");
            assert.equal(tg.inputs.deregistrationDelay, 30);
            assert.equal(tg.inputs.preserveClientIp, "true");
            assert.equal(tg.inputs.proxyProtocolV2, false);
        }
    });

    it("each TargetGroupBinding binds a target group to the gateway Service and depends on the LBC and gateway charts", () => {
        const gateway = one(chart(rs, "gateway"), "gateway chart");
        const lbc = one(chart(rs, "aws-load-balancer-controller"), "LBC chart");
        const tgbs = query.ofType(rs, T.tgb);
        assert.equal(tgbs.length, 2);
        const tgs = query.ofType(rs, T.tg);
        for (const b of tgbs) {
            assert.equal(b.inputs.apiVersion, "elbv2.k8s.aws/v1beta1");
            assert.equal(b.inputs.metadata.namespace, gateway.inputs.namespace);
            assert.equal(b.inputs.spec.serviceRef.name, gateway.inputs.name);
            assert.equal(b.inputs.spec.targetType, "ip");
            const tg = one(
                tgs.filter((t) => t.outputs.arn === b.inputs.spec.targetGroupARN),
                "bound target group",
            );
            assert.equal(b.inputs.spec.serviceRef.port, tg.inputs.port);
            assert.ok(b.dependencies!.includes(lbc.urn), "depends on the LBC chart");
            assert.ok(b.dependencies!.includes(gateway.urn), "depends on the gateway chart");
        }
    });

    it("the NLB, its security group, listeners and target groups do not depend on the cluster", () => {
        const clusterComponent = one(
            rs.filter((r) => r.type === "istio-eks-nlb:cluster:Cluster"),
            "cluster component",
        );
        const clusterSide = descendants(rs, clusterComponent.urn);
        assert.ok(clusterSide.has(query.one(rs, T.cluster).urn));
        const nlbSide = [T.lb, T.sg, T.listener, T.tg].flatMap((t) => query.ofType(rs, t));
        assert.equal(nlbSide.length, 6);
        for (const r of nlbSide) {
            const deps = query.transitiveDependencies(rs, r.urn);
            const bad = [...deps].filter((d) => clusterSide.has(d));
            assert.deepEqual(bad, [], `${r.name} depends on the cluster`);
        }
        // Control: the walk does see the cluster from the cluster side of the binding.
        const tgb = query.ofType(rs, T.tgb)[0];
        assert.ok([...query.transitiveDependencies(rs, tgb.urn)].some((d) => clusterSide.has(d)));
    });

    it("Istio installs in order: base -> istiod -> gateway; the gateway also waits for the LBC", () => {
        const base = one(chart(rs, "base"), "base");
        const istiod = one(chart(rs, "istiod"), "istiod");
        const gateway = one(chart(rs, "gateway"), "gateway");
        const lbc = one(chart(rs, "aws-load-balancer-controller"), "lbc");
        assert.ok(istiod.dependencies!.includes(base.urn));
        assert.ok(gateway.dependencies!.includes(istiod.urn));
        assert.ok(gateway.dependencies!.includes(lbc.urn));
        for (const c of [base, istiod, gateway]) {
            assert.equal(c.inputs.version, "1.27.3");
            assert.equal(c.inputs.repositoryOpts.repo, "https://istio-release.storage.googleapis.com/charts");
        }
        assert.equal(gateway.inputs.name, "istio-ingressgateway");
        assert.equal(gateway.inputs.namespace, "istio-ingress");
        assert.deepEqual(gateway.inputs.values.labels, {
            istio: "ingressgateway",
            app: "istio-ingressgateway",
        });
    });

    it("mesh-wide mTLS is STRICT, after istiod", () => {
        const pa = query.one(rs, "kubernetes:security.istio.io/v1:PeerAuthentication");
        assert.equal(pa.inputs.metadata.namespace, "istio-system");
        assert.equal(pa.inputs.spec.mtls.mode, "STRICT");
        assert.equal(pa.inputs.spec.selector, undefined);
        assert.ok(pa.dependencies!.includes(one(chart(rs, "istiod"), "istiod").urn));
    });

    it("subnets carry the load balancer discovery and cluster tags", () => {
        const subnets = query.ofType(rs, T.subnet);
        assert.equal(subnets.length, 4);
        for (const s of subnets) {
            const isPublic = s.name.includes("-public-");
            assert.equal(
                s.inputs.tags[isPublic ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"],
                "1",
            );
            assert.equal(
                s.inputs.tags[isPublic ? "kubernetes.io/role/internal-elb" : "kubernetes.io/role/elb"],
                undefined,
            );
            assert.equal(s.inputs.tags["kubernetes.io/cluster/istio-eks-nlb-dev"], "shared");
            if (isPublic) assert.equal(s.inputs.mapPublicIpOnLaunch, false);
        }
    });

    it("nodes require IMDSv2 through their launch template and run in the private subnets", () => {
        const lt = query.one(rs, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.equal(lt.inputs.metadataOptions.httpTokens, "required");
        assert.equal(lt.inputs.metadataOptions.httpPutResponseHopLimit, 1);
        const ng = query.one(rs, "eks:index:ManagedNodeGroup");
        assert.equal(ng.inputs.launchTemplate.id, lt.id);
        const privateIds = query
            .ofType(rs, T.subnet)
            .filter((s) => s.name.includes("-private-"))
            .map((s) => s.id);
        assert.deepEqual(ng.inputs.subnetIds, privateIds);
        assert.deepEqual(ng.inputs.scalingConfig, { minSize: 1, desiredSize: 2, maxSize: 3 });
    });

    it("EKS: pinned version, API access entries, OIDC, logging; istiod ports open from the control plane", () => {
        const c = query.one(rs, T.cluster);
        assert.equal(c.inputs.version, "1.33");
        assert.equal(c.inputs.authenticationMode, "API");
        assert.equal(c.inputs.createOidcProvider, true);
        assert.equal(c.inputs.skipDefaultNodeGroup, true);
        assert.deepEqual(c.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator"]);
        const rules = query
            .ofType(rs, T.sgIngress)
            .filter((r) => r.inputs.referencedSecurityGroupId === c.outputs.clusterSecurityGroupId);
        assert.deepEqual(rules.map((r) => r.inputs.fromPort).sort(), [15012, 15017]);
        for (const r of rules) assert.equal(r.inputs.securityGroupId, c.outputs.nodeSecurityGroupId);
    });

    it("the NLB security group admits exactly the configured CIDRs on 80/443, and nodes admit only the NLB SG", () => {
        const sg = query.one(rs, T.sg);
        assert.deepEqual(
            sg.inputs.ingress.map((i: any) => [i.protocol, i.fromPort, i.toPort, i.cidrBlocks]),
            [
                ["tcp", 80, 80, ["0.0.0.0/0"]],
                ["tcp", 443, 443, ["0.0.0.0/0"]],
            ],
        );
        assert.deepEqual(query.one(rs, T.lb).inputs.securityGroups, [sg.id]);
        const fromNlb = query
            .ofType(rs, T.sgIngress)
            .filter((r) => r.inputs.referencedSecurityGroupId === sg.id);
        assert.deepEqual(
            fromNlb.map((r) => r.inputs.fromPort).sort((a, b) => a - b),
            [80, 443, 15021],
        );
        const nodeSg = query.one(rs, T.cluster).outputs.nodeSecurityGroupId;
        for (const r of fromNlb) assert.equal(r.inputs.securityGroupId, nodeSg);
    });

    it("prod admits its configured CIDRs only", () => {
        const sg = query.one(prod.resources, T.sg);
        for (const i of sg.inputs.ingress) assert.deepEqual(i.cidrBlocks, ["0.0.0.0/0"]);
    });

    it("the LBC runs with IRSA trusted only by its service account and may only register targets in our target groups", () => {
        const lbc = one(chart(rs, "aws-load-balancer-controller"), "lbc");
        assert.equal(lbc.inputs.namespace, "kube-system");
        assert.match(lbc.inputs.version, /^\d+\.\d+\.\d+$/);
        assert.equal(lbc.inputs.values.createIngressClassResource, false);
        const roles = query.ofType(rs, "aws:iam/role:Role").filter((r) => r.name.includes("-lbc-"));
        const role = one(roles, "LBC role");
        assert.equal(
            lbc.inputs.values.serviceAccount.annotations["eks.amazonaws.com/role-arn"],
            role.outputs.arn,
        );
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        const cond = trust.Statement[0].Condition.StringEquals;
        const issuer = query.one(rs, T.cluster).outputs.oidcIssuer;
        assert.equal(cond[`${issuer}:sub`], "system:serviceaccount:kube-system:aws-load-balancer-controller");
        assert.equal(cond[`${issuer}:aud`], "sts.amazonaws.com");
        const policy = JSON.parse(query.one(rs, "aws:iam/policy:Policy", "-lbc-policy").inputs.policy);
        const tgArns = query
            .ofType(rs, T.tg)
            .map((t) => t.outputs.arn)
            .sort();
        for (const st of policy.Statement) {
            const actions: string[] = st.Action;
            const writes = actions.filter((a) => !/:(Describe|Get)/.test(a));
            if (writes.length === 0) continue;
            assert.notEqual(st.Resource, "*", `${st.Sid} writes on *`);
            if (writes.some((a) => a.startsWith("elasticloadbalancing:")))
                assert.deepEqual([...st.Resource].sort(), tgArns);
            else assert.ok(st.Condition, `${st.Sid} is unconditioned`);
        }
        assert.ok(!JSON.stringify(policy).includes("CreateLoadBalancer"));
    });

    it("gateway drain timing follows the deregistration delay", () => {
        const v = one(chart(rs, "gateway"), "gateway").inputs.values;
        assert.equal(v.terminationGracePeriodSeconds, 30 + 15);
        const proxy = JSON.parse(v.podAnnotations["proxy.istio.io/config"]);
        assert.equal(proxy.terminationDrainDuration, "30s");
        assert.equal(proxy.gatewayTopology, undefined);
        assert.deepEqual(v.env, {});
        const pv = one(chart(prod.resources, "gateway"), "gateway").inputs.values;
        assert.equal(pv.terminationGracePeriodSeconds, 135);
    });

    it("dev vs prod: gateway replicas, PDB, zone spread and HPA", () => {
        const d = one(chart(rs, "gateway"), "gateway").inputs.values;
        const p = one(chart(prod.resources, "gateway"), "gateway").inputs.values;
        assert.equal(d.replicaCount, 1);
        assert.deepEqual(d.podDisruptionBudget, {});
        assert.deepEqual(d.autoscaling, { enabled: false });
        assert.deepEqual(d.topologySpreadConstraints, []);
        assert.ok(p.replicaCount >= 2);
        assert.deepEqual(p.podDisruptionBudget, {
            maxUnavailable: 1,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.equal(p.autoscaling.enabled, true);
        assert.equal(p.autoscaling.minReplicas, p.replicaCount);
        assert.ok(p.autoscaling.maxReplicas > p.replicaCount);
        const zone = p.topologySpreadConstraints.find(
            (t: any) => t.topologyKey === "topology.kubernetes.io/zone",
        );
        assert.deepEqual(zone.labelSelector.matchLabels, { istio: "ingressgateway" });
    });

    it("dev vs prod: NAT gateways, deletion protection, KMS, node sizes, sample app", () => {
        const p = prod.resources;
        assert.equal(query.ofType(rs, T.nat).length, 1);
        assert.equal(query.ofType(p, T.nat).length, 3);
        assert.equal(query.one(rs, T.lb).inputs.enableDeletionProtection, false);
        assert.equal(query.one(p, T.lb).inputs.enableDeletionProtection, true);
        // The secrets key (the alarm topic's key, observability.test.ts, exists in both).
        assert.equal(
            query.ofType(rs, "aws:kms/key:Key").filter((k) => k.name.endsWith("-secrets-key")).length,
            0,
        );
        assert.equal(query.one(rs, T.cluster).inputs.encryptionConfigKeyArn, undefined);
        const key = query.one(p, "aws:kms/key:Key", "-secrets-key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.ok(query.one(p, T.cluster).dependencies!.includes(key.urn));
        assert.ok(query.one(p, "eks:index:ManagedNodeGroup").inputs.scalingConfig.minSize >= 3);
        assert.equal(query.ofType(rs, "kubernetes:networking.istio.io/v1:Gateway").length, 1);
        assert.equal(query.ofType(p, "kubernetes:networking.istio.io/v1:Gateway").length, 0);
        assert.equal(query.ofType(p, "kubernetes:apps/v1:Deployment").length, 0);
    });

    it("the sample app is injected, ClusterIP and routed by an Istio Gateway that selects the gateway pods", () => {
        const ns = query
            .ofType(rs, "kubernetes:core/v1:Namespace")
            .find((n) => n.inputs.metadata.name === "sample")!;
        assert.equal(ns.inputs.metadata.labels["istio-injection"], "enabled");
        assert.equal(query.one(rs, T.service).inputs.spec.type, "ClusterIP");
        const gw = query.one(rs, "kubernetes:networking.istio.io/v1:Gateway");
        const gatewayChart = one(chart(rs, "gateway"), "gateway");
        for (const [k, v] of Object.entries(gw.inputs.spec.selector))
            assert.equal(gatewayChart.inputs.values.labels[k], v);
        assert.ok(gw.dependencies!.includes(gatewayChart.urn));
        const vs = query.one(rs, "kubernetes:networking.istio.io/v1:VirtualService");
        assert.deepEqual(vs.inputs.spec.gateways, [gw.inputs.metadata.name]);
        assert.ok(
            query
                .one(rs, "kubernetes:apps/v1:Deployment")
                .dependencies!.includes(one(chart(rs, "istiod"), "i").urn),
        );
    });

    it("stack outputs resolve, and the kubeconfig is secret", () => {
        for (const r of [dev, prod]) {
            for (const k of [
                "kubeconfig",
                "clusterName",
                "nlbDnsName",
                "nlbArn",
                "nlbZoneId",
                "gatewayNamespace",
                "gatewayServiceName",
                "istioVersion",
            ]) {
                assert.ok(typeof r.outputs[k] === "string" && (r.outputs[k] as string).length > 0, k);
            }
            assert.deepEqual(r.secretOutputs, ["kubeconfig"]);
        }
        assert.equal(dev.outputs.clusterName, "istio-eks-nlb-dev");
        assert.equal(dev.outputs.nlbArn, query.one(rs, T.lb).outputs.arn);
        assert.equal(dev.outputs.nlbZoneId, query.one(rs, T.lb).outputs.zoneId);
        assert.equal(dev.outputs.gatewayServiceName, "istio-ingressgateway");
        assert.equal(JSON.parse(dev.outputs.kubeconfig as string).kind, "Config");
    });

    it("children are parented to their component and named from its name", () => {
        const byUrn = new Map(rs.map((r) => [r.urn, r]));
        for (const r of rs) {
            if (!r.parent) {
                assert.equal(r.type, "istio-eks-nlb:platform:IstioEksPlatform");
                continue;
            }
            const parent = byUrn.get(r.parent)!;
            assert.ok(parent.type.startsWith("istio-eks-nlb:"), `${r.name} parent ${parent.type}`);
            assert.ok(r.name.startsWith(`${parent.name}-`), `${r.name} is not named from ${parent.name}`);
        }
    });
});
