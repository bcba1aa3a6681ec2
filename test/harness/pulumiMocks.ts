// The tests' entry to the mock recorder (tools/mocks/pulumiMocks.ts, which `npm run plan` runs on
// too). The one difference: a stack named here reads its stack file from test/fixtures/stacks, the
// tests' own copies of the shipped examples, never the user's Pulumi.<stack>.yaml, which is theirs to
// change (tests that check whatever the user's files hold say so and pass PROJECT_ROOT).
import * as path from "path";
import * as mocks from "../../tools/mocks/pulumiMocks";

export * from "../../tools/mocks/pulumiMocks";

/** The folder of the tests' stack files (Pulumi.dev.yaml, Pulumi.prod.yaml as the project ships them). */
export const FIXTURE_STACKS = path.join(__dirname, "..", "fixtures", "stacks");

/** {@link mocks.recordStack} with the stack file read from {@link FIXTURE_STACKS} unless told otherwise. */
export function recordStack(
    stack: string,
    options: mocks.RecordStackOptions = {},
): ReturnType<typeof mocks.recordStack> {
    return mocks.recordStack(stack, { stackDir: FIXTURE_STACKS, ...options });
}

/** The effective config of a fixture stack: Pulumi.yaml defaults overlaid with its fixture stack file. */
export function loadFixtureStackConfig(stack: string): Record<string, unknown> {
    return mocks.loadStackConfig(stack, mocks.PROJECT_ROOT, FIXTURE_STACKS);
}
