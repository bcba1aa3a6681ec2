// `npm run deploy -- --stack dev` (and `npm run preview`, `npm run destroy`): one command from a
// fresh checkout to a running stack, always with the policy pack. Checks the prerequisites first
// (tools/deploy/preflight.ts: AWS CLI, region, credentials, backend, passphrase) and names every
// missing one; then runs the Pulumi CLI pinned in package.json (the `pulumi` npm launcher, which
// downloads that exact CLI once into ~/.pulumi/versions): selects the stack, creating it when it does
// not exist (deploy and preview), and runs `pulumi up|preview --stack S --policy-pack policies`
// or `pulumi destroy --stack S`. Flags it does not own go to pulumi unchanged (--yes, --refresh,
// --policy-pack-config FILE, ...). Exit: pulumi's code; 2: bad usage or a missing prerequisite.
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeployEnvironment, formatProblems, preflight, pulumiHome } from "./deploy/preflight";
import { liveVersionCheck, stackPins, supportLines } from "./deploy/versions";
import { CliIO, EXIT_OK, EXIT_USAGE, HintFlag, npmSwallowedHint, runMain } from "./lib/cli";
import { processPathLookup } from "./lib/onPath";

const ROOT = path.join(__dirname, "..");
/** The pack's directory, relative to the project root (where pulumi runs). */
export const POLICY_PACK = "policies";

export const ACTIONS = { up: "deploy", preview: "preview", destroy: "destroy" } as const;
export type Action = keyof typeof ACTIONS;

export const USAGE = `usage: npm run deploy  -- --stack NAME [pulumi up flags]
       npm run preview -- --stack NAME [pulumi preview flags]
       npm run destroy -- --stack NAME [pulumi destroy flags]
  --stack           the stack (dev, prod, ...); deploy and preview create it when it does not exist
  --skip-preflight  skip the local checks (e.g. credentials come from an EC2 instance role)
  other flags go to pulumi unchanged: --yes, --refresh, --policy-pack-config FILE, ...
Runs the Pulumi CLI pinned in package.json; deploy and preview always add --policy-pack ${POLICY_PACK}.
exit: pulumi's exit code; 2: bad usage or a missing prerequisite (all of them are listed)
`;

const HINT_FLAGS: readonly HintFlag[] = [
    { name: "stack", placeholder: "NAME" },
    { name: "policy-pack-config", placeholder: "FILE" },
    { name: "skip-preflight" },
    { name: "yes" },
];

/** Result of one pulumi run; stdout/stderr are only filled when captured. */
export interface PulumiResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs the pinned Pulumi CLI in the project root; `capture` collects its output instead of showing it. */
export type PulumiRunner = (args: string[], capture: boolean) => Promise<PulumiResult>;

export interface DeployOptions {
    /** The environment the preflight reads (default: this process's). */
    environment?: DeployEnvironment;
    /** The Pulumi CLI (default: the pinned launcher from node_modules). */
    pulumi?: PulumiRunner;
    /** Project root (default: the repository root). */
    root?: string;
    /** The day support dates are compared with (default: today). */
    today?: Date;
}

export async function main(argv: string[], io: CliIO, options: DeployOptions = {}): Promise<number> {
    const [actionArg, ...args] = argv;
    if (!(actionArg in ACTIONS)) {
        io.stderr.write(
            `deploy: unknown action ${JSON.stringify(actionArg ?? "")}; use up, preview or destroy\n${USAGE}`,
        );
        return EXIT_USAGE;
    }
    const action = actionArg as Action;
    const tool = ACTIONS[action];
    const hint = npmSwallowedHint(args, io.env, HINT_FLAGS);
    if (hint) {
        io.stderr.write(`${tool}: ${hint}`);
        return EXIT_USAGE;
    }
    const parsed = parseArgs(args);
    if ("error" in parsed) {
        io.stderr.write(`${tool}: ${parsed.error}\n${USAGE}`);
        return EXIT_USAGE;
    }
    if (parsed.help) {
        io.stdout.write(USAGE);
        return EXIT_OK;
    }
    const { stack, forward } = parsed;
    const root = options.root ?? ROOT;
    const environment = options.environment ?? processEnvironment();

    if (!parsed.skipPreflight) {
        const result = preflight({ root, stack }, environment);
        if (result.problems.length) {
            io.stderr.write(formatProblems(tool, result.problems));
            return EXIT_USAGE;
        }
        io.stdout.write(
            `${tool}: stack ${stack}, region ${result.region ?? "(from the stack's environment)"}, ` +
                `AWS credentials from ${result.credentials}, state in ${result.backend!.url} (${result.backend!.source})\n`,
        );
        // Versions: their support status (warnings only), and before an up the live cluster's version.
        const pins = stackPins(root, stack, environment);
        if (pins.versions && action !== "destroy")
            io.stdout.write(supportLines(tool, pins.versions, options.today ?? new Date()));
        if (action === "up" && pins.versions && result.region && result.awsCli) {
            const live = liveVersionCheck(
                {
                    stack,
                    clusterName: pins.clusterName,
                    region: result.region,
                    target: pins.versions.kubernetesVersion,
                    awsCli: result.awsCli,
                },
                environment,
            );
            if (live.problem) {
                io.stderr.write(
                    `${tool}: ${live.problem.what}; nothing was run\n  fix: ${live.problem.fix}\n`,
                );
                return EXIT_USAGE;
            }
            if (live.note) io.stdout.write(`${tool}: ${live.note}\n`);
            else if (live.live)
                io.stdout.write(
                    `${tool}: cluster ${pins.clusterName} runs Kubernetes ${live.live}; kubernetesVersion is ${pins.versions.kubernetesVersion}\n`,
                );
        }
    }

    let pulumi = options.pulumi;
    if (!pulumi) {
        const launcher = pinnedLauncher();
        if (!launcher) {
            io.stderr.write(
                `${tool}: the pinned Pulumi CLI launcher (npm package "pulumi") is not installed; run npm ci\n`,
            );
            return EXIT_USAGE;
        }
        io.stdout.write(
            `${tool}: Pulumi CLI v${launcher.version} (pinned in package.json; fetched once into ~/.pulumi/versions on first use)\n`,
        );
        pulumi = explainFailedFetch(
            launcherRunner(launcher.file, root),
            launcher.version,
            environment,
            io,
            tool,
        );
    }

    if (action !== "destroy") {
        const created = await selectOrCreate(stack, pulumi, io, tool);
        if (created !== EXIT_OK) return created;
    }
    const command = [
        action,
        "--stack",
        stack,
        ...(action === "destroy" ? [] : ["--policy-pack", POLICY_PACK]),
        ...forward,
    ];
    io.stdout.write(`${tool}: npx pulumi ${command.join(" ")}\n`);
    return (await pulumi(command, false)).code;
}

/** `pulumi stack select`, and `pulumi stack init` when the backend has no such stack. */
async function selectOrCreate(stack: string, pulumi: PulumiRunner, io: CliIO, tool: string): Promise<number> {
    const selected = await pulumi(["stack", "select", "--stack", stack, "--non-interactive"], true);
    if (selected.code === 0) return EXIT_OK;
    const output = `${selected.stderr}${selected.stdout}`;
    if (!/no stack named/i.test(output)) {
        io.stderr.write(output.endsWith("\n") || output === "" ? output : `${output}\n`);
        return selected.code;
    }
    io.stdout.write(
        `${tool}: stack ${stack} does not exist yet; creating it: npx pulumi stack init ${stack}\n`,
    );
    return (await pulumi(["stack", "init", stack, "--non-interactive"], false)).code;
}

type Parsed =
    | { help: true }
    | { error: string }
    | { help: false; stack: string; skipPreflight: boolean; forward: string[] };

/** Our flags (--stack, --skip-preflight, --help); every other argument is pulumi's. */
function parseArgs(args: string[]): Parsed {
    let stack: string | undefined;
    let skipPreflight = false;
    const forward: string[] = [];
    for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === "--help" || a === "-h") return { help: true };
        if (a === "--skip-preflight") skipPreflight = true;
        else if (a === "--stack" || a === "-s") {
            stack = args[++i];
            if (stack === undefined || stack.startsWith("-"))
                return { error: `${a}: needs a value, e.g. ${a} dev` };
        } else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
        else forward.push(a);
    }
    if (stack === undefined) return { error: "--stack: missing; name the stack, e.g. --stack dev" };
    if (!/^[A-Za-z0-9_.\-/]+$/.test(stack))
        return {
            error: `--stack: ${JSON.stringify(stack)} is not a stack name (letters, digits, _ . - and org/project/stack)`,
        };
    return { help: false, stack, skipPreflight, forward };
}

/** The `pulumi` npm package's entry point and version, or undefined when npm ci has not run. */
function pinnedLauncher(): { file: string; version: string } | undefined {
    try {
        const pkg = require.resolve("pulumi/package.json", { paths: [ROOT] });
        return { file: path.join(path.dirname(pkg), "run.js"), version: require(pkg).version };
    } catch {
        return undefined;
    }
}

function launcherRunner(launcher: string, root: string): PulumiRunner {
    return (args, capture) =>
        new Promise((resolve) => {
            const child = spawn(process.execPath, [launcher, ...args], {
                cwd: root,
                stdio: capture ? ["inherit", "pipe", "pipe"] : "inherit",
            });
            let stdout = "";
            let stderr = "";
            child.stdout?.on("data", (d) => (stdout += d));
            child.stderr?.on("data", (d) => (stderr += d));
            child.on("error", (e) => resolve({ code: 1, stdout, stderr: `${stderr}${e.message}\n` }));
            child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
        });
}

/**
 * The launcher prints only "pulumi: fetch failed" when it can't download the CLI (offline, proxy):
 * after a failure with no cached CLI, say what happened and how to go on with an installed one.
 */
function explainFailedFetch(
    run: PulumiRunner,
    version: string,
    e: DeployEnvironment,
    io: CliIO,
    tool: string,
): PulumiRunner {
    const binary = path.join(
        pulumiHome(e),
        "versions",
        version,
        "bin",
        e.platform === "win32" ? "pulumi.exe" : "pulumi",
    );
    return async (args, capture) => {
        const result = await run(args, capture);
        if (result.code !== 0 && !fs.existsSync(binary)) {
            io.stderr.write(
                `\n${tool}: the pinned Pulumi CLI v${version} could not be fetched into ${path.dirname(binary)} ` +
                    `(the launcher downloads it from get.pulumi.com). With a Pulumi CLI installed, run the same ` +
                    `command with it: pulumi ${args.join(" ")}\n`,
            );
        }
        return result;
    };
}

/** The real environment: this process's variables and files. */
export function processEnvironment(): DeployEnvironment {
    return {
        ...processPathLookup(),
        readFile: (file) => {
            try {
                return fs.readFileSync(file, "utf8");
            } catch {
                return undefined;
            }
        },
        homedir: os.homedir(),
        run: (command, args) => {
            const r = spawnSync(command, args, { encoding: "utf8", timeout: 60000 });
            return {
                code: r.status ?? 1,
                stdout: r.stdout ?? "",
                stderr: r.stderr || r.error?.message || "",
            };
        },
    };
}

if (require.main === module) runMain(main);
