// The mock recorder is product code now (`npm run plan` runs on it): tools/mocks/pulumiMocks.ts.
// This re-export keeps older imports from test/harness working; new code imports tools/mocks.
export * from "../../tools/mocks/pulumiMocks";
