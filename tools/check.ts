// `npm run --silent check -- [--format text|json] [--config FILE] PATH...`
// Runs every policy of the pack on Kubernetes manifests, `pulumi stack export` files and
// `pulumi preview --json` output, through the same evaluator the pack's tests use
// (policies/lib/evaluate.ts), so the offline verdict is the pack's verdict.
// Exit 0: no mandatory violation; 1: at least one; 2: bad usage or unusable input.
import * as fs from "fs";
import type { PolicyPackConfig } from "../policies/lib/types";
import { InputError } from "./inputs/errors";
import { systemReason } from "./inputs/files";
import { LoadedInputs, loadInputs } from "./inputs/load";
import { parseJson } from "./inputs/parse";
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
import { countMandatory, plural, summaryLine, toReported, violationBlocks } from "./lib/report";

export const USAGE = `usage: npm run --silent check -- [--format text|json] [--config FILE] PATH...
  PATH     a file or directory (walked for .yaml, .yml, .json): Kubernetes manifests, a
           \`pulumi stack export\`, or \`pulumi preview --json\` output; all PATHs form one stack.
           In directories, files that are not Kubernetes objects (Helm charts and values,
           templates, CI, compose) are skipped and listed; kustomize directories are built
           with kustomize or kubectl when on PATH, else their resources are read as they are
  --format text (default) or json
  --config a policy pack config file, as for \`pulumi preview --policy-pack-config\`
exit 0: no mandatory violation, 1: mandatory violations, 2: bad usage or input
`;

/** The flags as `npm run check` without `--` may swallow them. */
const HINT_FLAGS: readonly HintFlag[] = [
    { name: "format", placeholder: "FORMAT", values: ["text", "json"] },
    { name: "config", placeholder: "FILE" },
];

export async function main(argv: string[], io: CliIO): Promise<number> {
    const hint = npmSwallowedHint(argv, io.env, HINT_FLAGS);
    if (hint) {
        io.stderr.write(`check: ${hint}`);
        return EXIT_USAGE;
    }
    try {
        const { values, positionals } = parseFlags(argv, {
            format: { type: "string" },
            config: { type: "string" },
            help: { type: "boolean", short: "h" },
        });
        if (values.help) {
            io.stdout.write(USAGE);
            return EXIT_OK;
        }
        const format = oneOf("--format", values.format, ["text", "json"] as const, "text");
        if (positionals.length === 0)
            throw new InputError("PATH", "missing; give at least one file or directory");
        const config = values.config === undefined ? undefined : readPolicyConfig(values.config);

        const inputs = loadInputs(positionals, io.env ?? process.env);
        // The engine hands stack policies every resource, including the stack root and providers,
        // and so does the evaluator (parents and provider links stay resolvable); the count shown
        // to users leaves those out, as they are Pulumi bookkeeping, not infrastructure.
        const counted = inputs.resources.filter((r) => !isBookkeeping(r.type)).length;
        if (counted === 0) {
            const skipped = inputs.skipped.length
                ? `; skipped ${inputs.skipped.length} ${plural(inputs.skipped.length, "file")} that ${inputs.skipped.length === 1 ? "is" : "are"} not Kubernetes objects (${inputs.skipped[0].file}: ${inputs.skipped[0].reason}${inputs.skipped.length > 1 ? ", ..." : ""})`
                : "";
            throw new InputError(
                positionals.join(" "),
                `no resources found (only empty lists, or only the stack root and providers)${skipped}; nothing to check`,
            );
        }
        const { evaluateStack } = evaluator();
        const violations = toReported(await evaluateStack(inputs.resources, { config }), inputs.labels);

        if (format === "json") {
            const { skipped, notices } = inputs;
            io.stdout.write(
                `${JSON.stringify({ resources: counted, violations, skipped, notices }, null, 2)}\n`,
            );
        } else {
            const builds = inputs.files.filter((f) => f.kind === "kustomize build").length;
            const fileCount = inputs.files.length - builds;
            const scope =
                `${counted} ${plural(counted, "resource")} from ${fileCount} ${plural(fileCount, "file")}` +
                (builds ? ` and ${builds} kustomize ${plural(builds, "build")}` : "");
            const blocks = violationBlocks(violations);
            io.stdout.write(
                `${blocks}${blocks ? "\n" : ""}${inputNotes(inputs)}${summaryLine(violations, scope)}\n`,
            );
        }
        return countMandatory(violations) > 0 ? EXIT_MANDATORY : EXIT_OK;
    } catch (e) {
        if (e instanceof InputError || (e as Error)?.name === "PolicyConfigError") {
            io.stderr.write(`check: ${(e as Error).message}\n`);
            if (e instanceof InputError && (e.source.startsWith("-") || e.source === "PATH"))
                io.stderr.write(USAGE);
            return EXIT_USAGE;
        }
        throw e;
    }
}

/** The skipped files and notices, as lines before the summary (empty when there are none). */
function inputNotes(inputs: LoadedInputs): string {
    const lines: string[] = [];
    if (inputs.skipped.length) {
        const n = inputs.skipped.length;
        lines.push(`skipped ${n} ${plural(n, "file")} (not read as Kubernetes objects):`);
        for (const s of inputs.skipped) lines.push(`  ${s.file}: ${s.reason}`);
    }
    for (const n of inputs.notices) lines.push(`notice: ${n}`);
    return lines.length ? `${lines.join("\n")}\n` : "";
}

/** The stack root and provider resources. */
export function isBookkeeping(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/** Reads and validates the policy config file with the pack's own validator. */
function readPolicyConfig(file: string): PolicyPackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(file, `cannot read policy config: ${systemReason(e)}`);
    }
    if (text.trim() === "")
        throw new InputError(file, "empty policy config file; expected a JSON object keyed by policy name");
    // The same file `pulumi preview --policy-pack-config` reads: JSON.
    const parsed = parseJson(file, text)[0].value;
    return evaluator().validatePolicyPackConfig(parsed, file);
}

/**
 * The pack's evaluator, loaded on first use: it pulls in @pulumi/policy and the Pulumi SDK, which
 * a run that stops at a usage or input error (exit 2) never needs.
 */
function evaluator(): typeof import("../policies/lib/evaluate") {
    return require("../policies/lib/evaluate");
}

if (require.main === module) runMain(main);
