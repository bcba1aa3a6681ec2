// HTTPS on a real hostname (issue 11): the Route 53 alias, cert-manager and its DNS-01 permissions,
// the ClusterIssuer and Certificate, the Istio Gateway where TLS ends, and the NLB left as TCP
// pass-through. The dev stack is recorded once per TLS mode, with the four keys set as a user would.
import { strict as assert } from "assert";
import { aliasRecordTypes, Dns } from "../../components/dns";
import { CERT_MANAGER_VERSION, certManagerDns01PolicyDocument } from "../../components/certManager";
import { certificate, clusterIssuer, CERTIFICATE_SECRET_NAME } from "../../components/certificates";
import { hostGateway } from "../../components/hostGateway";
import { evaluateStack } from "../../policies/lib/evaluate";
import { istioGatewayNlbTlsPassthrough } from "../../policies/istioGatewayNlbTlsPassthrough";
import { validateCustomObject } from "../harness/crdSchema";
import { CERTIFICATE, CLUSTER_ISSUER, ISTIO_GATEWAY } from "../harness/crdSchemas";
import { query, RecordedResource, recordProgram, recordStack, RecordResult } from "../harness/pulumiMocks";

const HOST = "app.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
const ACME = { hostname: HOST, hostedZoneId: ZONE, tls: "letsencryptStaging", acmeEmail: "ops@example.com" };

const T = {
    record: "aws:route53/record:Record",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    chart: "kubernetes:helm.sh/v4:Chart",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    job: "kubernetes:batch/v1:Job",
    issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    gateway: "kubernetes:networking.istio.io/v1:Gateway",
    vs: "kubernetes:networking.istio.io/v1:VirtualService",
    namespace: "kubernetes:core/v1:Namespace",
};

const chart = (rs: RecordedResource[], name: string) => {
    const found = rs.filter((r) => r.type === T.chart && r.inputs.chart === name);
    assert.equal(found.length, 1, `one ${name} chart`);
    return found[0];
};
const deps = (r: RecordedResource) =>
    new Set([...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()]);

describe("HTTPS on a hostname", function () {
    this.timeout(60000);
    let acme: RecordResult<Record<string, any>>;
    let selfSigned: RecordResult<Record<string, any>>;
    let plainHost: RecordResult<Record<string, any>>;
    let gatewayApi: RecordResult<Record<string, any>>;
    let rs: RecordedResource[];

    before(async () => {
        acme = await recordStack("dev", { overrides: ACME });
        selfSigned = await recordStack("dev", { overrides: { hostname: HOST, tls: "selfSigned" } });
        plainHost = await recordStack("dev", { overrides: { hostname: HOST, hostedZoneId: ZONE } });
        // In a China region too: the DNS-01 policy must follow the partition.
        gatewayApi = await recordStack("dev", {
            overrides: { ...ACME, ingressApi: "gatewayApi", "aws:region": "cn-north-1" },
        });
        rs = acme.resources;
    });

    describe("DNS", () => {
        it("an A alias from the hostname to the NLB, health-evaluated, created from the NLB's outputs", () => {
            const record = query.one(rs, T.record);
            const lb = query.one(rs, T.lb);
            assert.deepEqual(
                { zoneId: record.inputs.zoneId, name: record.inputs.name, type: record.inputs.type },
                { zoneId: ZONE, name: HOST, type: "A" },
            );
            assert.deepEqual(record.inputs.aliases, [
                { name: lb.outputs.dnsName, zoneId: lb.outputs.zoneId, evaluateTargetHealth: true },
            ]);
            assert.ok(record.propertyDependencies!.aliases.includes(lb.urn), "the record follows the NLB");
            assert.equal(query.ofType(rs, T.record).length, 1, "ipv4 NLB: no AAAA");
        });

        it("exports the hostname and the https URL; the plain-HTTP hostname exports http", () => {
            assert.equal(acme.outputs.hostname, HOST);
            assert.equal(acme.outputs.url, `https://${HOST}`);
            assert.equal(plainHost.outputs.url, `http://${HOST}`);
            assert.equal(query.one(plainHost.resources, T.record).inputs.name, HOST);
        });

        it("a dual-stack NLB gets A and AAAA aliases", async () => {
            assert.deepEqual(aliasRecordTypes("dualstack"), ["A", "AAAA"]);
            const run = await recordProgram(() => {
                new Dns("dns", {
                    hostname: HOST,
                    hostedZoneId: ZONE,
                    targetDnsName: "nlb.example",
                    targetZoneId: "ZNLB",
                    ipAddressType: "dualstack",
                });
            });
            const records = query.ofType(run.resources, T.record);
            assert.deepEqual(
                records.map((r) => r.inputs.type),
                ["A", "AAAA"],
            );
            for (const r of records) assert.equal(r.inputs.aliases[0].evaluateTargetHealth, true);
        });

        it("no zone, no record: self-signed on a hostname the user points at the NLB", () => {
            assert.equal(query.ofType(selfSigned.resources, T.record).length, 0);
            assert.equal(selfSigned.outputs.hostname, HOST);
        });
    });

    describe("cert-manager", () => {
        it("pinned chart from its repository, CRDs by the chart, IRSA role on its service account", () => {
            const c = chart(rs, "cert-manager");
            assert.equal(c.inputs.version, CERT_MANAGER_VERSION);
            assert.match(c.inputs.version, /^v\d+\.\d+\.\d+$/);
            assert.equal(c.inputs.repositoryOpts.repo, "https://charts.jetstack.io");
            assert.equal(c.inputs.namespace, "cert-manager");
            assert.equal(c.inputs.values.crds.enabled, true);
            assert.equal(c.inputs.values.startupapicheck.enabled, false);
            const role = query.one(rs, T.role, "cert-manager-role");
            assert.equal(c.inputs.values.serviceAccount.name, "cert-manager");
            assert.equal(
                c.inputs.values.serviceAccount.annotations["eks.amazonaws.com/role-arn"],
                role.outputs.arn,
            );
            const ns = query.one(rs, T.namespace, "cert-manager-ns");
            assert.equal(ns.inputs.metadata.name, "cert-manager");
            assert.ok(c.dependencies!.includes(ns.urn));
            const attachment = query.one(rs, T.attachment, "cert-manager-dns01-attachment");
            assert.ok(
                c.dependencies!.includes(attachment.urn),
                "the role has its policy before the controller runs",
            );
        });

        it("the role trusts only cert-manager's service account, for STS", () => {
            const trust = JSON.parse(query.one(rs, T.role, "cert-manager-role").inputs.assumeRolePolicy);
            assert.equal(trust.Statement.length, 1);
            const [st] = trust.Statement;
            assert.equal(st.Action, "sts:AssumeRoleWithWebIdentity");
            const cond = st.Condition.StringEquals;
            const sub = Object.keys(cond).find((k) => k.endsWith(":sub"))!;
            assert.equal(cond[sub], "system:serviceaccount:cert-manager:cert-manager");
            assert.equal(cond[sub.replace(/:sub$/, ":aud")], "sts.amazonaws.com");
        });

        it("the DNS-01 policy changes only the challenge TXT record in hostedZoneId; GetChange and ListHostedZonesByName as documented", () => {
            const doc = JSON.parse(query.one(rs, T.policy, "cert-manager-dns01-policy").inputs.policy);
            const byAction = new Map<string, any>();
            for (const st of doc.Statement) {
                assert.equal(st.Effect, "Allow");
                for (const a of st.Action) byAction.set(a, st);
            }
            assert.deepEqual([...byAction.keys()].sort(), [
                "route53:ChangeResourceRecordSets",
                "route53:GetChange",
                "route53:ListHostedZonesByName",
            ]);
            const change = byAction.get("route53:ChangeResourceRecordSets");
            assert.equal(change.Resource, `arn:aws:route53:::hostedzone/${ZONE}`);
            assert.deepEqual(change.Condition["ForAllValues:StringEquals"], {
                "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [`_acme-challenge.${HOST}`],
                "route53:ChangeResourceRecordSetsActions": ["UPSERT", "DELETE"],
            });
            assert.equal(byAction.get("route53:GetChange").Resource, "arn:aws:route53:::change/*");
            assert.equal(byAction.get("route53:ListHostedZonesByName").Resource, "*");
        });

        it("ARNs take the partition from aws.getPartition, never a literal arn:aws", () => {
            const cn = JSON.parse(
                query.one(gatewayApi.resources, T.policy, "cert-manager-dns01-policy").inputs.policy,
            );
            assert.deepEqual(
                (cn.Statement as any[]).map((st) => st.Resource),
                [`arn:aws-cn:route53:::hostedzone/${ZONE}`, "arn:aws-cn:route53:::change/*", "*"],
            );
            const doc = certManagerDns01PolicyDocument("aws-cn", ZONE, HOST);
            const resources = (doc.Statement as any[])
                .map((s) => s.Resource)
                .filter((r: string) => r !== "*");
            assert.deepEqual(resources, [
                `arn:aws-cn:route53:::hostedzone/${ZONE}`,
                "arn:aws-cn:route53:::change/*",
            ]);
        });

        it("self-signed needs no AWS permission: no cert-manager role or policy", () => {
            const r = selfSigned.resources;
            assert.equal(chart(r, "cert-manager").inputs.values.serviceAccount.annotations, undefined);
            assert.equal(
                r.filter((x) => /cert-manager/.test(x.name) && x.type.startsWith("aws:iam/")).length,
                0,
            );
        });

        it("a webhook check Job (the chart's startupapicheck, which helm.v4.Chart skips) runs after the chart", () => {
            const job = query.one(rs, T.job, "cert-manager-webhook-check");
            const c = chart(rs, "cert-manager");
            assert.ok(job.dependencies!.includes(c.urn));
            const container = job.inputs.spec.template.spec.containers[0];
            assert.equal(
                container.image,
                `quay.io/jetstack/cert-manager-startupapicheck:${CERT_MANAGER_VERSION}`,
            );
            assert.deepEqual(container.args.slice(0, 2), ["check", "api"]);
            assert.equal(job.inputs.metadata.namespace, "cert-manager");
            const role = query.one(rs, "kubernetes:rbac.authorization.k8s.io/v1:Role", "webhook-check-role");
            assert.deepEqual(role.inputs.rules, [
                { apiGroups: ["cert-manager.io"], resources: ["certificaterequests"], verbs: ["create"] },
            ]);
            const sa = query.one(rs, "kubernetes:core/v1:ServiceAccount", "webhook-check-sa");
            const binding = query.one(
                rs,
                "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
                "webhook-check-binding",
            );
            assert.deepEqual(binding.inputs.roleRef, {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "Role",
                name: role.inputs.metadata.name,
            });
            assert.deepEqual(binding.inputs.subjects, [
                { kind: "ServiceAccount", name: sa.inputs.metadata.name, namespace: "cert-manager" },
            ]);
            const pod = job.inputs.spec.template.spec;
            assert.equal(pod.serviceAccountName, sa.inputs.metadata.name);
            assert.ok(job.dependencies!.includes(binding.urn), "the Job runs once it may create requests");
            // Restricted Pod Security: non-root, RuntimeDefault seccomp, no escalation, no capabilities.
            assert.equal(pod.securityContext.runAsNonRoot, true);
            assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
            assert.equal(container.securityContext.allowPrivilegeEscalation, false);
            assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
        });
    });

    describe("issuer and certificate", () => {
        it("ACME ClusterIssuer on the staging server, Route 53 DNS-01 for hostedZoneId, only for the hostname", () => {
            const issuer = query.one(rs, T.issuer);
            assert.equal(issuer.inputs.metadata.name, "letsencrypt-staging");
            const a = issuer.inputs.spec.acme;
            assert.equal(a.server, "https://acme-staging-v02.api.letsencrypt.org/directory");
            assert.equal(a.email, "ops@example.com");
            assert.deepEqual(a.solvers, [
                {
                    selector: { dnsNames: [HOST] },
                    dns01: { route53: { region: "us-west-2", hostedZoneID: ZONE } },
                },
            ]);
        });

        it("letsencrypt uses the production server; selfSigned a self-signed issuer", () => {
            const input = { hostname: HOST, acmeEmail: "a@b.io", hostedZoneId: ZONE, region: "eu-west-1" };
            assert.equal(
                clusterIssuer({ ...input, mode: "letsencrypt" }).spec.acme.server,
                "https://acme-v02.api.letsencrypt.org/directory",
            );
            const ss = query.one(selfSigned.resources, T.issuer);
            assert.deepEqual(ss.inputs.spec, { selfSigned: {} });
        });

        it("the Certificate is for the hostname, in the gateway namespace, from that issuer", () => {
            const cert = query.one(rs, T.certificate);
            const gatewayNs = query.one(rs, T.namespace, "gateway-ns");
            assert.equal(cert.inputs.metadata.namespace, chart(rs, "gateway").inputs.namespace);
            assert.ok(deps(cert).has(gatewayNs.urn), "created after the gateway namespace");
            assert.deepEqual(cert.inputs.spec.dnsNames, [HOST]);
            assert.equal(cert.inputs.spec.secretName, CERTIFICATE_SECRET_NAME);
            assert.deepEqual(cert.inputs.spec.issuerRef, {
                group: "cert-manager.io",
                kind: "ClusterIssuer",
                name: "letsencrypt-staging",
            });
        });

        it("issuer and certificate wait for cert-manager's webhook check (and so for the chart)", () => {
            const job = query.one(rs, T.job, "cert-manager-webhook-check");
            const c = chart(rs, "cert-manager");
            for (const r of [query.one(rs, T.issuer), query.one(rs, T.certificate)]) {
                assert.ok(r.dependencies!.includes(job.urn), `${r.name} depends on the webhook check`);
                assert.ok(query.transitiveDependencies(rs, r.urn).has(c.urn));
            }
            assert.ok(query.one(rs, T.certificate).dependencies!.includes(query.one(rs, T.issuer).urn));
        });
    });

    describe("Istio", () => {
        it("the hostname Gateway serves 443 SIMPLE with the certificate's secret and redirects 80 to HTTPS", () => {
            const gw = query.one(rs, T.gateway);
            const gatewayChart = chart(rs, "gateway");
            assert.equal(gw.inputs.metadata.namespace, gatewayChart.inputs.namespace);
            for (const [k, v] of Object.entries(gw.inputs.spec.selector))
                assert.equal(gatewayChart.inputs.values.labels[k], v, "selects the gateway pods");
            assert.deepEqual(gw.inputs.spec.servers, [
                {
                    port: { number: 80, name: "http", protocol: "HTTP" },
                    hosts: [HOST],
                    tls: { httpsRedirect: true },
                },
                {
                    port: { number: 443, name: "https", protocol: "HTTPS" },
                    hosts: [HOST],
                    tls: {
                        mode: "SIMPLE",
                        credentialName: CERTIFICATE_SECRET_NAME,
                        minProtocolVersion: "TLSV1_2",
                    },
                },
            ]);
            assert.ok(gw.dependencies!.includes(gatewayChart.urn));
            assert.ok(gw.dependencies!.includes(query.one(rs, T.certificate).urn));
        });

        it("the sample app is routed for the hostname through that Gateway, with no catch-all Gateway of its own", () => {
            const vs = query.one(rs, T.vs);
            assert.deepEqual(vs.inputs.spec.hosts, [HOST]);
            assert.deepEqual(vs.inputs.spec.gateways, ["istio-ingress/ingress"]);
            assert.equal(query.ofType(rs, T.gateway).length, 1);
        });

        it("tls none with a hostname: HTTP only for the hostname, no cert-manager", () => {
            const r = plainHost.resources;
            assert.deepEqual(query.one(r, T.gateway).inputs.spec.servers, [
                { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: [HOST] },
            ]);
            assert.equal(r.filter((x) => x.type === T.chart && x.inputs.chart === "cert-manager").length, 0);
            assert.equal(query.ofType(r, T.certificate).length + query.ofType(r, T.issuer).length, 0);
        });
    });

    describe("Gateway API ingress (ingressApi: gatewayApi) reads the same settings", () => {
        it("the Gateway's HTTPS listener serves the hostname with the certificate's Secret; no Istio Gateway", () => {
            const r = gatewayApi.resources;
            const gw = query.one(r, "kubernetes:gateway.networking.k8s.io/v1:Gateway");
            const https = gw.inputs.spec.listeners.find((l: any) => l.name === "https");
            assert.equal(https.port, 443);
            assert.equal(https.hostname, HOST);
            assert.deepEqual(https.tls.certificateRefs, [{ kind: "Secret", name: CERTIFICATE_SECRET_NAME }]);
            const cert = query.one(r, T.certificate);
            assert.equal(cert.inputs.metadata.namespace, gw.inputs.metadata.namespace);
            assert.equal(query.ofType(r, T.gateway).length, 0);
            assert.equal(query.one(r, T.record).inputs.name, HOST);
        });
    });

    describe("NLB and policy pack", () => {
        it("the NLB stays TCP 80/443 pass-through with no certificate", () => {
            const listeners = query.ofType(rs, T.listener);
            assert.deepEqual(listeners.map((l) => `${l.inputs.protocol}:${l.inputs.port}`).sort(), [
                "TCP:443",
                "TCP:80",
            ]);
            for (const l of listeners) assert.equal(l.inputs.certificateArn, undefined);
        });

        it("the TLS pass-through advisory stays green, and fires when the 443 listener terminates TLS", async () => {
            const policies = [istioGatewayNlbTlsPassthrough];
            assert.deepEqual(await evaluateStack(acme.resources, { policies }), []);
            const tampered = acme.resources.map((r) =>
                r.type === T.listener && r.inputs.port === 443
                    ? {
                          ...r,
                          inputs: { ...r.inputs, protocol: "TLS" },
                          props: { ...r.inputs, protocol: "TLS" },
                      }
                    : r,
            );
            const violations = await evaluateStack(tampered, { policies });
            assert.equal(violations.length, 1);
            assert.equal(violations[0].policyName, "istio-gateway-nlb-tls-passthrough");
        });

        it("no mandatory violation from the whole pack", async () => {
            const all = await evaluateStack(acme.resources);
            assert.deepEqual(
                all.filter((v) => v.enforcementLevel === "mandatory"),
                [],
            );
        });
    });

    describe("objects against the declared CRD schemas", () => {
        const recorded = (r: RecordedResource) => {
            const { apiVersion, kind, metadata, spec } = r.inputs;
            return { apiVersion, kind, metadata, spec };
        };

        it("ClusterIssuer (ACME and self-signed), Certificate and Gateway as recorded are valid", () => {
            for (const run of [acme, selfSigned]) {
                assert.deepEqual(
                    validateCustomObject(CLUSTER_ISSUER, recorded(query.one(run.resources, T.issuer))),
                    [],
                );
                assert.deepEqual(
                    validateCustomObject(CERTIFICATE, recorded(query.one(run.resources, T.certificate))),
                    [],
                );
                assert.deepEqual(
                    validateCustomObject(ISTIO_GATEWAY, recorded(query.one(run.resources, T.gateway))),
                    [],
                );
            }
            assert.deepEqual(
                validateCustomObject(ISTIO_GATEWAY, recorded(query.one(plainHost.resources, T.gateway))),
                [],
            );
            const input = { hostname: HOST, acmeEmail: "a@b.io", hostedZoneId: ZONE, region: "eu-west-1" };
            assert.deepEqual(
                validateCustomObject(CLUSTER_ISSUER, clusterIssuer({ ...input, mode: "letsencrypt" })),
                [],
            );
        });

        it("the validators reject what the API server would reject or silently prune", () => {
            const cert = certificate("letsencrypt", HOST, "istio-ingress");
            assert.deepEqual(
                validateCustomObject(CERTIFICATE, { ...cert, spec: { ...cert.spec, issuerRef: {} } }),
                ["spec.issuerRef.name: required"],
            );
            assert.deepEqual(
                validateCustomObject(CERTIFICATE, { ...cert, spec: { ...cert.spec, dnsName: [HOST] } }),
                ["spec.dnsName: unknown field"],
            );
            assert.deepEqual(validateCustomObject(CERTIFICATE, { ...cert, metadata: { name: "x" } }), [
                "metadata.namespace: required for a namespaced kind",
            ]);
            const issuer = clusterIssuer({
                mode: "letsencrypt",
                hostname: HOST,
                acmeEmail: "a@b.io",
                hostedZoneId: ZONE,
                region: "us-east-1",
            });
            assert.deepEqual(
                validateCustomObject(CLUSTER_ISSUER, {
                    ...issuer,
                    metadata: { name: "x", namespace: "default" },
                }),
                ["metadata.namespace: must be absent for a cluster-scoped kind"],
            );
            assert.deepEqual(
                validateCustomObject(CLUSTER_ISSUER, { ...issuer, spec: { ...issuer.spec, selfSigned: {} } }),
                ["spec: must configure exactly one issuer type (acme or selfSigned here)"],
            );
            const gw = hostGateway(HOST, "istio-ingress", CERTIFICATE_SECRET_NAME);
            const https = gw.spec.servers[1];
            const broken = (tls: unknown) => ({ ...gw, spec: { ...gw.spec, servers: [{ ...https, tls }] } });
            assert.deepEqual(
                validateCustomObject(ISTIO_GATEWAY, broken({ mode: "TERMINATE", credentialName: "x" })),
                [
                    'spec.servers[0].tls.mode: "TERMINATE" is not one of PASSTHROUGH|SIMPLE|MUTUAL|AUTO_PASSTHROUGH|ISTIO_MUTUAL|OPTIONAL_MUTUAL',
                ],
            );
            assert.deepEqual(validateCustomObject(ISTIO_GATEWAY, broken({ mode: "SIMPLE" })), [
                "spec.servers[0]: an HTTPS server needs tls.mode, and SIMPLE needs credentialName",
            ]);
            assert.deepEqual(
                validateCustomObject(ISTIO_GATEWAY, {
                    ...gw,
                    spec: { ...gw.spec, servers: [{ ...https, port: { number: 443, protocol: "HTTPS" } }] },
                }),
                ["spec.servers[0].port.name: required"],
            );
        });
    });
});
