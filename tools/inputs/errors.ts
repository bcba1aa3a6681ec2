// One error type for every input the checker can't use. The CLI turns it into exit code 2 and prints
// the message as is, so each message starts with the file (or flag) it is about and says what is
// wrong: a user fixes the input from the message alone, and nothing is reported as passing.

export class InputError extends Error {
    constructor(
        /** The file or flag the problem is in, as the user wrote it (never made absolute). */
        readonly source: string,
        /** What is wrong, and where possible what is allowed instead. */
        readonly problem: string,
    ) {
        super(`${source}: ${problem}`);
        this.name = "InputError";
    }
}

/** Short description of a JSON/YAML value for messages: "a string", "an array", "null"... */
export function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    const t = typeof value;
    return t === "object" ? "an object" : t === "undefined" ? "missing" : `a ${t}`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
