// docs/examples/github-actions.yml is what teams copy into their pipelines: it must run the project's
// real commands. Parsed here, so that renaming a script, the pack's folder or the pinned CLI breaks
// this test rather than the copies.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { POLICY_PACK } from "../../tools/deploy";
import { FIXTURE_STACKS } from "../harness/pulumiMocks";
import { ROOT } from "./readmeBlock";

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    needs?: string | string[];
    permissions?: Record<string, string>;
    strategy?: { matrix?: Record<string, unknown> };
    env?: Record<string, string>;
    steps: Step[];
}

const FILE = path.join(ROOT, "docs", "examples", "github-actions.yml");

describe("docs/examples/github-actions.yml", () => {
    const workflow = YAML.parse(fs.readFileSync(FILE, "utf8")) as { on: unknown; jobs: Record<string, Job> };
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const runs = (job: Job) => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
    const { test, preview } = workflow.jobs;

    it("runs on pull requests and pushes, with two jobs: test, then a preview per stack", () => {
        assert.ok(workflow.on && typeof workflow.on === "object" && "pull_request" in workflow.on);
        assert.ok("push" in (workflow.on as object));
        assert.deepEqual(Object.keys(workflow.jobs), ["test", "preview"]);
        assert.equal(preview.needs, "test");
    });

    it("test: npm ci && npm test, then npm run lint, as the project defines them", () => {
        assert.deepEqual(runs(test), ["npm ci && npm test", "npm run lint"]);
        assert.equal(typeof pkg.scripts.test, "string");
        assert.equal(typeof pkg.scripts.lint, "string");
    });

    it("preview: for dev and prod, pulumi preview with the policy pack, through the CLI package.json pins", () => {
        const stacks = preview.strategy?.matrix?.stack as string[];
        assert.deepEqual(stacks, ["dev", "prod"]);
        for (const stack of stacks)
            assert.ok(
                fs.existsSync(path.join(FIXTURE_STACKS, `Pulumi.${stack}.yaml`)),
                `a shipped ${stack} stack`,
            );
        assert.deepEqual(runs(preview), [
            "npm ci",
            'npx pulumi login "$PULUMI_BACKEND_URL"',
            `npx pulumi preview --stack \${{ matrix.stack }} --policy-pack ${POLICY_PACK}`,
        ]);
        // `npx pulumi` is the launcher of the devDependency `pulumi`, pinned to one exact version.
        assert.match(pkg.devDependencies.pulumi, /^\d+\.\d+\.\d+$/);
        assert.ok(fs.existsSync(path.join(ROOT, POLICY_PACK, "PulumiPolicy.yaml")), "the pack's folder");
    });

    it("preview: AWS credentials from OIDC (a role to assume, no keys), the backend from secrets", () => {
        assert.equal(preview.permissions?.["id-token"], "write");
        const aws = preview.steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        assert.equal(aws.length, 1);
        assert.match(String(aws[0].with?.["role-to-assume"]), /^\$\{\{ (vars|secrets)\.[A-Z_]+ \}\}$/);
        assert.deepEqual(
            Object.keys(aws[0].with ?? {}).filter((k) => /key|token/i.test(k)),
            [],
            "no stored AWS keys",
        );
        assert.equal(preview.env?.PULUMI_BACKEND_URL, "${{ secrets.PULUMI_BACKEND_URL }}");
        assert.equal(preview.env?.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
        const login = preview.steps.findIndex((s) => s.run?.includes("pulumi login"));
        const run = preview.steps.findIndex((s) => s.run?.includes("pulumi preview"));
        assert.ok(
            preview.steps.indexOf(aws[0]) < run && login < run,
            "credentials and login before the preview",
        );
    });
});
