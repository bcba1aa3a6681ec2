// Shared setup of the component tests: record index.ts once per stack configuration.
import * as path from "path";
import { loadStackConfig, recordProgram, requireFresh, RecordResult } from "../harness/pulumiMocks";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "..", "..");
const INDEX = path.join(ROOT, "index.ts");

/** Records index.ts for `stack` (its stack file plus Pulumi.yaml defaults), with optional overrides. */
export function recordStack(
    stack: string,
    overrides: Record<string, unknown> = {},
    preview = false,
): Promise<RecordResult<Record<string, unknown>>> {
    const config = { ...loadStackConfig(stack, ROOT) };
    for (const [k, v] of Object.entries(overrides)) config[k.includes(":") ? k : `istio-eks-nlb:${k}`] = v;
    return recordProgram(() => requireFresh(INDEX), { stack, config, preview });
}
