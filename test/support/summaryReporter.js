// Mocha's dot reporter plus one plain closing line, "tests: N passed, N failed, N skipped",
// so that CI logs (and any tool reading them) get a language-neutral summary.
"use strict";
const Mocha = require("mocha");

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Dot {
    constructor(runner, options) {
        super(runner, options);
        runner.once(EVENT_RUN_END, () => {
            const { passes, failures, pending } = this.stats;
            process.stdout.write(`tests: ${passes} passed, ${failures} failed, ${pending} skipped\n`);
        });
    }
}

module.exports = SummaryReporter;
