// `npm run deploy / preview / destroy`: the preflight and the Pulumi CLI calls, with the environment,
// the files and the CLI faked (no AWS, no Pulumi CLI, no process spawned).
import { strict as assert } from "assert";
import * as path from "path";
import { DeployEnvironment, preflight, resolveBackend } from "../../tools/deploy/preflight";
import { main, PulumiResult, USAGE } from "../../tools/deploy";
import { findOnPath } from "../../tools/lib/onPath";
import { runInProcess } from "./run";

const ROOT = path.join(path.sep, "proj");
const HOME = path.join(path.sep, "home", "u");
const BIN = path.join(path.sep, "usr", "bin");
const STACK_DEV = "config:\n  aws:region: us-west-2\n  istio-eks-nlb:azCount: 2\n";

interface Fake {
    env?: Record<string, string | undefined>;
    files?: Record<string, string>;
    executables?: string[];
}

/** A machine with the AWS CLI, a default profile, a local backend and a passphrase; `over` replaces parts. */
function machine(over: Fake = {}): DeployEnvironment {
    const files: Record<string, string> = {
        [path.join(ROOT, "Pulumi.yaml")]: "name: istio-eks-nlb\nruntime: nodejs\n",
        [path.join(ROOT, "Pulumi.dev.yaml")]: STACK_DEV,
        [path.join(HOME, ".aws", "credentials")]:
            "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
        [path.join(HOME, ".pulumi", "credentials.json")]: JSON.stringify({
            current: "file://~",
            accessTokens: {},
        }),
        ...over.files,
    };
    const executables = over.executables ?? [path.join(BIN, "aws")];
    const env = over.env ?? { PATH: BIN, PULUMI_CONFIG_PASSPHRASE: "correct horse" };
    return {
        env,
        readFile: (f) => files[f],
        isExecutable: (f) => executables.includes(f),
        homedir: HOME,
        platform: "linux",
    };
}

function without(files: Record<string, string>, ...drop: string[]): Record<string, string> {
    const out = { ...files };
    for (const d of drop) out[d] = undefined as never;
    return out;
}

const whats = (e: DeployEnvironment, stack = "dev") =>
    preflight({ root: ROOT, stack }, e).problems.map((p) => p.what);

describe("deploy preflight", () => {
    it("passes on a machine with the AWS CLI, region, credentials, a backend and the passphrase, and says what it found", () => {
        const r = preflight({ root: ROOT, stack: "dev" }, machine());
        assert.deepEqual(r.problems, []);
        assert.equal(r.awsCli, path.join(BIN, "aws"));
        assert.equal(r.region, "us-west-2");
        assert.equal(r.credentials, `profile "default" in ${path.join(HOME, ".aws", "credentials")}`);
        assert.deepEqual(r.backend, { url: "file://~", source: "pulumi login" });
    });

    it("names every missing prerequisite at once, each with the step that provides it", () => {
        const bare = machine({
            env: { PATH: BIN },
            executables: [],
            files: without(
                {},
                path.join(HOME, ".aws", "credentials"),
                path.join(HOME, ".pulumi", "credentials.json"),
            ),
        });
        const r = preflight({ root: ROOT, stack: "staging" }, bare);
        assert.deepEqual(
            r.problems.map((p) => p.what),
            [
                "the AWS CLI (`aws`) is not on PATH: the cluster's kubeconfig runs `aws eks get-token` for every Kubernetes call",
                "aws:region is not set for stack staging (no Pulumi.staging.yaml); the program requires it",
                "AWS credentials: none found (no AWS_ACCESS_KEY_ID, no AWS_PROFILE, no default profile in ~/.aws)",
                "no Pulumi backend to keep the stack's state: not logged in (no PULUMI_BACKEND_URL, no `pulumi login`)",
            ],
        );
        assert.equal(r.problems[1].fix, "npx pulumi config set aws:region us-west-2 --stack staging");
        assert.match(r.problems[3].fix, /^npx pulumi login --local \(state in ~\/\.pulumi on this machine\)/);
        assert.match(r.problems[3].fix, /teams keep the backend they use/);
    });

    it("finds aws on any PATH entry", () => {
        const e = machine({
            env: { PATH: ["/opt/x", "/opt/aws/bin"].join(":") },
            executables: ["/opt/aws/bin/aws"],
        });
        assert.equal(findOnPath("aws", e), "/opt/aws/bin/aws");
        assert.equal(findOnPath("aws", machine({ env: { PATH: "/opt/x" } })), undefined);
    });

    it("asks for the passphrase on a self-managed backend, where new stacks encrypt secrets with one", () => {
        assert.deepEqual(whats(machine({ env: { PATH: BIN } })), [
            "stack dev encrypts its secrets (the kubeconfig output) with a passphrase, and none is set",
        ]);
        for (const url of ["file:///var/state", "s3://team-state", "gs://b", "azblob://c"]) {
            assert.equal(whats(machine({ env: { PATH: BIN, PULUMI_BACKEND_URL: url } })).length, 1, url);
        }
        assert.deepEqual(
            whats(machine({ env: { PATH: BIN, PULUMI_CONFIG_PASSPHRASE: "" } })),
            [],
            "an empty passphrase is a passphrase",
        );
    });

    it("does not ask for it on Pulumi Cloud unless the stack file holds a passphrase salt", () => {
        const cloud = {
            [path.join(HOME, ".pulumi", "credentials.json")]: JSON.stringify({
                current: "https://api.pulumi.com",
            }),
        };
        assert.deepEqual(whats(machine({ env: { PATH: BIN }, files: cloud })), []);
        const salted = {
            ...cloud,
            [path.join(ROOT, "Pulumi.dev.yaml")]: `encryptionsalt: v1:abc\n${STACK_DEV}`,
        };
        assert.equal(whats(machine({ env: { PATH: BIN }, files: salted })).length, 1);
        const kms = {
            [path.join(ROOT, "Pulumi.dev.yaml")]: `secretsprovider: awskms://alias/x\n${STACK_DEV}`,
        };
        assert.deepEqual(
            whats(machine({ env: { PATH: BIN }, files: kms })),
            [],
            "a KMS secrets provider needs no passphrase",
        );
    });

    it("reads the passphrase file when one is named", () => {
        const file = path.join(HOME, "pass");
        assert.deepEqual(
            whats(
                machine({ env: { PATH: BIN, PULUMI_CONFIG_PASSPHRASE_FILE: file }, files: { [file]: "p" } }),
            ),
            [],
        );
        assert.deepEqual(whats(machine({ env: { PATH: BIN, PULUMI_CONFIG_PASSPHRASE_FILE: file } })), [
            `PULUMI_CONFIG_PASSPHRASE_FILE=${file} can't be read`,
        ]);
    });

    it("takes the backend from PULUMI_BACKEND_URL, then Pulumi.yaml, then pulumi login, then PULUMI_ACCESS_TOKEN", () => {
        const noLogin = { [path.join(HOME, ".pulumi", "credentials.json")]: undefined as never };
        assert.deepEqual(resolveBackend(ROOT, machine({ env: { PULUMI_BACKEND_URL: "s3://b" } })), {
            url: "s3://b",
            source: "PULUMI_BACKEND_URL",
        });
        const projectBackend = {
            [path.join(ROOT, "Pulumi.yaml")]: "name: p\nbackend:\n  url: file://./state\n",
        };
        assert.deepEqual(resolveBackend(ROOT, machine({ files: projectBackend })), {
            url: "file://./state",
            source: "Pulumi.yaml backend.url",
        });
        assert.deepEqual(
            resolveBackend(ROOT, machine({ env: { PULUMI_ACCESS_TOKEN: "t" }, files: noLogin })),
            {
                url: "https://api.pulumi.com",
                source: "PULUMI_ACCESS_TOKEN",
            },
        );
        assert.equal(resolveBackend(ROOT, machine({ env: {}, files: noLogin })), undefined);
        const pulumiHome = path.join(path.sep, "ph");
        const moved = {
            [path.join(pulumiHome, "credentials.json")]: JSON.stringify({ current: "file:///srv/state" }),
            ...noLogin,
        };
        assert.equal(
            resolveBackend(ROOT, machine({ env: { PULUMI_HOME: pulumiHome }, files: moved }))?.url,
            "file:///srv/state",
        );
    });

    it("checks AWS credentials the way the SDKs look for them", () => {
        const noFiles = { [path.join(HOME, ".aws", "credentials")]: undefined as never };
        const env = (extra: Record<string, string>) => ({
            PATH: BIN,
            PULUMI_CONFIG_PASSPHRASE: "p",
            ...extra,
        });
        const creds = (extra: Record<string, string>, files: Record<string, string> = noFiles) =>
            whats(machine({ env: env(extra), files }));
        assert.deepEqual(creds({ AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" }), []);
        assert.deepEqual(creds({ AWS_ACCESS_KEY_ID: "AKIA" }), [
            "AWS credentials: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
        ]);
        assert.deepEqual(
            creds({ AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_ROLE_ARN: "arn:aws:iam::1:role/r" }),
            [],
        );
        assert.deepEqual(creds({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds" }), []);
        const config = path.join(HOME, ".aws", "config");
        const sso = { ...noFiles, [config]: "[profile team]\nsso_session = corp\nregion = eu-west-1\n" };
        assert.deepEqual(creds({ AWS_PROFILE: "team" }, sso), []);
        assert.deepEqual(creds({ AWS_PROFILE: "other" }, sso), [
            `AWS credentials: AWS_PROFILE="other" names no profile with credentials in ${path.join(HOME, ".aws", "credentials")} or ${config}`,
        ]);
        const regionOnly = { ...noFiles, [config]: "[default]\nregion = us-west-2\n" };
        assert.match(
            creds({}, regionOnly)[0],
            /^AWS credentials: none found/,
            "a profile with only a region holds no credentials",
        );
        const stackProfile = {
            ...sso,
            [path.join(ROOT, "Pulumi.dev.yaml")]: `${STACK_DEV}  aws:profile: team\n`,
        };
        assert.deepEqual(creds({}, stackProfile), [], "the stack's aws:profile counts");
    });
});

interface Call {
    args: string[];
    capture: boolean;
}

async function deploy(
    argv: string[],
    e: DeployEnvironment,
    answers: (args: string[]) => PulumiResult = () => ({ code: 0, stdout: "", stderr: "" }),
    env?: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; calls: Call[] }> {
    const calls: Call[] = [];
    const r = await runInProcess(
        (args, io) =>
            main(args, io, {
                root: ROOT,
                environment: e,
                pulumi: async (pulumiArgs, capture) => {
                    calls.push({ args: pulumiArgs, capture });
                    return answers(pulumiArgs);
                },
            }),
        argv,
        env,
    );
    return { ...r, calls };
}

const NO_STACK = { code: 255, stdout: "", stderr: "error: no stack named 'dev' found\n" };

describe("npm run deploy / preview / destroy", () => {
    it("deploy creates a missing stack, then runs pulumi up with the policy pack and the user's flags", async () => {
        const r = await deploy(
            ["up", "--stack", "dev", "--yes", "--policy-pack-config", "pc.json"],
            machine(),
            (args) => (args[1] === "select" ? NO_STACK : { code: 0, stdout: "", stderr: "" }),
        );
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.calls, [
            { args: ["stack", "select", "--stack", "dev", "--non-interactive"], capture: true },
            { args: ["stack", "init", "dev", "--non-interactive"], capture: false },
            {
                args: [
                    "up",
                    "--stack",
                    "dev",
                    "--policy-pack",
                    "policies",
                    "--yes",
                    "--policy-pack-config",
                    "pc.json",
                ],
                capture: false,
            },
        ]);
        assert.match(r.stdout, /stack dev does not exist yet; creating it: npx pulumi stack init dev/);
        assert.match(r.stdout, /npx pulumi up --stack dev --policy-pack policies --yes/);
        assert.match(
            r.stdout,
            /region us-west-2, AWS credentials from profile "default" in .*, state in file:\/\/~ \(pulumi login\)/,
        );
    });

    it("preview selects an existing stack and enforces the pack; destroy runs pulumi destroy", async () => {
        const preview = await deploy(["preview", "--stack=dev"], machine());
        assert.deepEqual(
            preview.calls.map((c) => c.args.join(" ")),
            ["stack select --stack dev --non-interactive", "preview --stack dev --policy-pack policies"],
        );
        const destroy = await deploy(["destroy", "-s", "dev", "--yes"], machine());
        assert.deepEqual(
            destroy.calls.map((c) => c.args.join(" ")),
            ["destroy --stack dev --yes"],
        );
    });

    it("stops before any pulumi call when a prerequisite is missing, listing each one", async () => {
        const r = await deploy(["up", "--stack", "dev"], machine({ executables: [], env: { PATH: BIN } }));
        assert.equal(r.code, 2);
        assert.deepEqual(r.calls, []);
        assert.equal(
            r.stderr,
            [
                "deploy: 2 prerequisite(s) missing; nothing was run:",
                "  - the AWS CLI (`aws`) is not on PATH: the cluster's kubeconfig runs `aws eks get-token` for every Kubernetes call",
                "    fix: install AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html) and check `aws --version`",
                "  - stack dev encrypts its secrets (the kubeconfig output) with a passphrase, and none is set",
                "    fix: export PULUMI_CONFIG_PASSPHRASE='<long passphrase>' or PULUMI_CONFIG_PASSPHRASE_FILE=<file>; use the same one every time (without it the stack's secrets can't be read)",
                "",
            ].join("\n"),
        );
        const skipped = await deploy(
            ["destroy", "--stack", "dev", "--skip-preflight"],
            machine({ executables: [] }),
        );
        assert.deepEqual(
            skipped.calls.map((c) => c.args[0]),
            ["destroy"],
            "--skip-preflight goes straight to pulumi",
        );
    });

    it("passes pulumi's failures through: a select error other than a missing stack, and up's exit code", async () => {
        const login = await deploy(["up", "--stack", "dev"], machine(), () => ({
            code: 255,
            stdout: "",
            stderr: "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions\n",
        }));
        assert.equal(login.code, 255);
        assert.equal(login.calls.length, 1, "no init, no up");
        assert.match(login.stderr, /PULUMI_ACCESS_TOKEN must be set/);
        const failed = await deploy(["up", "--stack", "dev"], machine(), (args) =>
            args[0] === "up" ? { code: 255, stdout: "", stderr: "" } : { code: 0, stdout: "", stderr: "" },
        );
        assert.equal(failed.code, 255);
    });

    it("rejects bad usage with the usage text, and prints it for --help", async () => {
        const missing = await deploy(["up"], machine());
        assert.equal(missing.code, 2);
        assert.equal(missing.stderr, `deploy: --stack: missing; name the stack, e.g. --stack dev\n${USAGE}`);
        const badName = await deploy(["destroy", "--stack", "dev prod"], machine());
        assert.match(badName.stderr, /^destroy: --stack: "dev prod" is not a stack name/);
        const help = await deploy(["preview", "--help"], machine());
        assert.equal(help.code, 0);
        assert.equal(help.stdout, USAGE);
        assert.deepEqual([...missing.calls, ...badName.calls, ...help.calls], []);
    });

    it("says so when npm took --stack (no `--`) and shows the command that works", async () => {
        // `npm run deploy --stack dev --yes`: npm keeps both flags and passes "dev" on as an argument.
        const npmEnv = { npm_lifecycle_event: "deploy", npm_config_stack: "true", npm_config_yes: "true" };
        const r = await deploy(["up", "dev"], machine(), undefined, npmEnv);
        assert.equal(r.code, 2);
        assert.deepEqual(r.calls, []);
        assert.equal(
            r.stderr,
            'deploy: npm took --stack, --yes as its own options, so they never reached the tool; put the tool\'s options after "--":\n' +
                "  npm run --silent deploy -- --stack dev --yes\n",
        );
        const ok = await deploy(["up", "--stack", "dev"], machine(), undefined, {
            npm_lifecycle_event: "deploy",
            npm_config_yes: "true",
        });
        assert.equal(ok.code, 0, "npm_config_yes alone (CI exports it) is no hint");
    });
});
