// Parses one input file into its documents: JSON (one document) or YAML (one or more, `---`
// separated, as `helm template` and `kubectl get -o yaml` print them). Parse errors carry the line
// and column so that the user can find them.
import * as path from "path";
import { Composer, Parser } from "yaml";
import { InputError } from "./errors";
import { jsonErrorOffset } from "./jsonPosition";

export interface ParsedDocument {
    /** The document as plain data. */
    value: unknown;
    /** 1-based line where the document starts, for messages about a YAML stream; 1 for JSON. */
    line: number;
    /** 1-based position of the document in its file. */
    index: number;
}

/**
 * Returns the non-empty documents of the file. Empty YAML documents (a `---` followed only by
 * comments, which `helm template` prints for templates that render nothing) are dropped, as kubectl
 * drops them; a file with no document at all is an error, never an empty (passing) stack.
 */
export function parseDocuments(file: string, text: string): ParsedDocument[] {
    if (text.trim() === "")
        throw new InputError(
            file,
            "empty file: expected Kubernetes YAML/JSON, a stack export or preview JSON",
        );
    const docs = documentsOf(file, text);
    if (docs.length === 0)
        throw new InputError(file, "empty file: it holds only comments or empty documents");
    return docs;
}

/**
 * The non-empty documents of a file that is not blank, possibly none (only comments or empty
 * documents); malformed text is an InputError naming the line and column.
 */
export function documentsOf(file: string, text: string): ParsedDocument[] {
    // `.json` is parsed strictly as JSON: YAML would accept JSON with trailing commas or comments
    // and hide a file that other tools (pulumi stack import) reject.
    return path.extname(file).toLowerCase() === ".json" ? parseJson(file, text) : parseYaml(file, text);
}

/** Parses a JSON file strictly; errors name the file, the line and column. */
export function parseJson(file: string, text: string): ParsedDocument[] {
    try {
        return [{ value: JSON.parse(text), line: 1, index: 1 }];
    } catch (e) {
        // Node's wording without the location (stated once, below) or the multi-line excerpt some
        // Node versions append.
        const reason = (e as Error).message
            .replace(/\s*\(line \d+ column \d+\)/, "")
            .replace(/ (in JSON )?at position \d+/, "")
            .replace(/, (\.\.\.)?"[\s\S]*is not valid JSON$/, "");
        const where = ` at ${lineColumn(text, jsonErrorOffset(text))}`;
        throw new InputError(file, `malformed JSON${where}: ${reason}`);
    }
}

/**
 * Parses a YAML stream one document at a time: each document's syntax tree is dropped as soon as
 * its value is taken, so memory holds the text and the values, never every document's tree at once
 * (a 200 MB `helm template` output has 200,000 of them).
 */
function parseYaml(file: string, text: string): ParsedDocument[] {
    const out: ParsedDocument[] = [];
    const lines = lineCounter(text);
    const composer = new Composer({});
    let index = 0;
    for (const doc of composer.compose(new Parser().parse(text), true, text.length)) {
        index++;
        const error = doc.errors[0];
        if (error) {
            const { line, column } = lines(error.pos[0]);
            // The yaml library's message can carry its own location and a source excerpt; keep the
            // first sentence only, and state the location once in our own words.
            const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
            throw new InputError(file, `malformed YAML at line ${line}, column ${column}: ${reason}`);
        }
        const value: unknown = doc.toJS({ maxAliasCount: 1000 });
        if (value === null || value === undefined) continue;
        out.push({ value, line: lines(doc.range?.[0] ?? 0).line, index });
    }
    return out;
}

/**
 * Line and column of offsets asked in (mostly) increasing order, counting each newline once: the
 * documents of a stream are met in order, so counting from the previous answer keeps a stream of
 * any number of documents linear (counting from the start for each one was quadratic: 10,000
 * documents took seconds). An offset before the previous one counts again from the start.
 */
export function lineCounter(text: string): (offset: number) => { line: number; column: number } {
    let at = 0;
    let line = 1;
    let lineStart = 0;
    return (offset) => {
        if (offset < at) {
            at = 0;
            line = 1;
            lineStart = 0;
        }
        const end = Math.min(offset, text.length);
        for (let nl = text.indexOf("\n", at); nl !== -1 && nl < end; nl = text.indexOf("\n", nl + 1)) {
            line++;
            lineStart = nl + 1;
        }
        at = end;
        return { line, column: offset - lineStart + 1 };
    };
}

function lineColumn(text: string, offset: number): string {
    const { line, column } = lineCounter(text)(offset);
    return `line ${line}, column ${column}`;
}
