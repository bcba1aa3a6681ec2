// `npm run plan`: the real command for dev (one process, started when this file loads so it runs
// while other tests do) and the same main() in-process for prod; results are shared across tests, the README's
// diagram kept equal to the tool's output, and the error paths in-process.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main as check } from "../../tools/check";
import { main as plan, PlanReport } from "../../tools/plan";
import { assertReadmeMermaid } from "../docs/readmeBlock";
import { once, ROOT, RunResult, runInProcess, spawnTool } from "./run";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
const devExport = path.join(tmp, "dev-export.json");

const planDev = once(() =>
    spawnTool("tools/plan.ts", ["--stack", "dev", "--format", "json", "--out", devExport]),
);
// prod runs in-process through the same main(): one real spawn (dev) proves the command works as
// users run it, and a second cold process would cost more than the rest of this file. Pulumi.prod.yaml
// as shipped stops until the user says who may reach the Kubernetes API: this copy says so.
const prodRoot = fs.mkdtempSync(path.join(os.tmpdir(), "plan-prod-"));
fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(prodRoot, "Pulumi.yaml"));
fs.writeFileSync(
    path.join(prodRoot, "Pulumi.prod.yaml"),
    fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8") +
        "  istio-eks-nlb:endpointPublicAccessCidrs:\n    - 203.0.113.0/24\n",
);
const planProd = once(() =>
    runInProcess(
        (argv, io) => plan(argv, io, { configRoot: prodRoot }),
        ["--stack", "prod", "--format", "json"],
    ),
);
// Start the spawn now: it is the most expensive part of the suite (it loads the AWS SDKs).
planDev();

function report(r: RunResult): PlanReport {
    assert.equal(r.code, 0, `plan exit code; stderr: ${r.stderr}`);
    return JSON.parse(r.stdout) as PlanReport;
}

describe("npm run plan", function () {
    // Two cold processes importing @pulumi/aws, @pulumi/eks and @pulumi/kubernetes.
    this.timeout(60000);
    let dev: PlanReport, prod: PlanReport;
    before(async () => {
        const [d, p] = await Promise.all([planDev(), planProd()]);
        dev = report(d);
        prod = report(p);
    });
    after(() => {
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.rmSync(prodRoot, { recursive: true, force: true });
    });

    for (const stack of ["dev", "prod"] as const) {
        describe(stack, () => {
            const r = () => (stack === "dev" ? dev : prod);

            it("counts every recorded resource once, by component and by type", () => {
                const byType = Object.values(r().byType).reduce((a, b) => a + b, 0);
                assert.equal(byType, r().resources);
                const roots = r().components.reduce((n, c) => n + c.total + (c.type ? 1 : 0), 0);
                assert.equal(roots, r().resources, "component totals cover all resources");
                assert.deepEqual(
                    r().components.map((c) => c.type),
                    ["istio-eks-nlb:platform:IstioEksPlatform"],
                );
            });

            it("derives the path Client -> one NLB -> TCP 80/443 -> ip target groups -> the Istio gateway", () => {
                const { loadBalancers, gateways } = r().path;
                assert.equal(loadBalancers.length, 1, "exactly one load balancer");
                const [nlb] = loadBalancers;
                assert.equal(nlb.kind, "network");
                assert.equal(nlb.crossZone, true);
                assert.deepEqual(
                    nlb.listeners.map((l) => `${l.protocol}:${l.port}`),
                    ["TCP:80", "TCP:443"],
                );
                for (const l of nlb.listeners) {
                    assert.equal(l.targetGroups.length, 1);
                    const [tg] = l.targetGroups;
                    assert.equal(tg.targetType, "ip");
                    assert.equal(tg.healthCheck, "HTTP:15021/healthz/ready");
                    assert.deepEqual(
                        tg.bindings.map((b) => `${b.namespace}/${b.service}:${b.port}`),
                        [`istio-ingress/istio-ingressgateway:${l.port}`],
                    );
                }
                assert.deepEqual(
                    gateways.map((g) => g.service),
                    ["istio-ingress/istio-ingressgateway"],
                );
                assert.match(gateways[0].source, /^Helm chart gateway \d+\.\d+\.\d+/);
            });

            it("passes the policy pack (no mandatory violation)", () => {
                assert.deepEqual(
                    r().violations.filter((v) => v.enforcementLevel === "mandatory"),
                    [],
                );
            });
        });
    }

    it("dev and prod differ as configured: NAT per AZ, 3 AZs, KMS, sample app routes only in dev", () => {
        assert.equal(dev.byType["aws:ec2/natGateway:NatGateway"], 1);
        assert.equal(prod.byType["aws:ec2/natGateway:NatGateway"], 3);
        assert.equal(dev.byType["aws:ec2/subnet:Subnet"], 4);
        assert.equal(prod.byType["aws:ec2/subnet:Subnet"], 6);
        assert.ok(prod.byType["aws:kms/key:Key"] >= 1, "prod encrypts secrets with KMS");
        assert.deepEqual(
            dev.path.routes.map((x) => `${x.kind} <- ${x.from}`),
            ["Gateway <- istio-ingress/istio-ingressgateway", "VirtualService <- sample/hello"],
        );
        assert.deepEqual(prod.path.routes, []);
        assert.ok(prod.resources > dev.resources);
    });

    it("--out writes a stack export that npm run check accepts, with the same verdict", async () => {
        const r = await runInProcess(check, ["--format", "json", devExport]);
        assert.equal(r.code, 0, r.stderr);
        const checked = JSON.parse(r.stdout);
        // Provider resources (the cluster's kubernetes provider, the platform's aws provider) are not counted by check.
        const providers = Object.entries(dev.byType)
            .filter(([type]) => type.startsWith("pulumi:providers:"))
            .reduce((n, [, count]) => n + count, 0);
        assert.equal(checked.resources, dev.resources - providers);
        assert.equal(checked.violations.length, dev.violations.length);
    });

    it("README's diagram (block plan:dev:mermaid) is plan --stack dev --format mermaid", () => {
        assertReadmeMermaid(
            "plan:dev:mermaid",
            dev.mermaid,
            "npm run --silent plan -- --stack dev --format mermaid",
        );
    });
});

describe("npm run plan: errors (in-process)", () => {
    let root: string;
    before(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-config-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
        const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
        fs.writeFileSync(
            path.join(root, "Pulumi.dev.yaml"),
            dev.replace(/(istio-eks-nlb:nlbScheme:).*/, "$1 public"),
        );
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("an invalid stack config fails with the program's own message, exit 2, no stack trace", async () => {
        const r = await runInProcess((argv, io) => plan(argv, io, { configRoot: root }), ["--stack", "dev"]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.match(
            r.stderr,
            /^plan: stack "dev": Invalid config "istio-eks-nlb:nlbScheme": "public" must be one of /,
        );
        assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    });

    it("prod as shipped stops before anything is planned, naming endpointPublicAccessCidrs and how to set it", async () => {
        const r = await runInProcess(plan, ["--stack", "prod"]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.match(
            r.stderr,
            /^plan: stack "prod": Invalid config "istio-eks-nlb:endpointPublicAccessCidrs": \[\] must list the CIDRs allowed to reach the public Kubernetes API endpoint .*pulumi config set --path 'endpointPublicAccessCidrs\[0\]'/,
        );
        // The error names the stack that was planned: the last --stack, however it is written.
        const twice = await runInProcess(plan, ["--stack", "dev", "--stack=prod"]);
        assert.equal(twice.code, 2);
        assert.match(
            twice.stderr,
            /^plan: stack "prod": Invalid config "istio-eks-nlb:endpointPublicAccessCidrs"/,
        );
    });

    it("an unknown stack is named, with the stacks that exist", async () => {
        const r = await runInProcess(plan, ["--stack", "staging"]);
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^plan: --stack: unknown stack "staging": no Pulumi\.staging\.yaml at the project root; stacks: dev, prod\n/,
        );
    });

    it("rejects a bad --format and stray arguments", async () => {
        assert.match(
            (await runInProcess(plan, ["--format", "svg"])).stderr,
            /^plan: --format: "svg" is not allowed; use one of text, json, mermaid/,
        );
        assert.match((await runInProcess(plan, ["dev"])).stderr, /^plan: dev: unexpected argument/);
    });
});
