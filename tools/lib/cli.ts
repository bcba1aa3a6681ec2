// What the three command-line tools share: how they write, how they parse flags, and how a usage or
// input error becomes exit code 2 with one line naming the flag or file (never a stack trace).
import * as fs from "fs";
import { parseArgs } from "util";
import { InputError } from "../inputs/errors";

/** Where a command writes; `process` satisfies it, tests pass string collectors. */
export interface CliIO {
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown };
    /**
     * The environment: read for what npm did to the arguments (absent: not run by npm) and for
     * PATH when a tool is looked up (`process.env` when absent).
     */
    env?: Record<string, string | undefined>;
}

export const EXIT_OK = 0;
export const EXIT_MANDATORY = 1;
export const EXIT_USAGE = 2;

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

/**
 * util.parseArgs in strict mode, with its errors re-worded as InputErrors naming the flag and what
 * is allowed (its own messages suggest `--` tricks that don't apply here).
 */
export function parseFlags<T extends OptionSpec>(
    argv: string[],
    options: T,
): {
    values: {
        [K in keyof T]?: T[K] extends { multiple: true }
            ? string[]
            : T[K]["type"] extends "string"
              ? string
              : boolean;
    };
    positionals: string[];
} {
    const allowed = Object.keys(options)
        .map((k) => `--${k}`)
        .join(", ");
    try {
        const { values, positionals } = parseArgs({
            args: argv,
            options,
            allowPositionals: true,
            strict: true,
        });
        return { values: values as never, positionals };
    } catch (e) {
        const err = e as Error & { code?: string };
        const flag = /'(-[^']*)'/.exec(err.message)?.[1] ?? "arguments";
        if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
            throw new InputError(flag, `unknown flag; allowed: ${allowed}`);
        if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
            throw new InputError(flag.split(" ")[0].replace(/,$/, ""), "needs a value");
        }
        throw new InputError(flag, err.message);
    }
}

/** A tool's flag as the npm hint needs it: `placeholder` when it takes a value, `values` when they are fixed. */
export interface HintFlag {
    name: string;
    placeholder?: string;
    values?: readonly string[];
}

/**
 * `npm run check --format json dir` (no `--`): npm takes options it does not know as its own config,
 * exports them to the script as npm_config_<name> ("true", or the value of `--name=value`) and passes
 * the option's value on as a plain argument; `--format` is even expanded to npm's own
 * `--format-package-lock`, leaving only `json`. When that happened to any of `flags`, returns the
 * message naming the swallowed options and the command the user meant; otherwise undefined.
 */
export function npmSwallowedHint(
    argv: string[],
    env: Record<string, string | undefined> | undefined,
    flags: readonly HintFlag[],
): string | undefined {
    const script = env?.npm_lifecycle_event;
    if (!script) return undefined;
    const given = new Set(argv.filter((a) => a.startsWith("--")).map((a) => a.slice(2).split("=")[0]));
    const rest = [...argv];
    const meant: string[] = [];
    const swallowed: string[] = [];
    const takeValue: HintFlag[] = [];
    const booleans: string[] = [];
    for (const f of flags) {
        if (given.has(f.name)) continue;
        const v = env[`npm_config_${f.name.replace(/-/g, "_")}`];
        if (v !== undefined && v !== "") {
            if (!f.placeholder) booleans.push(`--${f.name}`);
            else if (v === "true") takeValue.push(f);
            else {
                swallowed.push(`--${f.name}`);
                meant.push(`--${f.name}`, v);
            }
            continue;
        }
        const i = f.values ? rest.findIndex((a) => f.values!.includes(a) && !fs.existsSync(a)) : -1;
        if (i >= 0) {
            swallowed.push(`--${f.name}`);
            meant.push(`--${f.name}`, rest.splice(i, 1)[0]);
        }
    }
    // `--name value`: the value went on as an argument; the usage puts options first, so it is the
    // first argument left.
    for (const f of takeValue) {
        const i = rest.findIndex((a) => !a.startsWith("-"));
        swallowed.push(`--${f.name}`);
        meant.push(`--${f.name}`, i >= 0 ? rest.splice(i, 1)[0] : f.placeholder!);
    }
    // A boolean alone proves nothing (CI often exports npm_config_yes=true); beside a swallowed
    // option it was most likely typed on the same line.
    if (swallowed.length === 0) return undefined;
    swallowed.push(...booleans);
    meant.push(...booleans);
    const many = swallowed.length > 1;
    return (
        `npm took ${swallowed.join(", ")} as its own option${many ? "s" : ""}, so ${many ? "they" : "it"} never reached the tool; ` +
        `put the tool's options after "--":\n  npm run --silent ${script} -- ${[...meant, ...rest].join(" ")}\n`
    );
}

/** Checks a flag's value against its allowed set. */
export function oneOf<T extends string>(
    flag: string,
    value: string | undefined,
    allowed: readonly T[],
    dflt: T,
): T {
    if (value === undefined) return dflt;
    if (!(allowed as readonly string[]).includes(value)) {
        throw new InputError(
            flag,
            `${JSON.stringify(value)} is not allowed; use one of ${allowed.join(", ")}`,
        );
    }
    return value as T;
}

/**
 * Runs a command's main from its entry file: the exit code is set (not forced with process.exit)
 * so buffered output is flushed; anything unexpected is printed without a stack trace unless
 * DEBUG is set, since users act on the message, not on our call stack.
 */
export function runMain(main: (argv: string[], io: CliIO) => Promise<number>): void {
    main(process.argv.slice(2), process).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(
                `${process.env.DEBUG ? (e as Error)?.stack : ((e as Error)?.message ?? e)}\n`,
            );
            process.exitCode = EXIT_USAGE;
        },
    );
}
