// Identity of the pack (used by index.ts and by the evaluator's engine-identical messages).
import * as fs from "fs";
import * as path from "path";

export const PACK_NAME = "istio-eks-nlb-guardrails";
/** The version the engine reports (`policies/package.json`). */
export const PACK_VERSION: string = JSON.parse(
    fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"),
).version;
/** The pack's default level, for policies that set none (@pulumi/policy's default). */
export const PACK_ENFORCEMENT_LEVEL = "advisory" as const;
