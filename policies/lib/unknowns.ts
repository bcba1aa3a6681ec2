// The engine's unknown-value proxy and error, loaded from @pulumi/policy's own `proxy` module: the
// same module instance its index re-exports, so `instanceof UnknownValueError` agrees with the
// analyzer's (a test checks this). Importing the index instead would load @pulumi/pulumi and gRPC,
// about 0.7 s, into every offline `npm run check` that never needs them.
import type * as policy from "@pulumi/policy";

const proxy: Pick<typeof policy, "unknownCheckingProxy" | "UnknownValueError"> &
    Record<`unknown${string}Value`, string> = require("@pulumi/policy/proxy");

/** Wraps props so that reading an unknown value throws UnknownValueError, as in a real preview. */
export const unknownCheckingProxy = proxy.unknownCheckingProxy;
/** Thrown by the proxy on reading a value unknown at preview. */
export const UnknownValueError = proxy.UnknownValueError;
/** Instance type of {@link UnknownValueError}. */
export type UnknownValueError = InstanceType<typeof proxy.UnknownValueError>;

/**
 * The engine's unknown sentinels (string, number, boolean, array, asset, archive, object), as the proxy
 * module defines them: seen as plain strings when props are read without the proxy.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set(
    ["String", "Number", "Boolean", "Array", "Asset", "Archive", "Object"].map(
        (t) => proxy[`unknown${t}Value`],
    ),
);
