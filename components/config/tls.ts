// Hostname and TLS concern: the name the gateway serves, the Route 53 zone that holds it, and how its
// certificate is issued. Every ingress mode (Istio Gateway today, Gateway API listeners later) reads
// these settings from here; nothing else decides whether the platform serves HTTPS.
import { ConfigConcern } from "./schema";
import { configError, DNS_LABEL, validateOneOf } from "./validate";

/** How the gateway's certificate is issued; `none` keeps plain HTTP. */
export const TLS_MODES = ["none", "selfSigned", "letsencryptStaging", "letsencrypt"] as const;
/** One of {@link TLS_MODES}. */
export type TlsMode = (typeof TLS_MODES)[number];
/** The modes that get their certificate from Let's Encrypt (ACME, DNS-01 in Route 53). */
export const ACME_TLS_MODES: readonly TlsMode[] = ["letsencryptStaging", "letsencrypt"];

/** Validated hostname and TLS settings. */
export interface TlsSettings {
    /** FQDN the gateway serves; empty: no hostname, no DNS record, no TLS (the catch-all `*`). */
    hostname: string;
    /** Route 53 public hosted zone holding `hostname`; empty: no DNS record is managed. */
    hostedZoneId: string;
    /** Certificate issuance mode. */
    tls: TlsMode;
    /** ACME account email (Let's Encrypt modes only). */
    acmeEmail: string;
}

/** True for a Let's Encrypt mode. */
export function isAcme(mode: TlsMode): boolean {
    return ACME_TLS_MODES.includes(mode);
}

/** A lowercase FQDN of at least two labels (no wildcard, no trailing dot), at most 253 characters. */
export function validateHostname(value: string): void {
    if (value === "") return;
    const labels = value.split(".");
    const ok = value.length <= 253 && labels.length >= 2 && labels.every((l) => DNS_LABEL.test(l));
    if (!ok || /^\d+$/.test(labels[labels.length - 1])) {
        throw configError(
            "hostname",
            value,
            "must be a fully qualified domain name like \"app.example.com\" (lowercase letters, digits and '-' in dot-separated labels of at most 63, at least two labels, no wildcard or trailing dot, at most 253 characters)",
        );
    }
}

/** A Route 53 hosted zone id: `Z` and uppercase letters or digits, without the `/hostedzone/` prefix. */
export function validateHostedZoneId(value: string): void {
    if (value === "" || /^Z[A-Z0-9]{1,31}$/.test(value)) return;
    throw configError(
        "hostedZoneId",
        value,
        'must be a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ" (the id, not the zone name, without "/hostedzone/")',
    );
}

/** An email address for the ACME account (Let's Encrypt sends expiry notices there). */
export function validateAcmeEmail(value: string): void {
    if (value === "" || /^[^@\s]+@[^@\s]+\.[^@\s.]+$/.test(value)) return;
    throw configError("acmeEmail", value, 'must be an email address like "ops@example.com"');
}

/** The rules between the four keys: what each TLS mode needs, and no zone without a hostname. */
export function validateTlsCombination(s: TlsSettings): void {
    if (s.tls !== "none" && s.hostname === "") {
        throw configError(
            "hostname",
            s.hostname,
            `must be set to the FQDN the certificate is for when tls is "${s.tls}" (or set tls to "none")`,
        );
    }
    if (s.hostedZoneId !== "" && s.hostname === "") {
        throw configError(
            "hostname",
            s.hostname,
            "must be set when hostedZoneId is set (the zone only receives the hostname's alias record)",
        );
    }
    if (isAcme(s.tls) && s.acmeEmail === "") {
        throw configError(
            "acmeEmail",
            s.acmeEmail,
            `must be set to an email address when tls is "${s.tls}" (the Let's Encrypt account contact)`,
        );
    }
    if (isAcme(s.tls) && s.hostedZoneId === "") {
        throw configError(
            "hostedZoneId",
            s.hostedZoneId,
            `must be set when tls is "${s.tls}" (the DNS-01 challenge writes a TXT record in that Route 53 zone)`,
        );
    }
}

/** The hostname and TLS keys. */
export const tlsConfig: ConfigConcern<TlsSettings> = {
    keys: ["hostname", "hostedZoneId", "tls", "acmeEmail"],
    read(raw) {
        const tls = validateOneOf("tls", raw.tls, TLS_MODES);
        validateHostname(raw.hostname);
        validateHostedZoneId(raw.hostedZoneId);
        validateAcmeEmail(raw.acmeEmail);
        const settings: TlsSettings = {
            hostname: raw.hostname,
            hostedZoneId: raw.hostedZoneId,
            tls,
            acmeEmail: raw.acmeEmail,
        };
        validateTlsCombination(settings);
        return settings;
    },
};
