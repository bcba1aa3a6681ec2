// The shared recorder itself: dependencies, unknowns at preview, config isolation between runs,
// and the stack-export shape the offline tools read.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { UNKNOWN } from "../../policies/lib/types";
import { loadFixtureStackConfig, recordProgram, recordStack, toStackExport } from "../harness/pulumiMocks";
import { PROD_DECISIONS } from "../harness/decisions";

class Box extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Box", name, {});
        this.registerOutputs({});
    }
}

function program() {
    const box = new Box("box");
    const sg = new aws.ec2.SecurityGroup("sg", { vpcId: "vpc-1" }, { parent: box });
    // `ownerId` is not returned by the mock: unknown during preview.
    const rule = new aws.vpc.SecurityGroupIngressRule(
        "rule",
        { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 1, toPort: 1, description: sg.ownerId },
        { parent: box, dependsOn: [sg] },
    );
    return {
        ruleId: rule.id,
        owner: sg.ownerId,
        secret: pulumi.secret("s"),
        cfg: new pulumi.Config().get("k"),
    };
}

describe("harness: recordProgram", () => {
    it("records type, parent, dependencies and property dependencies by URN", async () => {
        const { resources, outputs } = await recordProgram(program, { config: { k: "v1" } });
        const [box, sg, rule] = resources;
        assert.deepEqual(
            resources.map((r) => [r.type, r.custom]),
            [
                ["test:index:Box", false],
                ["aws:ec2/securityGroup:SecurityGroup", true],
                ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", true],
            ],
        );
        assert.equal(sg.parent, box.urn);
        assert.ok(rule.dependencies!.includes(sg.urn));
        assert.deepEqual(rule.propertyDependencies!.securityGroupId, [sg.urn]);
        assert.equal(rule.inputs.securityGroupId, sg.id);
        assert.equal(rule.props, rule.inputs);
        assert.equal(outputs.cfg, undefined, "plain values are not outputs");
    });

    it("at preview, unknown values become the UNKNOWN sentinel instead of hanging", async () => {
        const { resources, outputs, secretOutputs } = await recordProgram(program, { preview: true });
        assert.equal(outputs.owner, UNKNOWN);
        assert.equal(resources[2].inputs.description, UNKNOWN);
        assert.deepEqual(secretOutputs, ["secret"]);
    });

    it("replaces config on every run", async () => {
        const a = await recordProgram(() => ({ v: pulumi.output(new pulumi.Config().get("k")) }), {
            config: { k: "one" },
        });
        const b = await recordProgram(
            () => ({ v: pulumi.output(new pulumi.Config().get("k") ?? "none") }),
            {},
        );
        assert.equal(a.outputs.v, "one");
        assert.equal(b.outputs.v, "none");
    });

    it("toStackExport produces the `pulumi stack export` v3 shape", async () => {
        const { resources } = await recordProgram(program);
        const exp = toStackExport(resources);
        assert.equal(exp.version, 3);
        const rule = exp.deployment.resources[2] as any;
        assert.deepEqual(
            Object.keys(rule).sort(),
            [
                "custom",
                "dependencies",
                "id",
                "inputs",
                "outputs",
                "parent",
                "propertyDependencies",
                "type",
                "urn",
            ].sort(),
        );
        assert.match(
            rule.urn,
            /^urn:pulumi:dev::istio-eks-nlb::test:index:Box\$aws:vpc\/securityGroupIngressRule/,
        );
    });

    it("loadStackConfig overlays the stack file on the Pulumi.yaml defaults", () => {
        const cfg = loadFixtureStackConfig("dev");
        assert.equal(cfg["aws:region"], "us-west-2");
        assert.equal(cfg["istio-eks-nlb:azCount"], 2); // stack file
        assert.equal(cfg["istio-eks-nlb:istioVersion"], "1.27.3"); // Pulumi.yaml default
    });

    it("recordStack shares a run per stack, mode and resolved config, frozen; extend runs afresh", async () => {
        // Configs other test files record too, so that this costs one program run (the extend one).
        const dev = await recordStack("dev");
        // The same config spelled out (namespaced keys, the stack file's values) is the same run.
        assert.equal(await recordStack("dev", { config: loadFixtureStackConfig("dev") }), dev);
        assert.equal(await recordStack("dev", { overrides: { azCount: 2 } }), dev);
        const noKarpenter = await recordStack("dev", { overrides: { karpenterEnabled: false } });
        assert.notEqual(noKarpenter, dev);
        assert.ok(noKarpenter.resources.length > 0 && noKarpenter.resources.length < dev.resources.length);
        const prod = await recordStack("prod", { overrides: PROD_DECISIONS });
        const prodPreview = await recordStack("prod", { preview: true, overrides: PROD_DECISIONS });
        assert.notEqual(prodPreview, prod);
        assert.ok(Object.isFrozen(dev.resources) && Object.isFrozen(dev.resources[0].inputs));
        assert.throws(() => (dev.resources as unknown as unknown[]).pop(), TypeError);
        const extended = await recordStack("dev", { extend: () => undefined });
        assert.notEqual(extended, dev);
        assert.ok(!Object.isFrozen(extended.resources));
    });
});
