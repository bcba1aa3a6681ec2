// The documentation as a whole (README.md and docs/*.md): every relative link reaches an existing
// file and, with a #fragment, a heading of that page as GitHub anchors it; every generated block is
// written by a test, so none is left to be kept in sync by hand.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docPages, ROOT } from "./readmeBlock";

/**
 * Pages the README links to that other changes add (each is created by its own branch). A link to
 * one is accepted while the page does not exist; once it does, its entry here must go, so that its
 * links and anchors are checked like any other page's.
 */
const PENDING_PAGES = ["docs/observability.md"];

/** Text outside fenced code blocks, with inline code spans kept (a link text may hold one). */
function prose(text: string): string {
    return text.replace(/^```[\s\S]*?^```/gm, "");
}

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** The anchors of a page's headings; a repeated heading gets -1, -2, ... as on GitHub. */
function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const m of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
        const base = anchorOf(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

/** Every relative link of `pages` that does not resolve, as "page: target (why)"; and how many were checked. */
function brokenLinks(
    pages: string[],
    root: string,
    pending: readonly string[] = [],
): { broken: string[]; checked: number } {
    const broken: string[] = [];
    let checked = 0;
    for (const page of pages) {
        const text = fs.readFileSync(page, "utf8");
        for (const m of prose(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)) {
            const target = m[1];
            if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
            checked++;
            const [file, fragment] = target.split("#", 2);
            const resolved = file ? path.resolve(path.dirname(page), file) : page;
            const shown = `${path.relative(root, page)}: ${target}`;
            const rel = path.relative(root, resolved).split(path.sep).join("/");
            if (!fs.existsSync(resolved)) {
                if (!pending.includes(rel)) broken.push(`${shown} (no such file)`);
                continue;
            }
            if (fragment === undefined) continue;
            if (!resolved.endsWith(".md")) {
                broken.push(`${shown} (an anchor into a file that is not a Markdown page)`);
                continue;
            }
            if (!anchors(fs.readFileSync(resolved, "utf8")).has(fragment))
                broken.push(`${shown} (no heading with anchor #${fragment} in ${rel})`);
        }
    }
    return { broken, checked };
}

describe("documentation pages", () => {
    it("every relative link reaches an existing file and heading anchor", () => {
        const { broken, checked } = brokenLinks(docPages(), ROOT, PENDING_PAGES);
        assert.ok(checked >= 30, `only ${checked} relative links found; is the link pattern still right?`);
        assert.deepEqual(broken, []);
    });

    it("a page announced as pending does not exist yet (once it does, its entry goes)", () => {
        for (const page of PENDING_PAGES)
            assert.ok(
                !fs.existsSync(path.join(ROOT, page)),
                `${page} exists now: remove it from PENDING_PAGES in test/docs/pages.test.ts`,
            );
    });

    it("anchors are GitHub's: lower case, punctuation and code marks dropped, spaces to hyphens", () => {
        assert.equal(
            anchorOf("`npm run check`: the pack over exports, previews and Kubernetes YAML"),
            "npm-run-check-the-pack-over-exports-previews-and-kubernetes-yaml",
        );
        assert.equal(anchorOf("dev and prod, side by side"), "dev-and-prod-side-by-side");
        assert.equal(anchorOf("After `up`"), "after-up");
        assert.equal(
            anchorOf("First deploy, replaced target groups, shared subnets"),
            "first-deploy-replaced-target-groups-shared-subnets",
        );
        assert.equal(anchorOf("HTTPS on a real hostname"), "https-on-a-real-hostname");
    });

    it("the checker reports a missing file, a missing anchor, and ignores links inside code", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "doc-links-"));
        try {
            fs.mkdirSync(path.join(root, "docs"));
            fs.writeFileSync(
                path.join(root, "README.md"),
                "# Top\n\n## Same\n\n## Same\n\n[a](docs/a.md#part-two) [b](docs/gone.md) [c](#same-1) [d](#nope)\n" +
                    "[e](https://example.com/x#y) [f](docs/later.md)\n\n```md\n[g](docs/in-code.md)\n```\n",
            );
            fs.writeFileSync(
                path.join(root, "docs", "a.md"),
                "# A\n\n## Part two\n\n[back](../README.md#top)\n",
            );
            const { broken, checked } = brokenLinks(docPages(root), root, ["docs/later.md"]);
            assert.equal(checked, 6);
            assert.deepEqual(broken, [
                "README.md: docs/gone.md (no such file)",
                "README.md: #nope (no heading with anchor #nope in README.md)",
            ]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("every generated block is named by a test that writes it", () => {
        const tests = fs
            .readdirSync(path.join(ROOT, "test"), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts") && !f.startsWith(`docs${path.sep}pages.test`))
            .map((f) => fs.readFileSync(path.join(ROOT, "test", f), "utf8"))
            .join("\n");
        const names = docPages().flatMap((page) =>
            [...fs.readFileSync(page, "utf8").matchAll(/^<!-- ([^/\s]\S*) -->$/gm)].map((m) => m[1]),
        );
        assert.ok(names.length >= 4, `only ${names.length} generated blocks found`);
        for (const name of names) assert.ok(tests.includes(`"${name}"`), `no test names block ${name}`);
    });
});
