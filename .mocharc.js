// Mocha's settings. Mocha adds a config's `spec` to the files named on its command line, so with a
// fixed spec `npx mocha test/tools/plan.test.ts` would run the whole suite: the suite's spec applies
// only when no test file is named.
"use strict";

const SUITE = ["test/**/*.test.ts", "policies/**/*.spec.ts"];
const namesFiles = process.argv.slice(2).some((arg) => /\.(test|spec)\.ts$/.test(arg));

module.exports = {
    // The SDKs before the TypeScript hook (see preloadSdks.js), then transpile-only TypeScript for
    // the test process (the type-check is npm test's other half).
    require: ["./test/support/preloadSdks.js", "tsx/cjs"],
    ...(namesFiles ? {} : { spec: SUITE }),
    timeout: 20000,
    reporter: "./test/support/summaryReporter.js",
};
