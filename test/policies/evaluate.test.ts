// The evaluator's config handling, enforcement levels, exemptions and the preview trap.
import { strict as assert } from "assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { evaluateStack, PolicyConfigError, validatePolicyPackConfig } from "../../policies/lib/evaluate";
import { NO_ALB_POLICY_NAME } from "../../policies/noAlbInFrontOfIstioGateway";
import { policies } from "../../policies/policies";
import { albToGateway, stack } from "../harness/stackBuilder";

function chainStack() {
    const s = stack({ preview: true });
    albToGateway(s);
    return s.build();
}

async function noAlb(config: any) {
    return (await evaluateStack(chainStack(), { config })).filter((v) => v.policyName === NO_ALB_POLICY_NAME);
}

describe("evaluateStack: configuration", () => {
    it("defaults: the chain policy is mandatory", async () => {
        const vs = await noAlb(undefined);
        assert.deepEqual(
            vs.map((v) => v.enforcementLevel),
            ["mandatory"],
        );
    });

    it('"all" sets every level; a per-policy level wins over "all"', async () => {
        assert.deepEqual(
            (await noAlb({ all: "advisory" })).map((v) => v.enforcementLevel),
            ["advisory"],
        );
        assert.deepEqual(
            (await noAlb({ all: { enforcementLevel: "advisory" }, [NO_ALB_POLICY_NAME]: "mandatory" })).map(
                (v) => v.enforcementLevel,
            ),
            ["mandatory"],
        );
        const all = await evaluateStack(chainStack(), { config: { all: "mandatory" } });
        assert.ok(all.length > 1 && all.every((v) => v.enforcementLevel === "mandatory"));
    });

    it("disabled skips a policy; remediate counts as mandatory for a stack policy", async () => {
        assert.deepEqual(await noAlb({ [NO_ALB_POLICY_NAME]: "disabled" }), []);
        assert.deepEqual(await noAlb({ all: "disabled" }), []);
        assert.deepEqual(
            (await noAlb({ [NO_ALB_POLICY_NAME]: { enforcementLevel: "remediate" } })).map(
                (v) => v.enforcementLevel,
            ),
            ["mandatory"],
        );
    });

    it("an exempted chain is still reported, as advisory, with the reason", async () => {
        for (const resource of ["web-alb", "urn:pulumi:*::web-*", "istio-system/istio-ingressgateway"]) {
            const vs = await noAlb({
                [NO_ALB_POLICY_NAME]: { exemptions: [{ resource, reason: "ticket OPS-42" }] },
            });
            assert.equal(vs.length, 1, resource);
            assert.equal(vs[0].enforcementLevel, "advisory", resource);
            assert.match(vs[0].message, /Exempted \(reported as advisory\): .*ticket OPS-42/);
            assert.match(vs[0].message, /Remediation:/);
        }
        const other = await noAlb({
            [NO_ALB_POLICY_NAME]: { exemptions: [{ resource: "other-alb", reason: "x" }] },
        });
        assert.deepEqual(
            other.map((v) => v.enforcementLevel),
            ["mandatory"],
        );
    });

    it("every violation ends with its own policy's remediation steps", async () => {
        // An ALB chain and a gateway LoadBalancer Service without NLB annotations: four violations of
        // three policies, each to carry the remediationSteps its policy declares (lib/kit.ts adds them).
        const s = stack({ preview: true });
        albToGateway(s);
        s.gatewayService("lb", { type: "LoadBalancer" });
        const vs = await evaluateStack(s.build());
        assert.deepEqual([...new Set(vs.map((v) => v.policyName))].sort(), [
            "istio-gateway-health-check",
            "istio-gateway-service-nlb-annotations",
            NO_ALB_POLICY_NAME,
        ]);
        for (const v of vs) {
            const steps = policies.find((p) => p.name === v.policyName)!.remediationSteps!;
            assert.ok(v.message.endsWith(`\nRemediation: ${steps}`), `${v.policyName}:\n${v.message}`);
        }
    });

    it("rejects bad configs, naming the policy, the key, the value and what is allowed", () => {
        const bad: [unknown, RegExp][] = [
            [
                { "no-such-policy": "mandatory" },
                /"no-such-policy": unknown policy; the pack's policies are: all, no-alb/,
            ],
            [
                { all: "strict" },
                /"all": enforcement level "strict" is not allowed; expected one of advisory, mandatory, remediate, disabled/,
            ],
            [
                { [NO_ALB_POLICY_NAME]: { enforcementLevel: "warn" } },
                /enforcementLevel: enforcement level "warn"/,
            ],
            [
                { [NO_ALB_POLICY_NAME]: { exemptions: [{ resource: "x" }] } },
                /exemptions\[0\]: missing required key "reason"/,
            ],
            [
                { [NO_ALB_POLICY_NAME]: { gatewayServiceNames: "istio-ingress" } },
                /gatewayServiceNames: "istio-ingress" is not allowed; expected an array of a string/,
            ],
            [
                { [NO_ALB_POLICY_NAME]: { gatewayLabels: { istio: 1 } } },
                /gatewayLabels.istio: 1 is not allowed; expected a string/,
            ],
            [
                { [NO_ALB_POLICY_NAME]: { gatewayNames: [] } },
                /gatewayNames: unknown setting; allowed: enforcementLevel, gatewayServiceNames/,
            ],
            [[], /expected an object keyed by policy name/],
        ];
        for (const [config, re] of bad) {
            assert.throws(
                () => validatePolicyPackConfig(config, "cfg.json"),
                (e: unknown) => {
                    assert.ok(e instanceof PolicyConfigError);
                    assert.match((e as Error).message, /^cfg\.json: /);
                    assert.match((e as Error).message, re);
                    return true;
                },
            );
        }
        assert.doesNotThrow(() =>
            validatePolicyPackConfig({
                all: "advisory",
                [NO_ALB_POLICY_NAME]: {
                    enforcementLevel: "mandatory",
                    gatewayServiceNames: ["gw"],
                    exemptions: [],
                },
                "istio-gateway-health-check": "disabled",
            }),
        );
    });

    it("evaluateStack refuses a bad config", async () => {
        await assert.rejects(evaluateStack([], { config: { nope: "advisory" } as any }), PolicyConfigError);
    });

    it("getConfig gets schema defaults without enforcementLevel, like the CLI sends", async () => {
        let seen: any;
        const p: StackValidationPolicy = {
            name: "probe",
            description: "probe",
            configSchema: { properties: { a: { type: "string", default: "x" }, b: { type: "number" } } },
            validateStack: (args) => {
                seen = args.getConfig();
            },
        };
        await evaluateStack([], {
            policies: [p],
            config: { probe: { enforcementLevel: "mandatory", b: 2 } },
        });
        assert.deepEqual(seen, { a: "x", b: 2 });
    });
});

describe("evaluateStack: the preview trap, as the engine does it", () => {
    const naive: StackValidationPolicy = {
        name: "naive",
        description: "reads ARNs",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            for (const r of args.resources) {
                if (r.type.endsWith("listener:Listener") && r.props.loadBalancerArn.startsWith("arn:"))
                    report("found", r.urn);
            }
        },
    };

    it("a policy reading an unknown ARN is downgraded to an advisory can't-run message", async () => {
        const vs = await evaluateStack(chainStack(), { policies: [naive] });
        assert.equal(vs.length, 1);
        assert.equal(vs[0].enforcementLevel, "advisory");
        assert.match(
            vs[0].message,
            /^can't run policy 'naive' from policy pack 'istio-eks-nlb-guardrails@v[\d.]+' during preview: string value at \.loadBalancerArn can't be known during preview$/,
        );
    });

    it("resources are resolved like the engine's: dependencies, propertyDependencies, parent; unresolvable URNs dropped", async () => {
        const s = stack();
        const { listener, alb } = albToGateway(s);
        s.resources
            .find((r) => r.urn === listener.urn)!
            .dependencies!.push("urn:pulumi:test::proj::x:y:Z::gone");
        s.resources.find((r) => r.urn === listener.urn)!.parent = alb.urn;
        let checked = false;
        await evaluateStack(s.build(), {
            policies: [
                {
                    name: "probe",
                    description: "probe",
                    validateStack: (args) => {
                        const l = args.resources.find((r) => r.name === "web-https")!;
                        assert.equal(l.parent?.name, "web-alb");
                        assert.deepEqual(
                            l.dependencies.map((d) => d.name),
                            ["web-alb", "gw-tg"],
                        );
                        assert.deepEqual(
                            l.propertyDependencies.loadBalancerArn.map((d) => d.name),
                            ["web-alb"],
                        );
                        assert.equal(l.isType({ __pulumiType: "aws:lb/listener:Listener" } as any), true);
                        assert.equal(
                            l.asType({ __pulumiType: "aws:lb/targetGroup:TargetGroup" } as any),
                            undefined,
                        );
                        checked = true;
                    },
                },
            ],
        });
        assert.ok(checked);
    });
});
