// Config: every rejected case gives its exact message; Pulumi.yaml and the code agree on keys,
// types and defaults; both stack files validate.
import { strict as assert } from "assert";
import * as path from "path";
import {
    CONFIG_CONCERNS,
    ConfigError,
    DECLARED_SCHEMA,
    computeDrainTiming,
    loadDeclaredSchema,
    nearestKey,
    readSettings,
    subnetCidrs,
} from "../../components/config";
import { loadFixtureStackConfig, loadStackConfig } from "../harness/pulumiMocks";
import { API_CIDRS_DECISION } from "../harness/decisions";
import { readProjectFile } from "../../tools/mocks/projectConfig";

const ROOT = path.resolve(__dirname, "..", "..");

/** The CLI's config map (full keys, raw strings; non-strings JSON-encoded) from bare keys. */
function allConfig(values: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) {
        const full = k.includes(":") ? k : `istio-eks-nlb:${k}`;
        out[full] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

const read = (values: Record<string, unknown>, region: string | undefined = "us-west-2") =>
    readSettings(allConfig({ ...API_CIDRS_DECISION, ...values }), { stack: "dev", region });

function rejects(values: Record<string, unknown>, message: string, region?: string): void {
    assert.throws(
        () => read(values, region),
        (err: unknown) => {
            assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
            assert.equal((err as Error).message, message);
            return true;
        },
    );
}

const EXISTING = {
    vpcId: "vpc-0abc",
    publicSubnetIds: ["subnet-01", "subnet-02"],
    privateSubnetIds: ["subnet-03", "subnet-04"],
    azCount: 2,
};

describe("config validation", () => {
    it("accepts the schema defaults plus the API CIDR decision", () => {
        const s = read({});
        assert.equal(s.clusterName, "istio-eks-nlb-dev");
        assert.equal(s.nlbScheme, "internal");
        assert.equal(s.azCount, 3);
    });

    const cases: [string, Record<string, unknown>, string][] = [
        [
            "malformed CIDR",
            { nlbSourceCidrs: ["10.0.0.0/33"] },
            'Invalid config "istio-eks-nlb:nlbSourceCidrs": "10.0.0.0/33" is not a valid IPv4 CIDR (like 10.0.0.0/16, host bits zero)',
        ],
        [
            "CIDR with host bits",
            { vpcCidr: "10.0.0.1/16" },
            'Invalid config "istio-eks-nlb:vpcCidr": "10.0.0.1/16" is not a valid IPv4 CIDR (like 10.0.0.0/16, host bits zero)',
        ],
        [
            "VPC CIDR too small",
            { vpcCidr: "10.0.0.0/24" },
            'Invalid config "istio-eks-nlb:vpcCidr": "10.0.0.0/24" must have a prefix from /16 to /22',
        ],
        [
            "API CIDR malformed",
            { endpointPublicAccessCidrs: ["office"] },
            'Invalid config "istio-eks-nlb:endpointPublicAccessCidrs": "office" is not a valid IPv4 CIDR (like 10.0.0.0/16, host bits zero)',
        ],
        [
            "min > max",
            { nodeMinSize: 5, nodeDesiredSize: 5, nodeMaxSize: 3 },
            'Invalid config "istio-eks-nlb:nodeMinSize": 5 must be <= nodeMaxSize (3)',
        ],
        [
            "desired below min",
            { nodeMinSize: 2, nodeDesiredSize: 1, nodeMaxSize: 3 },
            'Invalid config "istio-eks-nlb:nodeDesiredSize": 1 must be within [nodeMinSize, nodeMaxSize] = [2, 3]',
        ],
        [
            "desired above max",
            { nodeMinSize: 1, nodeDesiredSize: 4, nodeMaxSize: 3 },
            'Invalid config "istio-eks-nlb:nodeDesiredSize": 4 must be within [nodeMinSize, nodeMaxSize] = [1, 3]',
        ],
        [
            "node size not an integer",
            { nodeMaxSize: "many" },
            'Invalid config "istio-eks-nlb:nodeMaxSize": "many" must be an integer',
        ],
        [
            "unknown scheme",
            { nlbScheme: "public" },
            'Invalid config "istio-eks-nlb:nlbScheme": "public" must be one of internet-facing|internal',
        ],
        [
            "fewer than 2 AZs",
            { azCount: 1 },
            'Invalid config "istio-eks-nlb:azCount": 1 must be an integer from 2 to 6 (at least 2 AZs)',
        ],
        [
            "unpinned Kubernetes version",
            { kubernetesVersion: "latest" },
            'Invalid config "istio-eks-nlb:kubernetesVersion": "latest" must be a pinned EKS version "major.minor" like "1.33"',
        ],
        [
            "malformed Kubernetes version",
            { kubernetesVersion: "1.33.2" },
            'Invalid config "istio-eks-nlb:kubernetesVersion": "1.33.2" must be a pinned EKS version "major.minor" like "1.33"',
        ],
        [
            "unpinned Istio version",
            { istioVersion: "1.27" },
            'Invalid config "istio-eks-nlb:istioVersion": "1.27" must be a pinned Istio version "x.y.z" like "1.27.3"',
        ],
        [
            "malformed Istio version",
            { istioVersion: "v1.27.3" },
            'Invalid config "istio-eks-nlb:istioVersion": "v1.27.3" must be a pinned Istio version "x.y.z" like "1.27.3"',
        ],
        [
            "unpinned LBC chart",
            { lbcChartVersion: "^1.13.0" },
            'Invalid config "istio-eks-nlb:lbcChartVersion": "^1.13.0" must be a pinned chart version "x.y.z" like "1.13.4"',
        ],
        [
            "public subnets != AZ count",
            { ...EXISTING, publicSubnetIds: ["subnet-01"] },
            'Invalid config "istio-eks-nlb:publicSubnetIds": ["subnet-01"] must list exactly azCount (2) subnet ids, one per AZ',
        ],
        [
            "private subnets != AZ count",
            { ...EXISTING, privateSubnetIds: ["subnet-03", "subnet-04", "subnet-05"] },
            'Invalid config "istio-eks-nlb:privateSubnetIds": ["subnet-03","subnet-04","subnet-05"] must list exactly azCount (2) subnet ids, one per AZ',
        ],
        [
            "subnets without vpcId",
            { publicSubnetIds: ["subnet-01"] },
            'Invalid config "istio-eks-nlb:publicSubnetIds": ["subnet-01"] must be empty unless vpcId is set (a new VPC creates its own subnets)',
        ],
        [
            "malformed vpcId",
            { ...EXISTING, vpcId: "my-vpc" },
            'Invalid config "istio-eks-nlb:vpcId": "my-vpc" must be a VPC id like "vpc-0abc123"',
        ],
        [
            "internet-facing without sources",
            { nlbScheme: "internet-facing" },
            'Invalid config "istio-eks-nlb:nlbSourceCidrs": [] must list at least one CIDR when nlbScheme is "internet-facing" (use ["0.0.0.0/0"] to admit everyone)',
        ],
        [
            "PPv2 with Istio < 1.27",
            { clientIpMode: "proxyProtocolV2", istioVersion: "1.26.4" },
            'Invalid config "istio-eks-nlb:istioVersion": "1.26.4" must be >= 1.27.0 when clientIpMode is "proxyProtocolV2" (status-port health checks need ENVOY_STATUS_PORT_ENABLE_PROXY_PROTOCOL)',
        ],
        [
            "deregistration delay too long",
            { nlbDeregistrationDelay: 3601 },
            'Invalid config "istio-eks-nlb:nlbDeregistrationDelay": 3601 must be an integer from 0 to 3600',
        ],
        [
            "negative deregistration delay",
            { nlbDeregistrationDelay: -1 },
            'Invalid config "istio-eks-nlb:nlbDeregistrationDelay": -1 must be an integer from 0 to 3600',
        ],
        [
            "bad client IP mode",
            { clientIpMode: "xff" },
            'Invalid config "istio-eks-nlb:clientIpMode": "xff" must be one of preserveClientIp|proxyProtocolV2',
        ],
        [
            "bad NAT mode",
            { natGateways: "none" },
            'Invalid config "istio-eks-nlb:natGateways": "none" must be one of single|perAz',
        ],
        [
            "HPA max below replicas",
            { gatewayReplicas: 3, gatewayMaxReplicas: 2 },
            'Invalid config "istio-eks-nlb:gatewayMaxReplicas": 2 must be an integer from gatewayReplicas (3) to 100',
        ],
        [
            "bad namespace",
            { gatewayNamespace: "Istio_Ingress" },
            'Invalid config "istio-eks-nlb:gatewayNamespace": "Istio_Ingress" must be a DNS-1123 label (lowercase alphanumerics and \'-\', max 63)',
        ],
        [
            "no API endpoint at all",
            { endpointPublicAccess: false, endpointPrivateAccess: false },
            'Invalid config "istio-eks-nlb:endpointPrivateAccess": false must be true when endpointPublicAccess is false',
        ],
        [
            "bad boolean",
            { sampleApp: "yes" },
            'Invalid config "istio-eks-nlb:sampleApp": "yes" must be true or false',
        ],
        [
            "bad log type",
            { clusterLogTypes: ["api", "all"] },
            'Invalid config "istio-eks-nlb:clusterLogTypes": "all" must be one of api|audit|authenticator|controllerManager|scheduler',
        ],
        [
            "array not a list",
            { nodeInstanceTypes: "m6i.large" },
            'Invalid config "istio-eks-nlb:nodeInstanceTypes": "m6i.large" must be a list of strings',
        ],
    ];
    for (const [what, values, message] of cases) {
        it(`rejects ${what}`, () => rejects(values, message));
    }

    it("rejects a missing aws:region", () =>
        rejects({}, 'Invalid config "aws:region": (unset) must be set, e.g. us-west-2', ""));

    it("rejects an undeclared key in the project namespace, naming the nearest declared key", () =>
        rejects(
            { nlbSchme: "internal" },
            'Unknown config "istio-eks-nlb:nlbSchme": not declared in Pulumi.yaml; did you mean "istio-eks-nlb:nlbScheme"? Remove it with `pulumi config rm nlbSchme` or see docs/configuration.md for every key.',
        ));

    it("matches typos case-insensitively and ignores other namespaces", () => {
        assert.equal(nearestKey("AZCOUNT", Object.keys(DECLARED_SCHEMA)), "azCount");
        assert.equal(nearestKey("gatewayReplica", Object.keys(DECLARED_SCHEMA)), "gatewayReplicas");
        // aws:*, kubernetes:* and other providers' keys belong to those providers, not to us.
        assert.equal(read({ "aws:profile": "dev", "kubernetes:context": "x" }).azCount, 3);
    });

    it("accepts PPv2 from Istio 1.27.0 and an existing VPC matching azCount", () => {
        const s = read({ ...EXISTING, clientIpMode: "proxyProtocolV2", istioVersion: "1.27.0" });
        assert.equal(s.clientIpMode, "proxyProtocolV2");
        assert.equal(s.vpcId, "vpc-0abc");
    });
});

describe("config schema", () => {
    const project = readProjectFile(ROOT);

    it("Pulumi.yaml declares every key with a type, default and description", () => {
        assert.equal(project.name, "istio-eks-nlb");
        for (const [key, decl] of Object.entries<any>(project.config)) {
            assert.ok(["string", "integer", "boolean", "array"].includes(decl.type), `${key} type`);
            if (decl.type === "array") assert.deepEqual(decl.items, { type: "string" }, `${key} items`);
            assert.ok(
                typeof decl.description === "string" && decl.description.length > 10,
                `${key} description`,
            );
        }
        assert.deepEqual(Object.keys(DECLARED_SCHEMA), Object.keys(project.config));
    });

    it("each declared key is owned by exactly one config concern", () => {
        const owners = new Map<string, number>();
        for (const concern of CONFIG_CONCERNS) {
            for (const key of concern.keys) {
                assert.ok(key in DECLARED_SCHEMA, `concern key ${key} is not declared in Pulumi.yaml`);
                owners.set(key, (owners.get(key) ?? 0) + 1);
            }
        }
        for (const key of Object.keys(DECLARED_SCHEMA)) {
            assert.equal(owners.get(key), 1, `${key} must be owned by exactly one concern`);
        }
    });

    it("rejects a Pulumi.yaml key without a type, default or description, naming the file and key", () => {
        const fs = require("fs") as typeof import("fs");
        const os = require("os") as typeof import("os");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "schema-"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.yaml"),
            "name: x\nruntime: nodejs\nconfig:\n  azCount:\n    type: integer\n    description: Number of AZs.\n",
        );
        assert.throws(
            () => loadDeclaredSchema(dir),
            (err: Error) =>
                err instanceof ConfigError &&
                err.message ===
                    `${path.join(dir, "Pulumi.yaml")}: config key "azCount" must declare type (string|integer|boolean|array), default and description`,
        );
    });

    for (const stack of ["dev", "prod"]) {
        it(`Pulumi.${stack}.yaml only sets declared keys, sets aws:region and validates`, () => {
            const cfg = loadStackConfig(stack, ROOT);
            const bare: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(cfg)) {
                const [ns, key] = k.split(":");
                if (ns === "istio-eks-nlb") {
                    assert.ok(key in DECLARED_SCHEMA, `undeclared key ${k}`);
                    bare[key] = v;
                }
            }
            assert.ok(cfg["aws:region"], "aws:region");
            // prod leaves the API CIDRs to the user (next test); decide them as a user would.
            if (stack === "prod")
                bare.endpointPublicAccessCidrs = API_CIDRS_DECISION.endpointPublicAccessCidrs;
            read(bare, String(cfg["aws:region"]));
        });
    }

    it("Pulumi.prod.yaml as shipped leaves the API CIDRs to the user: it stops, naming the key and how", () => {
        const cfg = loadFixtureStackConfig("prod");
        assert.throws(
            () => readSettings(allConfig(cfg), { stack: "prod", region: String(cfg["aws:region"]) }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.message ===
                    'Invalid config "istio-eks-nlb:endpointPublicAccessCidrs": [] must list the CIDRs allowed to reach ' +
                        "the public Kubernetes API endpoint (the networks you and your CI run `pulumi up` and kubectl " +
                        "from), e.g. `pulumi config set --path 'endpointPublicAccessCidrs[0]' 203.0.113.0/24`; or set " +
                        "endpointPublicAccess to false for a private-only endpoint reachable from inside the VPC (see " +
                        "docs/security.md)",
        );
    });
});

describe("config derived values", () => {
    it("drain timing follows the deregistration delay with a margin", () => {
        assert.deepEqual(computeDrainTiming(120), {
            drainDurationSeconds: 120,
            terminationGracePeriodSeconds: 135,
        });
        assert.deepEqual(computeDrainTiming(0), {
            drainDurationSeconds: 5,
            terminationGracePeriodSeconds: 20,
        });
    });

    it("subnet layout gives disjoint private /19s and public /22s", () => {
        assert.deepEqual(subnetCidrs("10.0.0.0/16", 3), {
            private: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
            public: ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"],
        });
    });
});
