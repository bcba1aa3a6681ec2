// The README's generated blocks: the text between `<!-- name -->` and `<!-- /name -->`, kept equal to
// what the project prints (the config table from Pulumi.yaml, the plan's Mermaid diagrams).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

export const README = path.join(__dirname, "..", "..", "README.md");

/** The README split at block `name`: through the start marker, the body, from the end marker on. */
export function readmeBlock(
    name: string,
    text: string = fs.readFileSync(README, "utf8"),
): { before: string; body: string; after: string } {
    const start = `<!-- ${name} -->`;
    const end = `<!-- /${name} -->`;
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    assert.ok(i >= 0 && j > i, `README.md must contain ${start} ... ${end}`);
    return {
        before: text.slice(0, i + start.length),
        body: text.slice(i + start.length, j),
        after: text.slice(j),
    };
}

/**
 * Asserts that README block `name` is exactly `mermaid` in a fenced block. assert.ok, not
 * assert.equal: the message shows the whole block once, ready to paste, with the command that
 * prints it, instead of a line diff.
 */
export function assertReadmeMermaid(name: string, mermaid: string, command: string): void {
    const expected = `\n\`\`\`mermaid\n${mermaid}\`\`\`\n`;
    const { body } = readmeBlock(name);
    assert.ok(
        body === expected,
        `README.md must contain exactly this block (output of ${command}):\n\n<!-- ${name} -->${expected}<!-- /${name} -->\n\nfound:\n${body}\n`,
    );
}
