// Parses one input file into its documents: JSON (one document) or YAML (one or more, `---`
// separated, as `helm template` and `kubectl get -o yaml` print them). Parse errors carry the line
// and column so that the user can find them.
import * as path from "path";
import { parseAllDocuments } from "yaml";
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

function parseYaml(file: string, text: string): ParsedDocument[] {
    const out: ParsedDocument[] = [];
    const docs = parseAllDocuments(text, { prettyErrors: true });
    // A stream that isn't YAML at all can come back as an empty-collection EmptyStream object.
    if (!Array.isArray(docs)) return out;
    let index = 0;
    for (const doc of docs) {
        index++;
        const error = doc.errors[0];
        if (error) {
            const pos = error.linePos?.[0];
            const where = pos ? ` at line ${pos.line}, column ${pos.col}` : "";
            // The yaml library appends the location and a source excerpt to its message; keep the
            // first sentence only, and state the location once in our own words.
            const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
            throw new InputError(file, `malformed YAML${where}: ${reason}`);
        }
        const value: unknown = doc.toJS({ maxAliasCount: 1000 });
        if (value === null || value === undefined) continue;
        const offset = doc.range?.[0] ?? 0;
        out.push({ value, line: lineColumnOf(text, offset).line, index });
    }
    return out;
}

function lineColumnOf(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < text.length; i++) {
        if (text.charCodeAt(i) === 10) {
            line++;
            lineStart = i + 1;
        }
    }
    return { line, column: offset - lineStart + 1 };
}

function lineColumn(text: string, offset: number): string {
    const { line, column } = lineColumnOf(text, offset);
    return `line ${line}, column ${column}`;
}
