// npm test skips the type-check when none of its inputs changed (test/support/typecheck.js). Its
// list of root files must be the one tsc reads from tsconfig.json, or a new file could go unchecked.
import { strict as assert } from "assert";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
const { includedFiles } = require("../support/typecheck") as { includedFiles(): string[] };

describe("the type-check cache of npm test", () => {
    it("walks exactly the root files tsc takes from tsconfig.json", () => {
        const parsed = ts.getParsedCommandLineOfConfigFile(
            path.join(ROOT, "tsconfig.json"),
            {},
            {
                ...ts.sys,
                onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)),
            },
        );
        assert.ok(parsed);
        const fromTsc = parsed.fileNames.map((f) => path.relative(ROOT, f).split(path.sep).join("/")).sort();
        assert.ok(fromTsc.length > 50, "tsc finds the project's files");
        assert.deepEqual([...includedFiles()].sort(), fromTsc);
    });
});
