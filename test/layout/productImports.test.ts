// Product code (the program, the components, the policy pack and the tools) never imports test code:
// `npm run plan` and the pack must work from a checkout without test/. Specs beside the policies
// (policies/*.spec.ts) are tests and may.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const PRODUCT = ["index.ts", "components", "policies", "tools"];

/** Every module specifier a TypeScript file names: import/export ... from, import(), require(), bare import. */
export function moduleSpecifiers(source: string): string[] {
    const found: string[] = [];
    const patterns = [
        /\b(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"']+)["']/g,
        /\bimport\s*["']([^"']+)["']/g,
        /\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g,
    ];
    for (const re of patterns) for (const m of source.matchAll(re)) found.push(m[1]);
    return found;
}

/** The specifiers in `file` (repo-relative) that resolve into test/. */
export function testImports(file: string, source: string): string[] {
    return moduleSpecifiers(source).filter((spec) => {
        if (!spec.startsWith(".")) return false;
        const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)).split(path.sep);
        return target[0] === "test";
    });
}

function productFiles(entry: string): string[] {
    const full = path.join(ROOT, entry);
    if (fs.statSync(full).isFile()) return [entry];
    return fs
        .readdirSync(full, { withFileTypes: true })
        .filter((d) => d.name !== "node_modules")
        .flatMap((d) => {
            const rel = path.join(entry, d.name);
            if (d.isDirectory()) return productFiles(rel);
            return /\.ts$/.test(d.name) && !/\.spec\.ts$/.test(d.name) ? [rel] : [];
        });
}

describe("layout: product code does not import test code", () => {
    it("finds a test import in every form a file can write it", () => {
        const source = [
            'import { a } from "../test/harness/x";',
            'import type { B } from "../../test/harness/y";',
            'export * from "../test/z";',
            'const h: typeof import("../test/w") = require("../test/w");',
            'import "../test/side-effect";',
            'import { ok } from "./lib/cli";',
            'import * as pulumi from "@pulumi/pulumi";',
        ].join("\n");
        assert.deepEqual(testImports("tools/plan.ts", source), [
            "../test/harness/x",
            "../test/z",
            "../test/side-effect",
            "../test/w",
            "../test/w",
        ]);
        assert.deepEqual(testImports("tools/plan/model.ts", source), ["../../test/harness/y"]);
        assert.deepEqual(testImports("tools/lib/cli.ts", 'import { x } from "../../testdata/x";'), []);
    });

    it("no file of index.ts, components/, policies/ (specs aside) or tools/ imports from test/", () => {
        const files = PRODUCT.flatMap(productFiles);
        assert.ok(files.includes(path.join("tools", "plan.ts")), "scans tools/");
        assert.ok(files.includes("index.ts"), "scans index.ts");
        const offenders = files.flatMap((f) =>
            testImports(f, fs.readFileSync(path.join(ROOT, f), "utf8")).map((s) => `${f}: ${s}`),
        );
        assert.deepEqual(offenders, []);
    });
});
