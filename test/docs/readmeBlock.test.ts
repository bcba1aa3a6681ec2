// The generated-block reader on pages of its own (a temporary README.md and docs/): a block is found
// in whichever page holds it, exactly once in all; a missing or repeated block is named with the
// files searched; the refresh rewrites only that block, in that page.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assertDocBlock, docPages, readmeBlock } from "./readmeBlock";

describe("generated documentation blocks", () => {
    let root: string;
    let files: string[];
    const page = (rel: string) => path.join(root, rel);
    const write = (rel: string, text: string) => fs.writeFileSync(page(rel), text);

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "doc-blocks-"));
        fs.mkdirSync(path.join(root, "docs", "examples"), { recursive: true });
        write("README.md", "# title\n<!-- a -->\nin the readme\n<!-- /a -->\n");
        write("docs/zeta.md", "text\n<!-- b -->\nold\n<!-- /b -->\ntail\n<!-- c -->x<!-- /c -->\n");
        write("docs/alpha.md", "no blocks\n");
        write("docs/examples/not-a-page.md", "<!-- b -->\nnot read\n<!-- /b -->\n");
        files = docPages(root);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("pages are README.md, then docs/*.md in name order; docs/ subfolders are not pages", () => {
        assert.deepEqual(files, [page("README.md"), page("docs/alpha.md"), page("docs/zeta.md")]);
    });

    it("finds a block in the README or in a docs page, with the page that holds it", () => {
        assert.deepEqual(readmeBlock("a", files), {
            file: page("README.md"),
            before: "# title\n<!-- a -->",
            body: "\nin the readme\n",
            after: "<!-- /a -->\n",
        });
        const b = readmeBlock("b", files);
        assert.equal(b.file, page("docs/zeta.md"));
        assert.equal(b.body, "\nold\n");
        assert.equal(readmeBlock("c", files).body, "x");
    });

    it("a block in no page, in two pages, or twice in one page is an error naming the files searched", () => {
        const searched = `${page("README.md")}, ${page("docs/alpha.md")}, ${page("docs/zeta.md")}`;
        assert.throws(
            () => readmeBlock("missing", files),
            (e: Error) => e.message === `no block <!-- missing --> ... <!-- /missing --> in ${searched}`,
        );
        write("docs/alpha.md", "<!-- a -->\ncopy\n<!-- /a -->\n");
        assert.throws(
            () => readmeBlock("a", files),
            (e: Error) =>
                e.message ===
                `block <!-- a --> occurs 2 times (${page("README.md")}, ${page("docs/alpha.md")}); it must occur once in ${searched}`,
        );
        write("docs/alpha.md", "<!-- c -->1<!-- /c --> <!-- c -->2<!-- /c -->\n");
        assert.throws(() => readmeBlock("c", files), /block <!-- c --> occurs 3 times/);
    });

    it("a start marker without its end marker is named", () => {
        write("docs/alpha.md", "<!-- d -->\nnever closed\n");
        assert.throws(
            () => readmeBlock("d", files),
            (e: Error) =>
                e.message === `${page("docs/alpha.md")} has <!-- d --> without <!-- /d --> after it`,
        );
    });

    it("a stale block fails with the whole expected block and its command; an equal one passes", () => {
        assertDocBlock("b", "\nold\n", "the b command", { files, update: false });
        assert.throws(
            () => assertDocBlock("b", "\nnew\n", "the b command", { files, update: false }),
            (e: Error) =>
                e.message.startsWith(
                    `${page("docs/zeta.md")} must contain exactly this block (the b command; UPDATE_README=1 npx mocha <this test file> rewrites it):\n\n<!-- b -->\nnew\n<!-- /b -->\n\nfound:\n\nold\n`,
                ),
        );
        assert.equal(fs.readFileSync(page("docs/zeta.md"), "utf8").includes("new"), false, "not rewritten");
    });

    it("the refresh rewrites the block in the page that holds it and nothing else", () => {
        const readme = fs.readFileSync(page("README.md"), "utf8");
        assertDocBlock("b", "\nnew\n", "the b command", { files, update: true });
        assert.equal(
            fs.readFileSync(page("docs/zeta.md"), "utf8"),
            "text\n<!-- b -->\nnew\n<!-- /b -->\ntail\n<!-- c -->x<!-- /c -->\n",
        );
        assert.equal(fs.readFileSync(page("README.md"), "utf8"), readme);
        assert.equal(
            fs.readFileSync(page("docs/examples/not-a-page.md"), "utf8"),
            "<!-- b -->\nnot read\n<!-- /b -->\n",
        );
    });
});
