// Observability (issue 18), as recorded from index.ts in every mode: the NLB's alarms and their one
// encrypted topic in every mode, access logs and tracing through the Telemetry API, and the config
// keys refused with exact messages before anything is registered.
import { strict as assert } from "assert";
import { query, RecordedResource, recordStack, RecordResult, MOCK_ACCOUNT } from "../harness/pulumiMocks";
import { PROD_DECISIONS } from "../harness/decisions";
import { readConfig } from "../harness/readConfig";
import { DECLARED_SCHEMA, isDevStack, readSettings } from "../../components/config";
import { nlbAlarmSpecs, NLB_METRICS_NAMESPACE } from "../../components/nlbAlarms";
import { ACCESS_LOG_PROVIDER, TRACING_PROVIDER } from "../../components/meshTelemetry";
import { alarmTopicPolicy } from "../../components/alarmTopic";

const T = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    key: "aws:kms/key:Key",
    tg: "aws:lb/targetGroup:TargetGroup",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    chart: "kubernetes:helm.sh/v4:Chart",
    telemetry: "kubernetes:telemetry.istio.io/v1:Telemetry",
};

type Run = RecordResult<Record<string, unknown>>;
const istiod = (rs: RecordedResource[]) =>
    query.ofType(rs, T.chart).find((c) => c.inputs.chart === "istiod")!;

describe("observability (issue 18)", function () {
    this.timeout(60000);
    let dev: Run;
    let prod: Run;
    let none: Run;
    let traced: Run;
    before(async () => {
        dev = await recordStack("dev");
        prod = await recordStack("prod", { overrides: PROD_DECISIONS });
        none = await recordStack("dev", {
            overrides: { observability: "none", alarmEmail: "oncall@example.com" },
        });
        traced = await recordStack("dev", {
            overrides: {
                tracingEndpoint: "otel-collector.tracing.svc.cluster.local:4317",
                tracingSamplingPercent: "0.5",
            },
        });
    });

    describe("config", () => {
        it("defaults: inCluster in Pulumi.yaml and the dev stack, managed in prod; no tracing, no e-mail, no anonymous Kiali", () => {
            assert.equal(DECLARED_SCHEMA.observability.default, "inCluster");
            assert.equal(readConfig({}).observability, "inCluster");
            const prodSettings = readSettings(
                {
                    "istio-eks-nlb:observability": "managed",
                    "istio-eks-nlb:endpointPublicAccessCidrs": '["203.0.113.0/24"]',
                },
                { stack: "prod", region: "us-west-2" },
            );
            assert.equal(prodSettings.observability, "managed");
            const s = readConfig({});
            assert.equal(s.tracingEndpoint, undefined);
            assert.equal(s.alarmEmail, "");
            assert.equal(s.kialiAnonymous, false);
        });

        const rejected: [string, Record<string, unknown>, string][] = [
            [
                "an unknown mode",
                { observability: "prometheus" },
                'Invalid config "istio-eks-nlb:observability": "prometheus" must be one of none|inCluster|managed',
            ],
            [
                "an address that is not an e-mail",
                { alarmEmail: "oncall" },
                'Invalid config "istio-eks-nlb:alarmEmail": "oncall" must be an e-mail address like "oncall@example.com", or empty',
            ],
            [
                "a sampling rate above 100",
                { tracingSamplingPercent: "150" },
                'Invalid config "istio-eks-nlb:tracingSamplingPercent": "150" must be a percentage from 0 to 100 with at most two decimals, like "1" or "0.5"',
            ],
            [
                "a negative sampling rate",
                { tracingSamplingPercent: "-1" },
                'Invalid config "istio-eks-nlb:tracingSamplingPercent": "-1" must be a percentage from 0 to 100 with at most two decimals, like "1" or "0.5"',
            ],
            [
                "a tracing endpoint without a port",
                { tracingEndpoint: "otel-collector" },
                'Invalid config "istio-eks-nlb:tracingEndpoint": "otel-collector" must be "host:port" of an OpenTelemetry (OTLP gRPC) collector, like "otel-collector.observability.svc.cluster.local:4317" (lowercase DNS name or IPv4 address, port 1-65535), or empty for no tracing',
            ],
            [
                "a tracing endpoint with port 0",
                { tracingEndpoint: "collector:0" },
                'Invalid config "istio-eks-nlb:tracingEndpoint": "collector:0" must be "host:port" of an OpenTelemetry (OTLP gRPC) collector, like "otel-collector.observability.svc.cluster.local:4317" (lowercase DNS name or IPv4 address, port 1-65535), or empty for no tracing',
            ],
            [
                "a retention of 0 days",
                { prometheusRetentionDays: 0 },
                'Invalid config "istio-eks-nlb:prometheusRetentionDays": 0 must be an integer from 1 to 365',
            ],
            [
                "anonymous Kiali without Kiali",
                { observability: "none", kialiAnonymous: true },
                'Invalid config "istio-eks-nlb:kialiAnonymous": true must be false when observability is "none" (no Kiali is installed)',
            ],
        ];
        for (const [what, values, message] of rejected) {
            it(`refuses ${what}, naming the key`, () => {
                assert.throws(() => readConfig(values), { name: "ConfigError", message });
            });
        }

        it("anonymous Kiali only on development stacks by name, never by default", () => {
            assert.equal(DECLARED_SCHEMA.kialiAnonymous.default, false);
            const read = (stack: string) =>
                readSettings(
                    {
                        "istio-eks-nlb:kialiAnonymous": "true",
                        "istio-eks-nlb:endpointPublicAccessCidrs": '["203.0.113.0/24"]',
                    },
                    { stack, region: "us-west-2" },
                );
            for (const stack of ["dev", "dev-alice", "team-dev"])
                assert.equal(read(stack).kialiAnonymous, true);
            for (const stack of ["prod", "staging", "devops", "prod-dev-copy"]) {
                assert.throws(() => read(stack), {
                    name: "ConfigError",
                    message: `Invalid config "istio-eks-nlb:kialiAnonymous": true must be false on stack "${stack}": anonymous Kiali is allowed on development stacks only (named dev, dev-* or *-dev); log in with a token instead (docs/observability.md)`,
                });
            }
            assert.equal(isDevStack("devops"), false);
        });

        it("accepts decimal sampling rates and IPv4 or DNS collectors", () => {
            const s = readConfig({ tracingEndpoint: "10.0.3.7:4317", tracingSamplingPercent: "0.25" });
            assert.deepEqual(s.tracingEndpoint, { host: "10.0.3.7", port: 4317 });
            assert.equal(s.tracingSamplingPercent, 0.25);
        });
    });

    describe("NLB alarms, in every mode", () => {
        for (const [label, run, min] of [
            ["dev (inCluster)", () => dev, 1],
            ["prod (managed)", () => prod, 3],
            ["observability none", () => none, 1],
        ] as const) {
            it(`${label}: each target group alarms on unhealthy hosts, healthy hosts below ${min} and target resets, in AWS/NetworkELB by its and the NLB's ARN suffixes, to the one topic`, () => {
                const rs = run().resources;
                const lb = query.one(rs, T.lb);
                const tgs = query.ofType(rs, T.tg);
                const alarms = query.ofType(rs, T.alarm);
                const topic = query.one(rs, T.topic);
                assert.equal(tgs.length, 2);
                assert.equal(alarms.length, tgs.length * 3);
                for (const tg of tgs) {
                    const mine = alarms.filter(
                        (a) => a.inputs.dimensions.TargetGroup === tg.outputs.arnSuffix,
                    );
                    assert.deepEqual(mine.map((a) => a.inputs.metricName).sort(), [
                        "HealthyHostCount",
                        "TCP_Target_Reset_Count",
                        "UnHealthyHostCount",
                    ]);
                    assert.match(tg.outputs.arnSuffix, /^targetgroup\//);
                    for (const a of mine) {
                        assert.equal(a.inputs.namespace, NLB_METRICS_NAMESPACE);
                        assert.deepEqual(a.inputs.dimensions, {
                            TargetGroup: tg.outputs.arnSuffix,
                            LoadBalancer: lb.outputs.arnSuffix,
                        });
                        assert.deepEqual(a.inputs.alarmActions, [topic.outputs.arn]);
                        assert.deepEqual(a.inputs.okActions, [topic.outputs.arn]);
                    }
                    const healthy = mine.find((a) => a.inputs.metricName === "HealthyHostCount")!;
                    assert.equal(healthy.inputs.comparisonOperator, "LessThanThreshold");
                    assert.equal(healthy.inputs.threshold, min);
                    assert.equal(healthy.inputs.statistic, "Minimum");
                    const unhealthy = mine.find((a) => a.inputs.metricName === "UnHealthyHostCount")!;
                    assert.equal(unhealthy.inputs.comparisonOperator, "GreaterThanThreshold");
                    assert.equal(unhealthy.inputs.threshold, 0);
                }
            });
        }

        it("the alarms wait for the topic policy that lets CloudWatch publish", () => {
            const rs = prod.resources;
            const policy = query.one(rs, T.topicPolicy);
            for (const a of query.ofType(rs, T.alarm))
                assert.ok(a.dependencies!.includes(policy.urn), a.name);
        });

        it("the healthy-host threshold follows gatewayReplicas", () => {
            assert.equal(nlbAlarmSpecs(5).find((s) => s.metricName === "HealthyHostCount")!.threshold, 5);
        });
    });

    describe("the alarm topic", () => {
        it("is encrypted with its own rotating key, which CloudWatch (and AMP in managed) may use", () => {
            for (const [run, services] of [
                [dev, ["cloudwatch.amazonaws.com"]],
                [prod, ["cloudwatch.amazonaws.com", "aps.amazonaws.com"]],
            ] as const) {
                const rs = run.resources;
                const key = query.one(rs, T.key, "-alarms-key");
                const topic = query.one(rs, T.topic);
                assert.equal(topic.inputs.kmsMasterKeyId, key.outputs.arn);
                assert.equal(key.inputs.enableKeyRotation, true);
                const statements = JSON.parse(key.inputs.policy).Statement;
                const publish = statements.find((st: any) => st.Sid === "PublishersEncrypt");
                assert.deepEqual(publish.Principal.Service, services);
                assert.deepEqual(publish.Action, ["kms:GenerateDataKey*", "kms:Decrypt"]);
            }
        });

        it("its policy admits this account's alarms, and this account's AMP workspaces only in managed", () => {
            const devPolicy = JSON.parse(query.one(dev.resources, T.topicPolicy).inputs.policy);
            const prodPolicy = JSON.parse(query.one(prod.resources, T.topicPolicy).inputs.policy);
            assert.deepEqual(
                devPolicy.Statement.map((s: any) => s.Principal.Service),
                ["cloudwatch.amazonaws.com"],
            );
            const cw = prodPolicy.Statement[0];
            assert.deepEqual(cw.Condition, {
                StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
                ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-west-2:${MOCK_ACCOUNT}:alarm:*` },
            });
            const amp = prodPolicy.Statement[1];
            assert.equal(amp.Principal.Service, "aps.amazonaws.com");
            assert.deepEqual(amp.Action, ["sns:Publish", "sns:GetTopicAttributes"]);
            assert.equal(
                amp.Condition.ArnLike["aws:SourceArn"],
                `arn:aws:aps:us-west-2:${MOCK_ACCOUNT}:workspace/*`,
            );
            const topic = query.one(prod.resources, T.topic);
            for (const s of prodPolicy.Statement) assert.equal(s.Resource, topic.outputs.arn);
            // GovCloud: the ARNs follow the partition.
            const gov = alarmTopicPolicy(
                "arn:aws-us-gov:sns:us-gov-west-1:1:t",
                { partition: "aws-us-gov", region: "us-gov-west-1", accountId: "1" },
                true,
            ) as any;
            assert.match(
                gov.Statement[1].Condition.ArnLike["aws:SourceArn"],
                /^arn:aws-us-gov:aps:us-gov-west-1:1:/,
            );
        });

        it("alarmEmail subscribes its address; no address, no subscription", () => {
            const sub = query.one(none.resources, T.subscription);
            assert.equal(sub.inputs.protocol, "email");
            assert.equal(sub.inputs.endpoint, "oncall@example.com");
            assert.equal(sub.inputs.topic, query.one(none.resources, T.topic).outputs.arn);
            assert.equal(query.ofType(dev.resources, T.subscription).length, 0);
        });
    });

    describe("access logs and tracing through the Telemetry API", () => {
        it("with a metrics backend: one mesh-wide Telemetry selects a JSON access log provider istiod declares; no meshConfig.accessLogFile", () => {
            for (const run of [dev, prod]) {
                const rs = run.resources;
                const values = istiod(rs).inputs.values;
                assert.equal(values.meshConfig.accessLogFile, undefined);
                assert.deepEqual(values.meshConfig.extensionProviders, [
                    {
                        name: ACCESS_LOG_PROVIDER,
                        envoyFileAccessLog: { path: "/dev/stdout", logFormat: { labels: {} } },
                    },
                ]);
                const telemetry = query.one(rs, T.telemetry);
                assert.deepEqual(telemetry.inputs.metadata, {
                    name: "mesh-default",
                    namespace: "istio-system",
                });
                assert.deepEqual(telemetry.inputs.spec, {
                    accessLogging: [{ providers: [{ name: ACCESS_LOG_PROVIDER }] }],
                });
                assert.ok(telemetry.dependencies!.includes(istiod(rs).urn), "after istiod");
            }
        });

        it("observability none: no access logs, no Telemetry, no mesh providers", () => {
            const rs = none.resources;
            assert.equal(query.ofType(rs, T.telemetry).length, 0);
            assert.equal(istiod(rs).inputs.values.meshConfig, undefined);
        });

        it("tracingEndpoint: an OpenTelemetry provider and randomSamplingPercentage on the same Telemetry", () => {
            const rs = traced.resources;
            const providers = istiod(rs).inputs.values.meshConfig.extensionProviders;
            assert.deepEqual(providers[1], {
                name: TRACING_PROVIDER,
                opentelemetry: { service: "otel-collector.tracing.svc.cluster.local", port: 4317 },
            });
            const spec = query.one(rs, T.telemetry).inputs.spec;
            assert.deepEqual(spec.tracing, [
                { providers: [{ name: TRACING_PROVIDER }], randomSamplingPercentage: 0.5 },
            ]);
            assert.ok(spec.accessLogging, "access logs stay on");
        });
    });
});
