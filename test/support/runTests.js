// `npm test`: the type-check (test/support/typecheck.js) and the whole mocha suite, side by side.
// Mocha's output streams as it runs; the type-check's diagnostics are printed when both are done.
// Fails when either fails: a type error fails the run even when every test passes.
// Extra arguments go to mocha (`npm test -- --grep NLB`).
"use strict";
const { spawn } = require("child_process");
const path = require("path");
const { summary, typecheck } = require("./typecheck");

const ROOT = path.join(__dirname, "..", "..");

// A larger young generation: recording the platform under mocks allocates many short-lived
// promises and Outputs, and with the default size the scavenger ran for about a quarter of a
// recording's time; tsc gains from it too. Set through NODE_OPTIONS, so that the tools the tests
// start get it as well.
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--max-semi-space-size=32"].filter(Boolean).join(" ");

function runMocha(args) {
    const mocha = require.resolve("mocha/bin/mocha.js", { paths: [ROOT] });
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [mocha, ...args], {
            cwd: ROOT,
            stdio: "inherit",
        });
        child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
}

async function main() {
    const [checked, mochaCode] = await Promise.all([typecheck(), runMocha(process.argv.slice(2))]);
    if (checked.output) console.log(checked.output);
    console.log(summary(checked));
    process.exitCode = checked.code !== 0 ? checked.code : mochaCode;
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
});
