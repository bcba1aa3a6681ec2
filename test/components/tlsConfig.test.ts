// The hostname/TLS keys (components/config/tls.ts): every rejected value with its exact message,
// read through readSettings as the program reads them, and the accepted combinations.
import { strict as assert } from "assert";
import { ConfigError, readSettings, tlsConfig } from "../../components/config";
import { API_CIDRS_DECISION } from "../harness/decisions";

const read = (values: Record<string, string>) => {
    const all: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...API_CIDRS_DECISION, ...values }))
        all[`istio-eks-nlb:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return readSettings(all, { stack: "dev", region: "us-west-2" });
};

const ZONE = "Z0123456789ABCDEFGHIJ";
const FQDN_RULE =
    "must be a fully qualified domain name like \"app.example.com\" (lowercase letters, digits and '-' in dot-separated labels of at most 63, at least two labels, no wildcard or trailing dot, at most 253 characters)";

describe("config: hostname and TLS", () => {
    const cases: [string, Record<string, string>, string][] = [
        [
            "an unknown tls mode",
            { tls: "acme" },
            'Invalid config "istio-eks-nlb:tls": "acme" must be one of none|selfSigned|letsencryptStaging|letsencrypt',
        ],
        [
            "a hostname with a wildcard",
            { hostname: "*.example.com" },
            `Invalid config "istio-eks-nlb:hostname": "*.example.com" ${FQDN_RULE}`,
        ],
        [
            "a single-label hostname",
            { hostname: "localhost" },
            `Invalid config "istio-eks-nlb:hostname": "localhost" ${FQDN_RULE}`,
        ],
        [
            "an uppercase hostname",
            { hostname: "App.example.com" },
            `Invalid config "istio-eks-nlb:hostname": "App.example.com" ${FQDN_RULE}`,
        ],
        [
            "a trailing dot",
            { hostname: "app.example.com." },
            `Invalid config "istio-eks-nlb:hostname": "app.example.com." ${FQDN_RULE}`,
        ],
        [
            "a URL instead of a hostname",
            { hostname: "https://app.example.com" },
            `Invalid config "istio-eks-nlb:hostname": "https://app.example.com" ${FQDN_RULE}`,
        ],
        [
            "an IP address",
            { hostname: "10.0.0.1" },
            `Invalid config "istio-eks-nlb:hostname": "10.0.0.1" ${FQDN_RULE}`,
        ],
        [
            "a label over 63 characters",
            { hostname: `${"a".repeat(64)}.example.com` },
            `Invalid config "istio-eks-nlb:hostname": "${"a".repeat(64)}.example.com" ${FQDN_RULE}`,
        ],
        [
            "a hosted zone given by name",
            { hostname: "app.example.com", hostedZoneId: "example.com" },
            'Invalid config "istio-eks-nlb:hostedZoneId": "example.com" must be a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ" (the id, not the zone name, without "/hostedzone/")',
        ],
        [
            "a hosted zone id with its /hostedzone/ prefix",
            { hostname: "app.example.com", hostedZoneId: `/hostedzone/${ZONE}` },
            `Invalid config "istio-eks-nlb:hostedZoneId": "/hostedzone/${ZONE}" must be a Route 53 hosted zone id like "Z0123456789ABCDEFGHIJ" (the id, not the zone name, without "/hostedzone/")`,
        ],
        [
            "a malformed acmeEmail",
            { hostname: "app.example.com", hostedZoneId: ZONE, tls: "letsencrypt", acmeEmail: "ops" },
            'Invalid config "istio-eks-nlb:acmeEmail": "ops" must be an email address like "ops@example.com"',
        ],
        [
            "TLS without a hostname",
            { tls: "selfSigned" },
            'Invalid config "istio-eks-nlb:hostname": "" must be set to the FQDN the certificate is for when tls is "selfSigned" (or set tls to "none")',
        ],
        [
            "Let's Encrypt without a hostname",
            { tls: "letsencrypt", hostedZoneId: ZONE, acmeEmail: "ops@example.com" },
            'Invalid config "istio-eks-nlb:hostname": "" must be set to the FQDN the certificate is for when tls is "letsencrypt" (or set tls to "none")',
        ],
        [
            "a hosted zone without a hostname",
            { hostedZoneId: ZONE },
            'Invalid config "istio-eks-nlb:hostname": "" must be set when hostedZoneId is set (the zone only receives the hostname\'s alias record)',
        ],
        [
            "Let's Encrypt without acmeEmail",
            { hostname: "app.example.com", hostedZoneId: ZONE, tls: "letsencrypt" },
            'Invalid config "istio-eks-nlb:acmeEmail": "" must be set to an email address when tls is "letsencrypt" (the Let\'s Encrypt account contact)',
        ],
        [
            "Let's Encrypt staging without hostedZoneId",
            { hostname: "app.example.com", tls: "letsencryptStaging", acmeEmail: "ops@example.com" },
            'Invalid config "istio-eks-nlb:hostedZoneId": "" must be set when tls is "letsencryptStaging" (the DNS-01 challenge writes a TXT record in that Route 53 zone)',
        ],
    ];
    for (const [what, values, message] of cases) {
        it(`rejects ${what}`, () =>
            assert.throws(
                () => read(values),
                (e: unknown) => e instanceof ConfigError && e.message === message,
            ));
    }

    it("defaults to no hostname and tls none", () => {
        const s = read({});
        assert.deepEqual(
            { hostname: s.hostname, hostedZoneId: s.hostedZoneId, tls: s.tls, acmeEmail: s.acmeEmail },
            { hostname: "", hostedZoneId: "", tls: "none", acmeEmail: "" },
        );
    });

    it("accepts each mode with what it needs", () => {
        assert.equal(read({ hostname: "app.example.com" }).tls, "none");
        assert.equal(read({ hostname: "a.b.example.co.uk", hostedZoneId: ZONE }).hostedZoneId, ZONE);
        assert.equal(read({ hostname: "app.example.com", tls: "selfSigned" }).tls, "selfSigned");
        for (const tls of ["letsencryptStaging", "letsencrypt"]) {
            const s = read({
                hostname: "app.example.com",
                hostedZoneId: ZONE,
                tls,
                acmeEmail: "ops@example.com",
            });
            assert.equal(s.tls, tls);
        }
    });

    it("owns exactly the four keys", () => {
        assert.deepEqual([...tlsConfig.keys], ["hostname", "hostedZoneId", "tls", "acmeEmail"]);
    });
});
