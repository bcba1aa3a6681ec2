// What `npm run deploy` / `preview` / `destroy` check before the Pulumi CLI makes any cloud call:
// the AWS CLI on PATH (every kubeconfig pulumi-eks writes runs `aws eks get-token`), the stack's
// `aws:region`, a resolvable AWS credential source, a Pulumi backend to keep state in, and the
// passphrase when the stack's secrets are passphrase-encrypted. Each check only reads the
// environment and local files, through an injected `DeployEnvironment`, so the tests fake all of it.
// A check that can't be decided locally (an EC2 instance role) is what `--skip-preflight` is for.
import * as path from "path";
import * as YAML from "yaml";
import { findOnPath, PathLookup } from "../lib/onPath";

/**
 * Everything the preflight reads; the real one is the process environment and the file system. It
 * is also the PATH lookup (env, platform, isExecutable) the AWS CLI is found with.
 */
export interface DeployEnvironment extends PathLookup {
    /** A file's text, or undefined when it does not exist or can't be read. */
    readFile(file: string): string | undefined;
    /** The user's home directory. */
    homedir: string;
    /**
     * Runs a program and waits for it (the AWS CLI's `eks describe-cluster`, before an `up`); absent:
     * nothing is run and the live-version check is skipped.
     */
    run?(command: string, args: string[]): { code: number; stdout: string; stderr: string };
}

/** One missing prerequisite: what is missing and the exact step that provides it. */
export interface Problem {
    what: string;
    fix: string;
}

/** Where the stack's state lives, as the Pulumi CLI would pick it. */
export interface Backend {
    /** `file://...`, `s3://...`, `https://api.pulumi.com`, ... */
    url: string;
    /** How it was found, for messages. */
    source: string;
}

export const AWS_CLI_INSTALL =
    "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html";

/** The stack file `Pulumi.<stack>.yaml` parsed, or undefined when there is none. */
export function readStackFile(
    root: string,
    stack: string,
    e: DeployEnvironment,
): Record<string, any> | undefined {
    const text = e.readFile(path.join(root, `Pulumi.${stack}.yaml`));
    if (text === undefined) return undefined;
    return (YAML.parse(text) as Record<string, any> | null) ?? {};
}

/**
 * The backend the CLI will use: PULUMI_BACKEND_URL, then Pulumi.yaml's `backend.url`, then the one
 * `pulumi login` stored (only the `current` field of its credentials file is read), then Pulumi Cloud
 * when PULUMI_ACCESS_TOKEN is set. Undefined: not logged in anywhere.
 */
export function resolveBackend(root: string, e: DeployEnvironment): Backend | undefined {
    if (e.env.PULUMI_BACKEND_URL) return { url: e.env.PULUMI_BACKEND_URL, source: "PULUMI_BACKEND_URL" };
    const project = YAML.parse(e.readFile(path.join(root, "Pulumi.yaml")) ?? "") as Record<
        string,
        any
    > | null;
    if (project?.backend?.url) return { url: String(project.backend.url), source: "Pulumi.yaml backend.url" };
    const stored = e.readFile(path.join(pulumiHome(e), "credentials.json"));
    if (stored !== undefined) {
        try {
            const current = (JSON.parse(stored) as { current?: unknown }).current;
            if (typeof current === "string" && current !== "")
                return { url: current, source: "pulumi login" };
        } catch {
            // An unreadable credentials file is the same as not being logged in.
        }
    }
    if (e.env.PULUMI_ACCESS_TOKEN) return { url: "https://api.pulumi.com", source: "PULUMI_ACCESS_TOKEN" };
    return undefined;
}

/** The Pulumi CLI's home (PULUMI_HOME, else ~/.pulumi): its login and its downloaded CLI versions. */
export function pulumiHome(e: DeployEnvironment): string {
    return e.env.PULUMI_HOME || path.join(e.homedir, ".pulumi");
}

/** Self-managed backends (file, S3, Azure Blob, GCS) encrypt secrets with a passphrase by default. */
export function isSelfManaged(backend: Backend): boolean {
    return /^(file|s3|azblob|gs):\/\//.test(backend.url);
}

/** Section names of an INI file (`[default]`, `[profile dev]` -> `default`, `profile dev`). */
function iniSections(text: string | undefined): Map<string, Record<string, string>> {
    const sections = new Map<string, Record<string, string>>();
    let current: Record<string, string> | undefined;
    for (const raw of (text ?? "").split(/\r?\n/)) {
        const line = raw.trim();
        const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
        if (header) {
            current = {};
            sections.set(header[1], current);
        } else if (current && /^[A-Za-z_]+\s*=/.test(line)) {
            const [key, ...rest] = line.split("=");
            current[key.trim()] = rest.join("=").trim();
        }
    }
    return sections;
}

/** Keys that make a `~/.aws/config` profile a credential source (not only a region setting). */
const CONFIG_CREDENTIAL_KEYS = [
    "aws_access_key_id",
    "role_arn",
    "source_profile",
    "credential_process",
    "credential_source",
    "sso_session",
    "sso_start_url",
    "web_identity_token_file",
];

/**
 * How the AWS provider will find credentials, checked the way the AWS SDKs look (environment keys,
 * web identity, container credentials, then the named or default profile in the shared files).
 * Returns a description of the source, or the problem.
 */
export function credentialSource(
    stackConfig: Record<string, unknown>,
    e: DeployEnvironment,
): { source: string } | { problem: Problem } {
    const env = e.env;
    if (env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY) {
        const [set, unset] = env.AWS_ACCESS_KEY_ID
            ? ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
            : ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID"];
        if (!env[unset]) {
            return {
                problem: {
                    what: `AWS credentials: ${set} is set but ${unset} is not`,
                    fix: `export ${unset}=... (both keys, plus AWS_SESSION_TOKEN for temporary keys), or unset ${set} and use a profile`,
                },
            };
        }
        return { source: "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY" };
    }
    if (stackConfig["aws:accessKey"]) return { source: "stack config aws:accessKey" };
    if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return { source: "AWS_WEB_IDENTITY_TOKEN_FILE" };
    if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
        return { source: "container credentials" };

    const configured = (stackConfig["aws:profile"] as string | undefined) ?? env.AWS_PROFILE;
    const profile = configured ?? "default";
    const how = stackConfig["aws:profile"]
        ? "stack config aws:profile"
        : env.AWS_PROFILE
          ? "AWS_PROFILE"
          : "";
    const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(e.homedir, ".aws", "credentials");
    const configFile = env.AWS_CONFIG_FILE || path.join(e.homedir, ".aws", "config");
    const inCredentials = iniSections(e.readFile(credentialsFile)).get(profile);
    const configSections = iniSections(e.readFile(configFile));
    const inConfig = configSections.get(profile === "default" ? "default" : `profile ${profile}`);
    if (inCredentials?.aws_access_key_id) return { source: `profile "${profile}" in ${credentialsFile}` };
    if (inConfig && CONFIG_CREDENTIAL_KEYS.some((k) => inConfig[k]))
        return { source: `profile "${profile}" in ${configFile}` };
    if (configured !== undefined) {
        return {
            problem: {
                what: `AWS credentials: ${how}="${profile}" names no profile with credentials in ${credentialsFile} or ${configFile}`,
                fix: `aws configure --profile ${profile} (or aws configure sso --profile ${profile}), or set ${how} to an existing profile`,
            },
        };
    }
    return {
        problem: {
            what: "AWS credentials: none found (no AWS_ACCESS_KEY_ID, no AWS_PROFILE, no default profile in ~/.aws)",
            fix: "aws configure (or aws configure sso), or export AWS_PROFILE=<profile>; on an EC2 instance role, run with --skip-preflight",
        },
    };
}

/** What the preflight needs to know about the run. */
export interface PreflightRequest {
    /** Project root: Pulumi.yaml and the stack files. */
    root: string;
    stack: string;
}

/** The result: the problems (empty: go), and what was found, for the one-line summary. */
export interface PreflightResult {
    problems: Problem[];
    backend?: Backend;
    region?: string;
    credentials?: string;
    awsCli?: string;
}

/** Runs every check and returns every problem at once, so one run tells the user all that is missing. */
export function preflight(request: PreflightRequest, e: DeployEnvironment): PreflightResult {
    const { root, stack } = request;
    const problems: Problem[] = [];
    const result: PreflightResult = { problems };
    const cmd = (c: string) => `npx pulumi ${c} --stack ${stack}`;

    result.awsCli = findOnPath("aws", e);
    if (!result.awsCli) {
        problems.push({
            what: "the AWS CLI (`aws`) is not on PATH: the cluster's kubeconfig runs `aws eks get-token` for every Kubernetes call",
            fix: `install AWS CLI v2 (${AWS_CLI_INSTALL}) and check \`aws --version\``,
        });
    }

    const stackFile = readStackFile(root, stack, e);
    const stackConfig = (stackFile?.config ?? {}) as Record<string, unknown>;
    // Stack config may come from a Pulumi ESC environment, which only the CLI can open.
    const fromEnvironment = stackFile?.environment !== undefined;
    const region = stackConfig["aws:region"];
    if (typeof region === "string" && region !== "") result.region = region;
    else if (!fromEnvironment) {
        problems.push({
            what: `aws:region is not set for stack ${stack} (${stackFile ? `Pulumi.${stack}.yaml has no aws:region` : `no Pulumi.${stack}.yaml`}); the program requires it`,
            fix: cmd("config set aws:region us-west-2"),
        });
    }

    const credentials = credentialSource(stackConfig, e);
    if ("problem" in credentials) problems.push(credentials.problem);
    else result.credentials = credentials.source;

    result.backend = resolveBackend(root, e);
    if (!result.backend) {
        problems.push({
            what: "no Pulumi backend to keep the stack's state: not logged in (no PULUMI_BACKEND_URL, no `pulumi login`)",
            fix: "npx pulumi login --local (state in ~/.pulumi on this machine), or npx pulumi login file://<dir> | s3://<bucket>, or npx pulumi login (Pulumi Cloud); teams keep the backend they use",
        });
    }

    // Passphrase-encrypted secrets: the stack file has the passphrase salt, or the stack has no
    // other secrets provider and a self-managed backend will create it with the passphrase one.
    const passphraseStack =
        stackFile?.encryptionsalt !== undefined ||
        (stackFile?.secretsprovider === undefined &&
            result.backend !== undefined &&
            isSelfManaged(result.backend));
    if (passphraseStack) {
        const file = e.env.PULUMI_CONFIG_PASSPHRASE_FILE;
        if (file !== undefined && file !== "" && e.readFile(file) === undefined) {
            problems.push({
                what: `PULUMI_CONFIG_PASSPHRASE_FILE=${file} can't be read`,
                fix: "point PULUMI_CONFIG_PASSPHRASE_FILE at a readable file holding the stack's passphrase",
            });
        } else if (e.env.PULUMI_CONFIG_PASSPHRASE === undefined && !file) {
            problems.push({
                what: `stack ${stack} encrypts its secrets (the kubeconfig output) with a passphrase, and none is set`,
                fix: "export PULUMI_CONFIG_PASSPHRASE='<long passphrase>' or PULUMI_CONFIG_PASSPHRASE_FILE=<file>; use the same one every time (without it the stack's secrets can't be read)",
            });
        }
    }
    return result;
}

/** The problems as the lines a user reads: each missing piece, then how to provide it. */
export function formatProblems(tool: string, problems: Problem[]): string {
    const lines = [`${tool}: ${problems.length} prerequisite(s) missing; nothing was run:`];
    for (const p of problems) lines.push(`  - ${p.what}`, `    fix: ${p.fix}`);
    return `${lines.join("\n")}\n`;
}
