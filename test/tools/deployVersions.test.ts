// The deploy preflight and versions (issue 15, items 2 and 5): the pinned versions' support status is
// printed before pulumi runs (warnings only, for the injected day), and before an `up` the live
// cluster's version, read with `aws eks describe-cluster` through the faked environment, must be the
// target minor or the one before it: a jump or a downgrade stops with both versions and the next
// allowed one; a missing cluster or an unreadable one does not stop anything.
import { strict as assert } from "assert";
import * as path from "path";
import { parseDay } from "../../policies/lib/support";
import { main } from "../../tools/deploy";
import type { DeployEnvironment } from "../../tools/deploy/preflight";
import { runInProcess } from "./run";

const ROOT = path.join(path.sep, "proj");
const HOME = path.join(path.sep, "home", "u");
const AWS = path.join(path.sep, "usr", "bin", "aws");
const PROJECT = [
    "name: istio-eks-nlb",
    "runtime: nodejs",
    "config:",
    "  kubernetesVersion: { type: string, default: '1.33' }",
    "  istioVersion: { type: string, default: 1.27.3 }",
    "  lbcChartVersion: { type: string, default: 1.13.4 }",
    "  clusterName: { type: string, default: '' }",
    "",
].join("\n");

interface AwsCall {
    command: string;
    args: string[];
}

/** A machine where every prerequisite is met; `stack` is extra stack config, `aws` answers describe-cluster. */
function machine(
    stack: string,
    aws: () => { code: number; stdout: string; stderr: string },
    calls: AwsCall[],
) {
    const files: Record<string, string> = {
        [path.join(ROOT, "Pulumi.yaml")]: PROJECT,
        [path.join(ROOT, "Pulumi.dev.yaml")]: `config:\n  aws:region: eu-west-1\n${stack}`,
        [path.join(HOME, ".aws", "credentials")]: "[default]\naws_access_key_id = AKIAEXAMPLE\n",
        [path.join(HOME, ".pulumi", "credentials.json")]: JSON.stringify({
            current: "https://api.pulumi.com",
        }),
    };
    const e: DeployEnvironment = {
        env: { PATH: path.dirname(AWS) },
        platform: "linux",
        isExecutable: (f) => f === AWS,
        readFile: (f) => files[f],
        homedir: HOME,
        run: (command, args) => {
            calls.push({ command, args });
            return aws();
        },
    };
    return e;
}

async function deploy(
    action: string,
    stack: string,
    aws: () => { code: number; stdout: string; stderr: string },
) {
    const awsCalls: AwsCall[] = [];
    const pulumiCalls: string[] = [];
    const r = await runInProcess(
        (argv, io) =>
            main(argv, io, {
                root: ROOT,
                environment: machine(stack, aws, awsCalls),
                today: parseDay("2026-12-04"),
                pulumi: async (args) => {
                    pulumiCalls.push(args.join(" "));
                    return { code: 0, stdout: "", stderr: "" };
                },
            }),
        [action, "--stack", "dev"],
    );
    return { ...r, awsCalls, pulumiCalls };
}

const live = (version: string) => () => ({ code: 0, stdout: `${version}\n`, stderr: "" });
const K8S = (v: string) => `  istio-eks-nlb:kubernetesVersion: "${v}"\n`;

describe("deploy preflight: versions", () => {
    it("up one minor: reads the live version with the AWS CLI, prints the support status, then runs pulumi up", async () => {
        const r = await deploy("up", K8S("1.34"), live("1.33"));
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.awsCalls, [
            {
                command: AWS,
                args: [
                    "eks",
                    "describe-cluster",
                    "--name",
                    "istio-eks-nlb-dev",
                    "--region",
                    "eu-west-1",
                    "--query",
                    "cluster.version",
                    "--output",
                    "text",
                ],
            },
        ]);
        assert.match(r.stdout, /deploy: support status on 2026-12-04 \(docs\/support\.md\):\n/);
        assert.match(
            r.stdout,
            / {2}warning: kubernetesVersion 1\.34: EKS standard support ended 2026-12-02; extended support \(until 2027-12-02\) bills the control plane \$0\.60\/h per cluster instead of \$0\.10\/h/,
        );
        assert.match(
            r.stdout,
            / {2}warning: istioVersion 1\.27\.3: Istio 1\.27 reached end of life on 2026-04-07/,
        );
        assert.match(
            r.stdout,
            /deploy: cluster istio-eks-nlb-dev runs Kubernetes 1\.33; kubernetesVersion is 1\.34\n/,
        );
        assert.deepEqual(r.pulumiCalls, [
            "stack select --stack dev --non-interactive",
            "up --stack dev --policy-pack policies",
        ]);
    });

    it("up two minors ahead stops before pulumi, naming both versions and the next allowed one", async () => {
        const r = await deploy("up", K8S("1.35"), live("1.33"));
        assert.equal(r.code, 2);
        assert.deepEqual(r.pulumiCalls, []);
        assert.equal(
            r.stderr,
            "deploy: kubernetesVersion 1.35 is 2 minors ahead of cluster istio-eks-nlb-dev's live version 1.33: EKS upgrades the control plane one minor per update; nothing was run\n" +
                "  fix: upgrade to 1.34 first (npx pulumi config set kubernetesVersion 1.34 --stack dev; npm run deploy -- --stack dev), then raise it one minor at a time (docs/upgrades.md)\n",
        );
    });

    it("a downgrade stops too, naming the live version to go back to", async () => {
        const r = await deploy("up", K8S("1.33") + "  istio-eks-nlb:clusterName: shop\n", live("1.34"));
        assert.equal(r.code, 2);
        assert.deepEqual(r.pulumiCalls, []);
        assert.equal(r.awsCalls[0].args[3], "shop", "the stack's clusterName is the cluster read");
        assert.match(
            r.stderr,
            /^deploy: kubernetesVersion 1\.33 is older than cluster shop's live version 1\.34: EKS never downgrades a control plane; nothing was run\n {2}fix: set it back to 1\.34 \(npx pulumi config set kubernetesVersion 1\.34 --stack dev\), or to 1\.35 to upgrade one minor\n$/,
        );
    });

    it("a cluster that does not exist yet, or a read that fails, does not stop the up", async () => {
        const missing = await deploy("up", K8S("1.35"), () => ({
            code: 254,
            stdout: "",
            stderr: "\nAn error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: istio-eks-nlb-dev.\n",
        }));
        assert.equal(missing.code, 0, missing.stderr);
        assert.match(
            missing.stdout,
            /deploy: cluster istio-eks-nlb-dev does not exist yet in eu-west-1: this up creates it at 1\.35\n/,
        );
        assert.equal(missing.pulumiCalls.length, 2);
        const denied = await deploy("up", K8S("1.35"), () => ({
            code: 254,
            stdout: "",
            stderr: "An error occurred (AccessDeniedException) when calling the DescribeCluster operation: denied\n",
        }));
        assert.equal(denied.code, 0, denied.stderr);
        assert.match(
            denied.stdout,
            /could not read cluster istio-eks-nlb-dev's version \(aws eks describe-cluster: An error occurred \(AccessDeniedException\)/,
        );
    });

    it("preview prints the support status and reads no live version; a supported set has no warning line", async () => {
        const r = await deploy(
            "preview",
            K8S("1.35") + "  istio-eks-nlb:istioVersion: 1.30.2\n  istio-eks-nlb:lbcChartVersion: 3.0.0\n",
            live("1.20"),
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.awsCalls, []);
        assert.match(r.stdout, / {2}ok: kubernetesVersion 1\.35: in EKS standard support until 2027-03-27/);
        assert.ok(!/warning:/.test(r.stdout), r.stdout);
    });
});
