// The configuration table (docs/configuration.md) is generated from Pulumi.yaml (the one declared
// config schema), so the reference users read cannot drift from what the program accepts. To
// refresh it after changing the schema: UPDATE_README=1 npx mocha test/docs/readme.test.ts
// And the README as a front door: the commands it starts with, its length, its list of docs pages.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DECLARED_SCHEMA, PROJECT } from "../../components/config";
import { POLICY_PACK } from "../../tools/deploy";
import { assertDocBlock, docPages, README } from "./readmeBlock";

/** Renders the config reference as a Markdown table, one row per declared key. */
export function renderConfigTable(): string {
    const cell = (v: unknown) => (v === "" ? '`""`' : `\`${JSON.stringify(v)}\``).replace(/\|/g, "\\|");
    const rows = Object.entries(DECLARED_SCHEMA).map(
        ([key, spec]) =>
            `| \`${PROJECT}:${key}\` | ${spec.type} | ${cell(spec.default)} | ${spec.description} |`,
    );
    return ["| key | type | default | description |", "|---|---|---|---|", ...rows].join("\n");
}

describe("README", () => {
    it("config reference table equals the declared config schema", () => {
        assertDocBlock(
            "config:table",
            `\n${renderConfigTable()}\n`,
            "the declared config schema, Pulumi.yaml",
        );
    });

    it("starts newcomers with the test command CI runs and the deploy command that enforces the pack", () => {
        const text = fs.readFileSync(README, "utf8");
        const start = text.slice(
            text.indexOf("## Start here"),
            text.indexOf("\n## ", text.indexOf("## Start here") + 1),
        );
        assert.match(start, /^npm ci && npm test$/m);
        assert.match(start, /^npm run deploy -- --stack dev$/m);
        // That script is tools/deploy.ts `up`, which adds --policy-pack policies (test/tools/deploy.test.ts).
        assert.match(start, /runs `pulumi up --stack dev --policy-pack policies`/);
        assert.equal(POLICY_PACK, "policies");
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
        assert.equal(pkg.scripts.deploy, "tsx tools/deploy.ts up");
        const ci = fs.readFileSync(path.join(__dirname, "..", "..", ".ci", "run"), "utf8");
        assert.match(ci, /^npm ci$/m);
        assert.match(ci, /^npm test$/m);
    });

    it("has no copy-paste trap: no documentation-only address range (RFC 5737) in a command", () => {
        // 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 pass CIDR validation but no real client
        // has them: pasted into nlbSourceCidrs they lock the user out of their own gateway.
        const blocks = docPages().flatMap((page) =>
            [...fs.readFileSync(page, "utf8").matchAll(/```(?:sh|console)\n([\s\S]*?)```/g)].map((m) => ({
                page,
                block: m[1],
            })),
        );
        assert.ok(blocks.length >= 5, "the documentation has shell blocks");
        for (const { page, block } of blocks)
            assert.doesNotMatch(block, /\b(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+/, page);
    });

    it("is a short front door: at most 300 lines, dev and prod side by side before the reference", () => {
        const text = fs.readFileSync(README, "utf8");
        const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
        assert.ok(lines <= 300, `README.md has ${lines} lines; move reference material to docs/`);
        const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        assert.ok(
            headings.indexOf("dev and prod, side by side") >= 0 &&
                headings.indexOf("dev and prod, side by side") < headings.indexOf("What it builds"),
            headings.join(" | "),
        );
    });

    it("links every docs page from its Documentation list", () => {
        const text = fs.readFileSync(README, "utf8");
        const list = text.slice(text.indexOf("\n## Documentation\n"));
        const linked = new Set([...list.matchAll(/^- \[[^\]]+\]\((docs\/[^)#]+\.md)\)/gm)].map((m) => m[1]));
        const pages = docPages()
            .slice(1)
            .map((p) => path.relative(path.dirname(README), p).split(path.sep).join("/"));
        assert.ok(pages.length >= 9, "the docs pages exist");
        for (const page of pages) assert.ok(linked.has(page), `README's Documentation list misses ${page}`);
    });
});
