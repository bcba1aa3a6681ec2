// Usage help for the offline tools: `npm run check --format json dir` (no `--`) gets a message naming
// what npm took and the command that works, instead of a confusing "json: not found"; the same for
// plan; `npm run bench -- --help` prints usage instead of running. All in-process, with npm's
// environment faked exactly as npm 11 sets it (the values were observed with a probe script).
import { strict as assert } from "assert";
import { main as bench, USAGE as BENCH_USAGE } from "../../tools/bench";
import { main as check } from "../../tools/check";
import { npmSwallowedHint } from "../../tools/lib/cli";
import { main as plan } from "../../tools/plan";
import { FIXTURES, runInProcess } from "./run";

// What npm leaves in the environment of every script; none of it is a swallowed option.
const NPM_BASE = { npm_config_yes: "", npm_config_audit: "", npm_config_user_agent: "npm/11" };

describe("CLI hints when npm swallowed the options", () => {
    it("check --format json DIR without --: names --format and prints the command that works", async () => {
        // npm expands --format to its own --format-package-lock and passes "json" on as an argument.
        const dir = `${FIXTURES}/split`;
        const r = await runInProcess(check, ["json", dir], { ...NPM_BASE, npm_lifecycle_event: "check" });
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            'check: npm took --format as its own option, so it never reached the tool; put the tool\'s options after "--":\n' +
                `  npm run --silent check -- --format json ${dir}\n`,
        );
    });

    it("check --config FILE without --: npm exports npm_config_config=true and passes FILE on", async () => {
        const env = { ...NPM_BASE, npm_lifecycle_event: "check", npm_config_config: "true" };
        const r = await runInProcess(check, ["cfg.json", "json", "dir"], env);
        assert.match(r.stderr, /npm took --format, --config as its own options/);
        assert.match(r.stderr, /\n {2}npm run --silent check -- --format json --config cfg\.json dir\n$/);
    });

    it("plan --stack prod --format mermaid without --: both named, values put back", async () => {
        const env = { ...NPM_BASE, npm_lifecycle_event: "plan", npm_config_stack: "true" };
        const r = await runInProcess(plan, ["prod", "mermaid"], env);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^plan: npm took --format, --stack as its own options/);
        assert.match(r.stderr, /\n {2}npm run --silent plan -- --format mermaid --stack prod\n$/);
        // `--stack=prod` keeps the value in the environment.
        const eq = await runInProcess(plan, [], {
            ...NPM_BASE,
            npm_lifecycle_event: "plan",
            npm_config_stack: "prod",
        });
        assert.match(eq.stderr, /npm run --silent plan -- --stack prod\n$/);
    });

    it("stays quiet when the options did arrive, or the tool was not run by npm", () => {
        const flags = [{ name: "format", placeholder: "FORMAT", values: ["text", "json"] }];
        const npm = { ...NPM_BASE, npm_lifecycle_event: "check" };
        assert.equal(npmSwallowedHint(["--format", "json", "dir"], npm, flags), undefined);
        assert.equal(npmSwallowedHint(["--format=json", "dir"], npm, flags), undefined);
        assert.equal(npmSwallowedHint(["json", "dir"], undefined, flags), undefined, "not run by npm");
        assert.equal(npmSwallowedHint(["json"], { npm_lifecycle_event: "" }, flags), undefined);
        assert.equal(npmSwallowedHint(["dir"], npm, flags), undefined);
    });

    it("a real path that happens to be called like a format value is a path", () => {
        const flags = [{ name: "format", placeholder: "FORMAT", values: ["test"] }];
        assert.equal(npmSwallowedHint(["test"], { npm_lifecycle_event: "check" }, flags), undefined);
    });
});

describe("npm run bench", () => {
    it("prints usage for --help instead of running, and rejects arguments", async () => {
        const help = await runInProcess(bench, ["--help"]);
        assert.equal(help.code, 0);
        assert.equal(help.stdout, BENCH_USAGE);
        assert.match(BENCH_USAGE, /^usage: npm run bench/);
        const bad = await runInProcess(bench, ["--size", "5"]);
        assert.equal(bad.code, 2);
        assert.equal(
            bad.stderr,
            `bench: --size: unknown flag; allowed: --help, --tests, --runs\n${BENCH_USAGE}`,
        );
    });

    it("takes --runs with --tests only, as a whole number from 1 to 20, before timing anything", async () => {
        const alone = await runInProcess(bench, ["--runs", "3"]);
        assert.equal(alone.code, 2);
        assert.equal(alone.stderr, `bench: --runs: only with --tests\n${BENCH_USAGE}`);
        for (const v of ["0", "2.5", "many", "21"]) {
            const bad = await runInProcess(bench, ["--tests", "--runs", v]);
            assert.equal(bad.code, 2, v);
            assert.equal(bad.stdout, "");
            assert.equal(
                bad.stderr,
                `bench: --runs: "${v}" is not a whole number from 1 to 20\n${BENCH_USAGE}`,
            );
        }
    });
});
