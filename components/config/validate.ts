// The one error shape for bad configuration and the generic validators every concern uses. Each
// message names the full key, the bad value and what is allowed, so a user can fix it without
// reading code; nothing is registered before validation passes.

import { RunError } from "@pulumi/pulumi";

/** The project name: the config namespace of every declared key. */
export const PROJECT = "istio-eks-nlb";

/**
 * The one error class thrown for any invalid configuration value. A Pulumi RunError, so `pulumi up`
 * prints its message without a stack trace, also when a check can only run inside an apply (the
 * region's zones). Its message is fixed: the SDK prefixes `error serializing property "x": ` to an
 * error each time it rejects a resource input, and a config error must read the same everywhere.
 */
export class ConfigError extends RunError {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
        Object.defineProperty(this, "message", {
            get: () => message,
            set: () => undefined,
            enumerable: false,
            configurable: true,
        });
    }
}

const fmt = (v: unknown): string => (v === undefined ? "(unset)" : (JSON.stringify(v) ?? String(v)));

/** Builds the one error message shape: key, bad value, what is allowed. */
export function configError(key: string, value: unknown, allowed: string): ConfigError {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    return new ConfigError(`Invalid config "${full}": ${fmt(value)} ${allowed}`);
}

/** IPv4 dotted quad to an unsigned 32-bit integer. */
export function ipToInt(octets: number[]): number {
    return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

/** True for a canonical IPv4 CIDR such as 10.0.0.0/16 (host bits must be zero). */
export function isIpv4Cidr(value: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return false;
    const ip = ipToInt(octets);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (ip & ~mask) >>> 0 === 0;
}

/** Throws unless `value` is a canonical IPv4 CIDR. */
export function validateCidr(key: string, value: string): void {
    if (!isIpv4Cidr(value)) {
        throw configError(key, value, "is not a valid IPv4 CIDR (like 10.0.0.0/16, host bits zero)");
    }
}

/** Throws unless every element is a canonical IPv4 CIDR. */
export function validateCidrList(key: string, values: string[]): void {
    for (const v of values) validateCidr(key, v);
}

/** How an integer range reads in its message, when its bounds need more than the numbers. */
export interface RangeWording {
    /** Names the lower bound (e.g. `gatewayReplicas (3)`, when it comes from another key); default: the number. */
    min?: string;
    /** Why the range is what it is, appended to the message (e.g. `(at least 2 AZs)`). */
    note?: string;
}

/** Throws unless `value` is an integer in [min, max]. */
export function validateIntRange(
    key: string,
    value: number,
    min: number,
    max: number,
    wording: RangeWording = {},
): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        const note = wording.note ? ` ${wording.note}` : "";
        throw configError(key, value, `must be an integer from ${wording.min ?? min} to ${max}${note}`);
    }
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Throws unless `days` is a retention CloudWatch Logs accepts, for any log group key (never-expire is
 * not offered: logs must not grow forever).
 */
export function validateLogRetentionDays(key: string, days: number): void {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        throw configError(
            key,
            days,
            `must be a CloudWatch Logs retention in days: one of ${LOG_RETENTION_DAYS.join("|")}`,
        );
    }
}

/** Throws unless value is one of `allowed`. */
export function validateOneOf<T extends string>(key: string, value: string, allowed: readonly T[]): T {
    if (!(allowed as readonly string[]).includes(value)) {
        throw configError(key, value, `must be one of ${allowed.join("|")}`);
    }
    return value as T;
}

/** A non-empty list of distinct values, each one of `allowed`. */
export function validateSubset(key: string, values: string[], allowed: readonly string[]): void {
    if (values.length === 0) throw configError(key, values, `must list at least one of ${allowed.join("|")}`);
    for (const v of values) {
        if (!allowed.includes(v))
            throw configError(key, values, `contains "${v}"; allowed: ${allowed.join("|")}`);
    }
    if (new Set(values).size !== values.length) throw configError(key, values, "must not repeat a value");
}

/** A DNS-1123 label: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** DNS-1123 label (namespaces, release names). */
export function validateDnsLabel(key: string, value: string): void {
    if (!DNS_LABEL.test(value)) {
        throw configError(key, value, "must be a DNS-1123 label (lowercase alphanumerics and '-', max 63)");
    }
}

/** An exact `x.y.z` release (no range, no `v`, no `latest`): every environment runs one build. */
export function validatePinnedVersion(key: string, value: string, what: string, example: string): void {
    if (!/^\d+\.\d+\.\d+$/.test(value)) {
        throw configError(key, value, `must be a pinned ${what} "x.y.z" like "${example}"`);
    }
}

/** A Helm chart version pinned to x.y.z. */
export function validateChartVersion(key: string, value: string): void {
    validatePinnedVersion(key, value, "chart version", "1.13.4");
}

// One version comparison for the config and the policy pack (which cannot import components/).
export { compareVersions } from "../../policies/lib/support";
