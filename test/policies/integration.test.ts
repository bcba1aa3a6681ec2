// Integration: the platform (index.ts -> components/) recorded under mocks goes through the pack with
// every recorded resource and its dependencies: zero mandatory violations, at a full run (dev) and at
// preview (prod). The same program with an ALB put in front of its gateway is rejected, chain named.
// Then the same recordings go over gRPC to the pack started exactly as `pulumi preview --policy-pack
// policies` starts it, so the pack stays loadable by the real engine whatever the in-process tests say.
import { strict as assert } from "assert";
import { evaluateStack } from "../../policies/lib/evaluate";
import type { StackResource } from "../../policies/lib/types";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";
import { recordStack } from "../harness/pulumiMocks";
import { albInFront } from "../harness/albInFront";
import { PROD_DECISIONS } from "../harness/decisions";
import { once } from "../tools/run";
import { startPolicyPack } from "../harness/policyPackProcess";
import {
    toAnalyzeStackRequest,
    toViolations,
    levelName,
    analyzerPb,
    structPb,
} from "../harness/analyzerWire";
import { policies } from "../../policies/policies";
import { PACK_NAME, PACK_VERSION } from "../../policies/lib/pack";
import { UNKNOWN } from "../../policies/lib/types";

interface Recorded {
    withAlb: StackResource[];
    platform: StackResource[];
}

// One recording per stack for the whole file: the platform alone is the recording minus the user's front-* resources.
const recorded = {
    dev: once(() => record("dev", false)),
    prod: once(() => record("prod", true)),
};
async function record(stackName: string, preview: boolean): Promise<Recorded> {
    // prod as shipped asks who may reach the Kubernetes API: answer as a user would.
    const overrides = stackName === "prod" ? PROD_DECISIONS : undefined;
    const withAlb = (await recordStack(stackName, { preview, extend: albInFront, overrides })).resources;
    const platform = withAlb.filter((r) => !r.name.startsWith("front-"));
    assert.equal(withAlb.length - platform.length, 4);
    return { withAlb, platform };
}

/**
 * The stack as a first `pulumi preview` shows it: nothing exists yet, so every ARN (which AWS
 * assigns on creation) is unknown. The mocks return ARNs even at preview; this puts the engine's
 * unknown marker in their place.
 */
function withUnknownArns(resources: StackResource[]): StackResource[] {
    const blank = (v: unknown): unknown =>
        typeof v === "string" && v.startsWith("arn:aws")
            ? UNKNOWN
            : Array.isArray(v)
              ? v.map(blank)
              : v && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blank(x)]))
                : v;
    return resources.map((r) => ({ ...r, props: blank(r.props) as Record<string, unknown> }));
}

describe("integration: the platform under mocks through the policy pack", function () {
    this.timeout(60000);

    for (const [stackName, preview] of [
        ["dev", false],
        ["prod", true],
    ] as const) {
        const label = `${stackName}${preview ? " (preview)" : ""}`;
        let withAlb: StackResource[];
        let platform: StackResource[];
        before(async () => {
            ({ withAlb, platform } = await recorded[stackName]());
        });

        it(`${label}: zero mandatory violations`, async () => {
            assert.ok(
                platform.some((r) => r.type === "aws:lb/loadBalancer:LoadBalancer"),
                "the platform has its NLB",
            );
            const vs = await evaluateStack(platform);
            const mandatory = vs.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                mandatory.map((v) => v.message),
                [],
            );
            assert.deepEqual(
                vs.filter((v) => v.message.startsWith("can't run")).map((v) => v.message),
                [],
            );
        });

        it(`${label}: an ALB in front of the same gateway is rejected, chain named`, async () => {
            const vs = (await evaluateStack(withAlb)).filter(
                (v) => v.policyName === NO_ALB_POLICY_NAME && v.enforcementLevel === "mandatory",
            );
            assert.equal(vs.length, 1, vs.map((v) => v.message).join("\n---\n"));
            assert.ok(vs[0].urn!.endsWith("::front-alb"), vs[0].urn);
            for (const hop of [
                '"front-alb"',
                '"front-https"',
                '"front-tg"',
                '"front-tgb"',
                "kubernetes:core/v1:Service",
            ]) {
                assert.ok(vs[0].message.includes(hop), `${hop} missing:\n${vs[0].message}`);
            }
        });
    }
});

// Started once, when mocha loads this file: the CLI's runner type-checks the pack with ts-node
// before it serves (1-2 s), which now happens on the other core while the tests before these run,
// instead of the suite waiting for it. A failed start is reported by the before hook below.
const packStarting = startPolicyPack();
packStarting.catch(() => undefined);

describe("the pack as `pulumi preview --policy-pack policies` runs it, over gRPC", function () {
    this.timeout(180000);
    let pack: Awaited<ReturnType<typeof startPolicyPack>>;
    before(async () => {
        pack = await packStarting;
    });
    after(async () => {
        const exit = await pack?.stop();
        if (exit) {
            assert.equal(exit.signal, "SIGTERM", `the pack exited by itself: ${JSON.stringify(exit)}`);
            assert.equal(exit.stderr, "", "the pack wrote errors");
        }
    });

    it("prints its gRPC port and describes itself (GetAnalyzerInfo) as the engine reads it", async () => {
        assert.match(pack.port, /^\d+$/);
        const info = await pack.call(
            "getAnalyzerInfo",
            new (require("google-protobuf/google/protobuf/empty_pb").Empty)(),
        );
        assert.equal(info.getName(), PACK_NAME);
        assert.equal(info.getVersion(), PACK_VERSION);
        const listed = info
            .getPoliciesList()
            .map((p: any) => [p.getName(), levelName(p.getEnforcementlevel())]);
        assert.deepEqual(
            listed,
            policies.map((p) => [p.name, p.enforcementLevel]),
        );
        assert.deepEqual(listed[0], [NO_ALB_POLICY_NAME, "mandatory"]);
        // Configure as the engine does before analysing: each policy's level and its schema's defaults.
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        for (const p of info.getPoliciesList()) {
            const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
            const defaults: Record<string, unknown> = {};
            for (const [k, v] of Object.entries<any>(schema))
                if (v?.default !== undefined) defaults[k] = v.default;
            assert.deepEqual(
                defaults.gatewayServiceNames,
                ["istio-ingressgateway", "istio-ingress"],
                p.getName(),
            );
            const c = new analyzerPb.PolicyConfig();
            c.setEnforcementlevel(p.getEnforcementlevel());
            c.setProperties(structPb.Struct.fromJavaScript(defaults));
            req.getPolicyconfigMap().set(p.getName(), c);
        }
        await pack.call("configure", req);
    });

    for (const stackName of ["prod", "dev"] as const) {
        const preview = stackName === "prod";
        const label = preview ? "prod at a first preview (unknown ARNs)" : "dev after an update";
        const stackOf = async (which: keyof Recorded) => {
            const r = (await recorded[stackName]())[which];
            return preview ? withUnknownArns(r) : r;
        };

        it(`AnalyzeStack, ${label}: the platform is clean, exactly as the in-process evaluator says`, async () => {
            const platform = await stackOf("platform");
            const vs = toViolations(await pack.call("analyzeStack", toAnalyzeStackRequest(platform)));
            assert.deepEqual(
                vs.filter((v) => v.enforcementLevel === "mandatory" || v.message.startsWith("can't run")),
                [],
            );
            assert.deepEqual(vs, await evaluateStack(platform));
        });

        it(`AnalyzeStack, ${label}: an ALB chained to the gateway is a mandatory violation`, async () => {
            const withAlb = await stackOf("withAlb");
            const listener = withAlb.find((r) => r.name === "front-https")!;
            const tgb = withAlb.find((r) => r.name === "front-tgb")!;
            assert.deepEqual(
                [
                    listener.props.loadBalancerArn === UNKNOWN,
                    (tgb.props.spec as any).targetGroupARN === UNKNOWN,
                ],
                [preview, preview],
                "at a first preview the ARNs are unknown, after an update they are known",
            );
            const vs = toViolations(await pack.call("analyzeStack", toAnalyzeStackRequest(withAlb)));
            const mandatory = vs.filter((v) => v.enforcementLevel === "mandatory");
            assert.deepEqual(
                mandatory.map((v) => [v.policyName, v.urn!.split("::").pop()]),
                [[NO_ALB_POLICY_NAME, "front-alb"]],
            );
            assert.match(mandatory[0].message, /"front-https"[\s\S]*"front-tg"[\s\S]*"front-tgb"/);
            assert.ok(!vs.some((v) => v.message.startsWith("can't run")), "no policy gave up at preview");
            assert.deepEqual(vs, await evaluateStack(withAlb));
        });
    }
});
