// Moved with the mock recorder to tools/mocks/projectConfig.ts (product code); kept as a re-export.
export * from "../../tools/mocks/projectConfig";
