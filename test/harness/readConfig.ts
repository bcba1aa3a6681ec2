// Settings read the way index.ts reads them (full keys, raw strings; non-strings JSON-encoded like
// the CLI's config), from bare keys, with the decisions a stack file leaves open answered: the one
// reader of the config tests that check a concern's keys and messages.
import { PlatformSettings, readSettings } from "../../components/config";
import { API_CIDRS_DECISION } from "./decisions";

/** Validated settings for the dev stack in us-west-2 from `values` (bare keys) over the defaults. */
export function readConfig(values: Record<string, unknown>): PlatformSettings {
    const all: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...API_CIDRS_DECISION, ...values }))
        all[`istio-eks-nlb:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return readSettings(all, { stack: "dev", region: "us-west-2" });
}
