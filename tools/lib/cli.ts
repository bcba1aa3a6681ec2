// What the three command-line tools share: how they write, how they parse flags, and how a usage or
// input error becomes exit code 2 with one line naming the flag or file (never a stack trace).
import { parseArgs } from "util";
import { InputError } from "../inputs/errors";

/** Where a command writes; `process` satisfies it, tests pass string collectors. */
export interface CliIO {
    stdout: { write(text: string): unknown };
    stderr: { write(text: string): unknown };
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
