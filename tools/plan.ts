// `npm run plan -- [--stack dev] [--config key=value ...] [--format text|json|mermaid] [--out FILE]`
// What the program would build, without AWS credentials or the Pulumi CLI: runs the root index.ts
// under the shared mock recorder (tools/mocks/) with the config of Pulumi.<stack>.yaml (one recorder for
// tests and tools), then prints the resources by component and type, the ingress traffic path and the
// policy pack's verdicts (the same evaluator as `npm run check`). `--out FILE` writes the recorded
// stack in `pulumi stack export` shape, which `npm run check` accepts.
// Exit 0: planned, no mandatory violation; 1: mandatory violations; 2: bad usage, unknown stack or
// invalid stack config (reported with the program's own message, as `pulumi up` prints it).
import * as fs from "fs";
import * as path from "path";
import type { RecordedResource } from "./mocks/pulumiMocks";
import { InputError } from "./inputs/errors";
import { systemReason } from "./inputs/files";
import {
    CliIO,
    EXIT_MANDATORY,
    EXIT_OK,
    EXIT_USAGE,
    HintFlag,
    npmSwallowedHint,
    oneOf,
    parseFlags,
    runMain,
} from "./lib/cli";
import { countMandatory, ReportedViolation, summaryLine, toReported, violationBlocks } from "./lib/report";
import { ComponentNode, componentTree, countByType, TrafficPath, trafficPath } from "./plan/model";
import { componentLines, mermaid, pathLines } from "./plan/render";
import { IstioRevision, istioRevisions, revisionLines } from "./plan/revisions";
import { isoDay, SupportLine, supportLineText, supportStatus } from "../policies/lib/support";
import { SUPPORTED_VERSIONS_POLICY_NAME } from "../policies/supportedVersions";

const ROOT = path.join(__dirname, "..");

export const USAGE = `usage: npm run plan -- [--stack dev] [--config key=value ...] [--format text|json|mermaid] [--out FILE]
  --stack  a stack with a Pulumi.<stack>.yaml at the project root (default dev)
  --config (-c) a config value over the stack file's, as \`pulumi up --config\` takes it (repeatable)
  --format text (default), json, or mermaid (the traffic path as a Mermaid flowchart)
  --out    also write the recorded stack as a \`pulumi stack export\` JSON file
exit 0: no mandatory violation, 1: mandatory violations, 2: bad usage, unknown stack or invalid config
`;

export interface PlanReport {
    stack: string;
    project: string;
    resources: number;
    components: ComponentNode[];
    byType: Record<string, number>;
    path: TrafficPath;
    /** The path as Mermaid, exactly what `--format mermaid` prints. */
    mermaid: string;
    violations: ReportedViolation[];
    outputs: Record<string, unknown>;
    /** The pinned versions against the support calendar on `supportDay` (warnings are never refusals). */
    support: SupportLine[];
    /** The istiod revisions (two during a canary upgrade). */
    istioRevisions: IstioRevision[];
    /** The day the support status and the supported-versions policy were judged on, `YYYY-MM-DD`. */
    supportDay: string;
}

export interface PlanOptions {
    /**
     * Directory holding Pulumi.yaml and the Pulumi.<stack>.yaml files (default: the project root).
     * The program is always the root index.ts; tests point this elsewhere to feed a bad config
     * without touching the project's stack files.
     */
    configRoot?: string;
    /** The day support dates are compared with (default: today); docs samples fix it. */
    today?: Date;
}

/** The flags as `npm run plan` without `--` may swallow them. */
const HINT_FLAGS: readonly HintFlag[] = [
    { name: "format", placeholder: "FORMAT", values: ["text", "json", "mermaid"] },
    { name: "stack", placeholder: "NAME" },
    { name: "out", placeholder: "FILE" },
];

export async function main(argv: string[], io: CliIO, options: PlanOptions = {}): Promise<number> {
    const configRoot = options.configRoot ?? ROOT;
    const hint = npmSwallowedHint(argv, io.env, HINT_FLAGS);
    if (hint) {
        io.stderr.write(`plan: ${hint}`);
        return EXIT_USAGE;
    }
    // The stack a config error is reported for; set once the flags are read.
    let stack = "dev";
    try {
        const { values, positionals } = parseFlags(argv, {
            stack: { type: "string" },
            format: { type: "string" },
            out: { type: "string" },
            config: { type: "string", short: "c", multiple: true },
            help: { type: "boolean", short: "h" },
        });
        if (values.help) {
            io.stdout.write(USAGE);
            return EXIT_OK;
        }
        if (positionals.length)
            throw new InputError(positionals[0], "unexpected argument; plan takes only flags");
        const format = oneOf("--format", values.format, ["text", "json", "mermaid"] as const, "text");
        stack = values.stack ?? stack;
        checkStack(stack, configRoot);
        const overrides = parseConfigFlags(values.config ?? []);

        const report = await plan(stack, configRoot, overrides, options.today ?? new Date());
        if (values.out !== undefined) writeExport(values.out, report.recorded);

        if (format === "json") io.stdout.write(`${JSON.stringify(report.json, null, 2)}\n`);
        else if (format === "mermaid") io.stdout.write(report.json.mermaid);
        else io.stdout.write(renderText(report.json));
        if (values.out !== undefined)
            io.stderr.write(`wrote the recorded stack (stack export shape) to ${values.out}\n`);
        return countMandatory(report.json.violations) > 0 ? EXIT_MANDATORY : EXIT_OK;
    } catch (e) {
        if (e instanceof InputError) {
            io.stderr.write(`plan: ${e.message}\n`);
            if (e.source.startsWith("-")) io.stderr.write(USAGE);
            return EXIT_USAGE;
        }
        // The program's config validation error: printed as `pulumi up` prints the program's error,
        // with its message only (it names the key, the bad value and what is allowed).
        if ((e as Error)?.name === "ConfigError") {
            io.stderr.write(`plan: stack ${JSON.stringify(stack)}: ${(e as Error).message}\n`);
            return EXIT_USAGE;
        }
        throw e;
    }
}

/** `--config key=value` pairs, as `pulumi up --config` takes them: bare keys are the project's. */
function parseConfigFlags(pairs: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const pair of pairs) {
        const m = /^([A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)?)=(.*)$/s.exec(pair);
        if (!m) {
            throw new InputError(
                "--config",
                `${JSON.stringify(pair)} is not key=value; use e.g. --config hostname=app.example.com`,
            );
        }
        out[m[1]] = m[2];
    }
    return out;
}

/** A stack is a Pulumi.<stack>.yaml next to Pulumi.yaml; anything else is named with the choices. */
function checkStack(stack: string, configRoot: string): void {
    const stacks = fs
        .readdirSync(configRoot)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !stacks.includes(stack)) {
        throw new InputError(
            "--stack",
            `unknown stack ${JSON.stringify(stack)}: no Pulumi.${stack}.yaml at the project root; stacks: ${stacks.join(", ") || "none"}`,
        );
    }
}

async function plan(
    stack: string,
    configRoot: string,
    overrides: Record<string, string>,
    today: Date,
): Promise<{ json: PlanReport; recorded: RecordedResource[] }> {
    // Loaded here, not at the top: usage errors should not pay for loading the Pulumi SDK.
    const harness: typeof import("./mocks/pulumiMocks") = require("./mocks/pulumiMocks");
    const { evaluateStack }: typeof import("../policies/lib/evaluate") = require("../policies/lib/evaluate");
    let config: Record<string, unknown>;
    try {
        config = harness.loadStackConfig(stack, configRoot);
    } catch (e) {
        throw new InputError(
            `Pulumi.${stack}.yaml`,
            `cannot read the stack config: ${(e as Error).message.split("\n")[0]}`,
        );
    }
    const run = await harness.recordStack(stack, { config, overrides });
    const resources = run.resources;
    // The supported-versions policy judges the same day as the support section.
    const supportDay = isoDay(today);
    const violations = toReported(
        await evaluateStack(resources, {
            config: { [SUPPORTED_VERSIONS_POLICY_NAME]: { today: supportDay } },
        }),
    );
    const support = supportStatus(programSettings(stack, config, overrides), today);
    const tree = componentTree(resources);
    const trafficPathModel = trafficPath(resources);
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(run.outputs))
        outputs[k] = run.secretOutputs.includes(k) ? "[secret]" : v;
    const project = resources[0]?.urn.split("::")[1] ?? "";
    return {
        recorded: resources,
        json: {
            stack,
            project,
            resources: resources.length,
            components: tree.unparented.types.length ? [...tree.roots, tree.unparented] : tree.roots,
            byType: countByType(resources),
            path: trafficPathModel,
            mermaid: mermaid(trafficPathModel),
            violations,
            outputs,
            support,
            supportDay,
            istioRevisions: istioRevisions(resources),
        },
    };
}

/**
 * The settings the program read from this config (the recording succeeded, so they are valid): the
 * same readSettings as index.ts, on the strings the CLI would hand it.
 */
function programSettings(
    stack: string,
    config: Record<string, unknown>,
    overrides: Record<string, string>,
): import("../components/config").PlatformSettings {
    const { readSettings, PROJECT }: typeof import("../components/config") = require("../components/config");
    const all: Record<string, string> = {};
    const put = (k: string, v: unknown) => {
        if (v !== undefined && v !== null)
            all[k.includes(":") ? k : `${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    };
    for (const [k, v] of Object.entries(config)) put(k, v);
    for (const [k, v] of Object.entries(overrides)) put(k, v);
    return readSettings(all, { stack, region: all["aws:region"] });
}

export function renderText(r: PlanReport): string {
    const roots = r.components.filter((c) => c.type !== "");
    const unparented = r.components.find((c) => c.type === "") ?? {
        name: "",
        type: "",
        total: 0,
        types: [],
        components: [],
    };
    const lines = [
        `Plan of stack ${r.stack} (project ${r.project}): ${r.resources} resources, recorded under mocks (no AWS, no Pulumi CLI)`,
        "",
        "Resources by component and type",
        ...componentLines(roots, unparented),
        "",
        "Ingress traffic path",
        ...pathLines(r.path),
        ...revisionLines(r.istioRevisions ?? []),
        "",
        "Policy verdicts",
    ];
    const blocks = violationBlocks(r.violations);
    if (blocks)
        lines.push(
            ...blocks
                .trimEnd()
                .split("\n")
                .map((l) => (l ? `  ${l}` : "")),
        );
    lines.push(`  ${summaryLine(r.violations, `${r.resources} resources`)}`);
    lines.push("", `Support status on ${r.supportDay} (docs/support.md)`);
    for (const l of r.support) lines.push(`  ${supportLineText(l)}`);
    if (Object.keys(r.outputs).length) {
        lines.push("", "Stack outputs (mock values)");
        for (const [k, v] of Object.entries(r.outputs))
            lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    return `${lines.join("\n")}\n`;
}

function writeExport(file: string, resources: RecordedResource[]): void {
    const { toStackExport }: typeof import("./mocks/pulumiMocks") = require("./mocks/pulumiMocks");
    try {
        fs.writeFileSync(file, `${JSON.stringify(toStackExport(resources), null, 2)}\n`);
    } catch (e) {
        throw new InputError(file, `cannot write: ${systemReason(e)}`);
    }
}

if (require.main === module) runMain(main);
