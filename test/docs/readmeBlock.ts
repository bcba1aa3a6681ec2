// The documentation's generated blocks: the text between `<!-- name -->` and `<!-- /name -->`, kept
// equal to what the project prints (the config table from Pulumi.yaml, the plan's Mermaid diagrams,
// sample runs of the tools). A block lives in README.md or in one docs/*.md page, wherever the text
// around it belongs; its test finds it by name. `UPDATE_README=1` makes a test rewrite the block in
// the page that holds it instead of failing.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");
export const README = path.join(ROOT, "README.md");

/** README.md and every docs/*.md page, the files a generated block may live in. */
export function docPages(root: string = ROOT): string[] {
    const docs = path.join(root, "docs");
    const pages = fs.existsSync(docs)
        ? fs
              .readdirSync(docs)
              .filter((f) => f.endsWith(".md"))
              .sort()
              .map((f) => path.join(docs, f))
        : [];
    return [path.join(root, "README.md"), ...pages];
}

/** A page split at a block: through the start marker, the body, from the end marker on. */
export interface DocBlock {
    file: string;
    before: string;
    body: string;
    after: string;
}

/** A page as messages name it: relative to the project root when it is in the project. */
function shown(file: string): string {
    const rel = path.relative(ROOT, file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/** Block `name`, which must occur exactly once in all of `files` (default: {@link docPages}). */
export function readmeBlock(name: string, files: string[] = docPages()): DocBlock {
    const start = `<!-- ${name} -->`;
    const end = `<!-- /${name} -->`;
    const found: DocBlock[] = [];
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8");
        for (let i = text.indexOf(start); i >= 0; i = text.indexOf(start, i + start.length)) {
            const j = text.indexOf(end, i);
            assert.ok(j > i, `${shown(file)} has ${start} without ${end} after it`);
            found.push({
                file,
                before: text.slice(0, i + start.length),
                body: text.slice(i + start.length, j),
                after: text.slice(j),
            });
        }
    }
    const searched = files.map(shown).join(", ");
    assert.ok(found.length > 0, `no block ${start} ... ${end} in ${searched}`);
    assert.ok(
        found.length === 1,
        `block ${start} occurs ${found.length} times (${found.map((b) => shown(b.file)).join(", ")}); it must occur once in ${searched}`,
    );
    return found[0];
}

export interface AssertBlockOptions {
    /** Where to look (default: {@link docPages}). */
    files?: string[];
    /** Rewrite a stale block instead of failing (default: `UPDATE_README=1` in the environment). */
    update?: boolean;
}

/**
 * Asserts that block `name` is exactly `body`. assert.ok, not assert.equal: the message shows the
 * whole block once, ready to paste, with the command that prints it, instead of a line diff.
 */
export function assertDocBlock(
    name: string,
    body: string,
    command: string,
    { files, update = process.env.UPDATE_README === "1" }: AssertBlockOptions = {},
): void {
    const block = readmeBlock(name, files);
    if (block.body === body) return;
    if (update) {
        fs.writeFileSync(block.file, block.before + body + block.after);
        return;
    }
    assert.ok(
        false,
        `${shown(block.file)} must contain exactly this block (${command}; UPDATE_README=1 npx mocha <this test file> rewrites it):\n\n<!-- ${name} -->${body}<!-- /${name} -->\n\nfound:\n${block.body}\n`,
    );
}

/** Asserts that block `name` is exactly `mermaid` in a fenced block: the output of `command`. */
export function assertReadmeMermaid(name: string, mermaid: string, command: string): void {
    assertDocBlock(name, `\n\`\`\`mermaid\n${mermaid}\`\`\`\n`, `output of ${command}`);
}
