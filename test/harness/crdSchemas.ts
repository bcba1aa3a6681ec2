// Schemas of the custom objects the program creates, declared from the real CRDs at the versions the
// program pins: the fields, types, enums and required lists below are those of the v1 schemas, cut
// down to the branches the program may use (an unused branch, such as an HTTP-01 solver or Vault
// issuer, is left out and therefore rejected). Rules that the CRDs state as CEL or only document are
// written as `rules`, with where they come from.
import type { CrdSchema, SchemaNode } from "./crdSchema";

const str: SchemaNode = { type: "string" };
const strList: SchemaNode = { type: "array", items: str };
const bool: SchemaNode = { type: "boolean" };

/** cert-manager v1.21.1, deploy/charts/cert-manager/templates/crd-cert-manager.io_certificates.yaml. */
export const CERTIFICATE: CrdSchema = {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    scope: "Namespaced",
    source: "cert-manager/cert-manager v1.21.1 crd-cert-manager.io_certificates.yaml",
    spec: {
        type: "object",
        required: ["issuerRef", "secretName"],
        properties: {
            secretName: str,
            commonName: str,
            dnsNames: strList,
            duration: str,
            renewBefore: str,
            renewBeforePercentage: { type: "integer" },
            isCA: bool,
            revisionHistoryLimit: { type: "integer" },
            issuerRef: {
                type: "object",
                required: ["name"],
                properties: { name: str, kind: str, group: str },
            },
            privateKey: {
                type: "object",
                properties: {
                    algorithm: { type: "string", enum: ["RSA", "ECDSA", "Ed25519"] },
                    encoding: { type: "string", enum: ["PKCS1", "PKCS8"] },
                    rotationPolicy: { type: "string", enum: ["Never", "Always"] },
                    size: { type: "integer" },
                },
                rules: [
                    {
                        // The field's description in the CRD: ECDSA keys are 256, 384 or 521 bits.
                        message: "an ECDSA privateKey.size must be 256, 384 or 521",
                        check: (k) =>
                            k.algorithm !== "ECDSA" ||
                            k.size === undefined ||
                            [256, 384, 521].includes(k.size),
                    },
                ],
            },
        },
        rules: [
            {
                // The CRD's description of dnsNames/commonName: a certificate names at least one subject.
                message: "needs at least one of dnsNames or commonName",
                check: (s) => (s.dnsNames?.length ?? 0) > 0 || !!s.commonName,
            },
        ],
    },
};

const route53: SchemaNode = {
    type: "object",
    properties: { region: str, hostedZoneID: str, role: str, accessKeyID: str },
};

/** cert-manager v1.21.1, deploy/charts/cert-manager/templates/crd-cert-manager.io_clusterissuers.yaml. */
export const CLUSTER_ISSUER: CrdSchema = {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    scope: "Cluster",
    source: "cert-manager/cert-manager v1.21.1 crd-cert-manager.io_clusterissuers.yaml",
    spec: {
        type: "object",
        properties: {
            selfSigned: { type: "object", properties: {} },
            acme: {
                type: "object",
                required: ["privateKeySecretRef", "server"],
                properties: {
                    server: str,
                    email: str,
                    preferredChain: str,
                    profile: str,
                    skipTLSVerify: bool,
                    disableAccountKeyGeneration: bool,
                    enableDurationFeature: bool,
                    privateKeySecretRef: {
                        type: "object",
                        required: ["name"],
                        properties: { name: str, key: str },
                    },
                    solvers: {
                        type: "array",
                        items: {
                            type: "object",
                            properties: {
                                selector: {
                                    type: "object",
                                    properties: {
                                        dnsNames: strList,
                                        dnsZones: strList,
                                        matchLabels: { type: "object", additionalProperties: str },
                                    },
                                },
                                dns01: {
                                    type: "object",
                                    properties: {
                                        cnameStrategy: { type: "string", enum: ["None", "Follow"] },
                                        route53,
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
        rules: [
            {
                // The issuer types are a one-of in cert-manager's IssuerConfig (its webhook rejects more or none).
                message: "must configure exactly one issuer type (acme or selfSigned here)",
                check: (s) => ["acme", "selfSigned"].filter((k) => s[k] !== undefined).length === 1,
            },
        ],
    },
};

/** The port protocols Istio's Gateway accepts (networking/v1 Port docs; the CRD types it as a string). */
const ISTIO_PORT_PROTOCOLS = ["HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "TCP", "TLS"];

/** istio/istio 1.27.3, manifests/charts/base/files/crd-all.gen.yaml, gateways.networking.istio.io v1. */
export const ISTIO_GATEWAY: CrdSchema = {
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    scope: "Namespaced",
    source: "istio/istio 1.27.3 crd-all.gen.yaml (gateways.networking.istio.io)",
    spec: {
        type: "object",
        properties: {
            selector: { type: "object", additionalProperties: str },
            servers: {
                type: "array",
                items: {
                    type: "object",
                    required: ["port", "hosts"],
                    properties: {
                        name: str,
                        bind: str,
                        defaultEndpoint: str,
                        hosts: strList,
                        port: {
                            type: "object",
                            required: ["number", "protocol", "name"],
                            properties: {
                                number: { type: "integer", minimum: 0, maximum: 4294967295 },
                                protocol: { type: "string", enum: ISTIO_PORT_PROTOCOLS },
                                name: str,
                                targetPort: { type: "integer", minimum: 0, maximum: 4294967295 },
                            },
                        },
                        tls: {
                            type: "object",
                            properties: {
                                httpsRedirect: bool,
                                mode: {
                                    type: "string",
                                    enum: [
                                        "PASSTHROUGH",
                                        "SIMPLE",
                                        "MUTUAL",
                                        "AUTO_PASSTHROUGH",
                                        "ISTIO_MUTUAL",
                                        "OPTIONAL_MUTUAL",
                                    ],
                                },
                                credentialName: str,
                                credentialNames: strList,
                                minProtocolVersion: {
                                    type: "string",
                                    enum: ["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"],
                                },
                                maxProtocolVersion: {
                                    type: "string",
                                    enum: ["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"],
                                },
                                cipherSuites: strList,
                                subjectAltNames: strList,
                            },
                            rules: [
                                {
                                    // x-kubernetes-validations of servers[].tls in the CRD.
                                    message: "only one of credentialName or credentialNames can be set",
                                    check: (t) =>
                                        !(t.credentialName !== undefined && t.credentialNames !== undefined),
                                },
                            ],
                        },
                    },
                    rules: [
                        {
                            // Gateway docs: an HTTPS server needs TLS settings, and SIMPLE needs a certificate.
                            message: "an HTTPS server needs tls.mode, and SIMPLE needs credentialName",
                            check: (s) =>
                                s.port?.protocol !== "HTTPS" ||
                                (s.tls?.mode !== undefined &&
                                    (s.tls.mode !== "SIMPLE" ||
                                        !!s.tls.credentialName ||
                                        !!s.tls.credentialNames)),
                        },
                    ],
                },
            },
        },
    },
};

/** A policy target reference (istio/api type/v1beta1 PolicyTargetReference, as the CRD declares it). */
const policyTargetRef: SchemaNode = {
    type: "object",
    required: ["kind", "name"],
    properties: {
        group: {
            type: "string",
            pattern: "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        },
        kind: { type: "string", pattern: "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$" },
        name: str,
        namespace: {
            type: "string",
            rules: [
                { message: "cross namespace referencing is not currently supported", check: (n) => n === "" },
            ],
        },
    },
};

/** istio/istio 1.27.3, manifests/charts/base/files/crd-all.gen.yaml, authorizationpolicies.security.istio.io v1. */
export const AUTHORIZATION_POLICY: CrdSchema = {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    scope: "Namespaced",
    source: "istio/istio 1.27.3 crd-all.gen.yaml (authorizationpolicies.security.istio.io)",
    spec: {
        type: "object",
        properties: {
            selector: {
                type: "object",
                properties: {
                    matchLabels: {
                        type: "object",
                        additionalProperties: str,
                        rules: [
                            {
                                // x-kubernetes-validations of selector.matchLabels and its values.
                                message:
                                    "wildcard not allowed in label key or value match; keys must not be empty",
                                check: (m) =>
                                    Object.entries(m).every(
                                        ([k, v]) => k !== "" && !k.includes("*") && !String(v).includes("*"),
                                    ),
                            },
                        ],
                    },
                },
            },
            targetRef: policyTargetRef,
            targetRefs: { type: "array", items: policyTargetRef },
            action: { type: "string", enum: ["ALLOW", "DENY", "AUDIT", "CUSTOM"] },
            provider: { type: "object", properties: { name: str } },
            rules: {
                type: "array",
                items: {
                    type: "object",
                    properties: {
                        from: {
                            type: "array",
                            items: {
                                type: "object",
                                properties: {
                                    source: {
                                        type: "object",
                                        properties: Object.fromEntries(
                                            [
                                                "principals",
                                                "notPrincipals",
                                                "requestPrincipals",
                                                "notRequestPrincipals",
                                                "namespaces",
                                                "notNamespaces",
                                                "serviceAccounts",
                                                "notServiceAccounts",
                                                "ipBlocks",
                                                "notIpBlocks",
                                                "remoteIpBlocks",
                                                "notRemoteIpBlocks",
                                            ].map((k) => [k, strList]),
                                        ),
                                        rules: [
                                            {
                                                // x-kubernetes-validations of rules[].from[].source.
                                                message:
                                                    "Cannot set serviceAccounts with namespaces or principals",
                                                check: (s) =>
                                                    !(s.serviceAccounts || s.notServiceAccounts) ||
                                                    !(
                                                        s.principals ||
                                                        s.notPrincipals ||
                                                        s.namespaces ||
                                                        s.notNamespaces
                                                    ),
                                            },
                                        ],
                                    },
                                },
                            },
                        },
                        to: {
                            type: "array",
                            items: {
                                type: "object",
                                properties: {
                                    operation: {
                                        type: "object",
                                        properties: Object.fromEntries(
                                            [
                                                "hosts",
                                                "notHosts",
                                                "ports",
                                                "notPorts",
                                                "methods",
                                                "notMethods",
                                                "paths",
                                                "notPaths",
                                            ].map((k) => [k, strList]),
                                        ),
                                    },
                                },
                            },
                        },
                        when: {
                            type: "array",
                            items: {
                                type: "object",
                                required: ["key"],
                                properties: { key: str, values: strList, notValues: strList },
                            },
                        },
                    },
                },
            },
        },
        rules: [
            {
                // x-kubernetes-validations of spec.
                message: "only one of targetRefs or selector can be set",
                check: (s) =>
                    [s.selector, s.targetRef, s.targetRefs].filter((x) => x !== undefined).length <= 1,
            },
        ],
    },
};
