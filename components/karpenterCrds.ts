// The two Karpenter custom resources this program creates, typed, and a validator for them. The
// shapes are the subset of the v1 CRDs shipped with the pinned chart (KARPENTER_CRD_VERSION) that
// the program uses: field names, types, enums, patterns, bounds, required fields and the CEL rules
// that touch those fields, with the CRDs' own messages. The API server would reject an object that
// breaks them only at `pulumi up`, after the cluster exists: the program's builders are typed by
// these shapes, the tests validate the recorded objects with the validator, and the one user input
// that reaches the objects unchecked otherwise (tag keys) is checked with the same rule when the
// config is read. Fields outside the subset are errors too: server-side apply rejects unknown
// fields, and a field we never set needs no checking.

/** The Karpenter release whose CRDs (`pkg/apis/crds/*.yaml`) these shapes transcribe. */
export const KARPENTER_CRD_VERSION = "1.14.1";

/** `apiVersion`/`kind` of an EC2NodeClass. */
export const EC2_NODE_CLASS = { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass" } as const;
/** `apiVersion`/`kind` of a NodePool. */
export const NODE_POOL = { apiVersion: "karpenter.sh/v1", kind: "NodePool" } as const;

/** A selector term of `subnetSelectorTerms` / `securityGroupSelectorTerms`. */
export interface SelectorTerm {
    /** Tags that must all match. */
    tags?: Record<string, string>;
    /** An explicit id. */
    id?: string;
}

/** `EC2NodeClass.spec` (v1), the fields this program sets. */
export interface EC2NodeClassSpec {
    /** Exactly one `alias` term (`family@version`) pins the AMI. */
    amiSelectorTerms: { alias: string }[];
    /** Subnets the nodes launch in. */
    subnetSelectorTerms: SelectorTerm[];
    /** Security groups the nodes get. */
    securityGroupSelectorTerms: SelectorTerm[];
    /** A pre-provisioned instance profile (exclusive with `role`). */
    instanceProfile?: string;
    /** A role Karpenter makes an instance profile for (exclusive with `instanceProfile`). */
    role?: string;
    /** IMDS options of the generated launch template. */
    metadataOptions?: {
        httpEndpoint?: "enabled" | "disabled";
        httpProtocolIPv6?: "enabled" | "disabled";
        httpPutResponseHopLimit?: number;
        httpTokens?: "required" | "optional";
    };
    /** Volumes; at most one `rootVolume`. */
    blockDeviceMappings?: {
        deviceName?: string;
        rootVolume?: boolean;
        ebs?: {
            volumeSize?: string;
            volumeType?: "standard" | "io1" | "io2" | "gp2" | "sc1" | "st1" | "gp3";
            encrypted?: boolean;
            deleteOnTermination?: boolean;
            kmsKeyID?: string;
            iops?: number;
            throughput?: number;
        };
    }[];
    /** Tags on instances, volumes and launch templates. */
    tags?: Record<string, string>;
    /** Detailed CloudWatch monitoring. */
    detailedMonitoring?: boolean;
    /** Public IPs on the primary interface. */
    associatePublicIPAddress?: boolean;
}

/** A `NodePool` requirement (a node selector requirement with optional minValues). */
export interface NodeRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" | "Gte" | "Lte";
    values?: string[];
    minValues?: number;
}

/** `NodePool.spec` (v1), the fields this program sets. */
export interface NodePoolSpec {
    template: {
        metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
        spec: {
            nodeClassRef: { group: string; kind: string; name: string };
            requirements: NodeRequirement[];
            expireAfter?: string;
            terminationGracePeriod?: string;
            taints?: {
                key: string;
                value?: string;
                effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
            }[];
        };
    };
    disruption?: {
        consolidationPolicy?: "WhenEmpty" | "WhenEmptyOrUnderutilized" | "Balanced";
        consolidateAfter: string;
        budgets?: { nodes: string; schedule?: string; duration?: string; reasons?: string[] }[];
    };
    /** Resource limits of the pool (e.g. `cpu`, `memory`), Kubernetes quantities. */
    limits?: Record<string, string | number>;
    weight?: number;
}

// ---- a small structural-schema checker -------------------------------------------------------

type Rule = { message: string; ok: (v: any) => boolean };
type Schema =
    | { type: "string"; enum?: readonly string[]; pattern?: RegExp; maxLength?: number; rules?: Rule[] }
    | { type: "integer"; minimum?: number; maximum?: number }
    | { type: "boolean" }
    | { type: "quantity" }
    | { type: "array"; items: Schema; minItems?: number; maxItems?: number; rules?: Rule[] }
    | {
          type: "object";
          properties?: Record<string, Schema>;
          additional?: Schema;
          required?: string[];
          rules?: Rule[];
      };

const str = (extra: Omit<Extract<Schema, { type: "string" }>, "type"> = {}): Schema => ({
    type: "string",
    ...extra,
});
const nonEmpty: Rule = { message: "must not be empty", ok: (v) => v !== "" };
const stringMap = (rules: Rule[] = []): Schema => ({ type: "object", additional: str(), rules });
const nonEmptyTags = stringMap([
    {
        message: "empty tag keys or values aren't supported",
        ok: (m) => Object.entries(m).every(([k, v]) => k !== "" && v !== ""),
    },
]);
const QUANTITY =
    /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
const ALIAS_FAMILIES = ["al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"];
/** The `karpenter.k8s.aws/*` labels a requirement may use (the CRD's list of well-known labels). */
const AWS_WELL_KNOWN = new Set(
    [
        "instance-tenancy",
        "capacity-reservation-type",
        "capacity-reservation-id",
        "capacity-reservation-interruptible",
        "ec2nodeclass",
        "instance-encryption-in-transit-supported",
        "instance-category",
        "instance-hypervisor",
        "instance-family",
        "instance-generation",
        "instance-local-nvme",
        "instance-size",
        "instance-cpu",
        "instance-cpu-manufacturer",
        "instance-cpu-sustained-clock-speed-mhz",
        "instance-memory",
        "instance-ebs-bandwidth",
        "instance-network-bandwidth",
        "instance-gpu-name",
        "instance-gpu-manufacturer",
        "instance-gpu-count",
        "instance-gpu-memory",
        "instance-accelerator-name",
        "instance-accelerator-manufacturer",
        "instance-accelerator-count",
        "instance-capability-flex",
        "placement-group-id",
        "placement-group-partition",
    ].map((l) => `karpenter.k8s.aws/${l}`),
);
/** Tag keys an EC2NodeClass may not set (Karpenter sets them on its nodes itself). */
export function isKarpenterRestrictedTag(key: string): boolean {
    return (
        key === "eks:eks-cluster-name" ||
        key.startsWith("kubernetes.io/cluster") ||
        key === "karpenter.sh/nodepool" ||
        key === "karpenter.sh/nodeclaim" ||
        key === "karpenter.k8s.aws/ec2nodeclass"
    );
}
const domain = (key: string) => /^([^/]+)/.exec(key)?.[1] ?? "";

const selectorTerms = (ids: RegExp, withName: boolean): Schema => ({
    type: "array",
    maxItems: 30,
    items: {
        type: "object",
        properties: {
            tags: nonEmptyTags,
            id: str({ pattern: ids }),
            ...(withName ? { name: str() } : {}),
        },
    },
    rules: [
        { message: "expected at least one, got none", ok: (a) => a.length !== 0 },
        {
            message: `expected at least one of ['tags', 'id'${withName ? ", 'name'" : ""}] in each term`,
            ok: (a) => a.every((x: any) => x.tags || x.id || (withName && x.name)),
        },
        {
            message: "'id' is mutually exclusive with other fields of a term",
            ok: (a) => !a.every((x: any) => x.id && (x.tags || x.name)),
        },
    ],
});

const EC2_NODE_CLASS_SPEC: Schema = {
    type: "object",
    required: ["amiSelectorTerms", "securityGroupSelectorTerms", "subnetSelectorTerms"],
    properties: {
        amiSelectorTerms: {
            type: "array",
            minItems: 1,
            maxItems: 30,
            items: {
                type: "object",
                properties: {
                    alias: str({
                        maxLength: 30,
                        rules: [
                            {
                                message:
                                    "'alias' is improperly formatted, must match the format 'family@version'",
                                ok: (s) => /^[a-zA-Z0-9]+@.+$/.test(s),
                            },
                            {
                                message: `family is not supported, must be one of: ${ALIAS_FAMILIES.join(", ")}`,
                                ok: (s) => ALIAS_FAMILIES.includes(s.split("@")[0]),
                            },
                        ],
                    }),
                    id: str({ pattern: /ami-[0-9a-z]+/ }),
                    tags: nonEmptyTags,
                },
            },
            rules: [
                {
                    message:
                        "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
                    ok: (a) => !(a.some((x: any) => x.alias) && a.length !== 1),
                },
            ],
        },
        subnetSelectorTerms: selectorTerms(/subnet-[0-9a-z]+/, false),
        securityGroupSelectorTerms: selectorTerms(/sg-[0-9a-z]+/, true),
        instanceProfile: str({ rules: [nonEmpty] }),
        role: str({ rules: [nonEmpty] }),
        metadataOptions: {
            type: "object",
            properties: {
                httpEndpoint: str({ enum: ["enabled", "disabled"] }),
                httpProtocolIPv6: str({ enum: ["enabled", "disabled"] }),
                httpPutResponseHopLimit: { type: "integer", minimum: 1, maximum: 64 },
                httpTokens: str({ enum: ["required", "optional"] }),
            },
        },
        blockDeviceMappings: {
            type: "array",
            maxItems: 50,
            items: {
                type: "object",
                properties: {
                    deviceName: str(),
                    rootVolume: { type: "boolean" },
                    ebs: {
                        type: "object",
                        properties: {
                            volumeSize: str({
                                pattern:
                                    /^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$/,
                            }),
                            volumeType: str({ enum: ["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"] }),
                            encrypted: { type: "boolean" },
                            deleteOnTermination: { type: "boolean" },
                            kmsKeyID: str(),
                            iops: { type: "integer" },
                            throughput: { type: "integer" },
                        },
                        rules: [
                            {
                                message: "snapshotID or volumeSize must be defined",
                                ok: (e) => e.snapshotID !== undefined || e.volumeSize !== undefined,
                            },
                        ],
                    },
                },
            },
            rules: [
                {
                    message: "must have only one blockDeviceMappings with rootVolume",
                    ok: (a) => a.filter((x: any) => x.rootVolume === true).length <= 1,
                },
            ],
        },
        tags: stringMap([
            { message: "empty tag keys aren't supported", ok: (m) => Object.keys(m).every((k) => k !== "") },
            {
                message:
                    "tag contains a restricted tag (eks:eks-cluster-name, kubernetes.io/cluster*, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass)",
                ok: (m) => Object.keys(m).every((k) => !isKarpenterRestrictedTag(k)),
            },
        ]),
        detailedMonitoring: { type: "boolean" },
        associatePublicIPAddress: { type: "boolean" },
    },
    rules: [
        {
            message: "must specify exactly one of ['role', 'instanceProfile']",
            ok: (s) => (s.role !== undefined) !== (s.instanceProfile !== undefined),
        },
        {
            message: "must specify amiFamily if amiSelectorTerms does not contain an alias",
            ok: (s) => !Array.isArray(s.amiSelectorTerms) || s.amiSelectorTerms.some((x: any) => x?.alias),
        },
    ],
};

const requirementKey: Schema = str({
    maxLength: 316,
    pattern: LABEL_KEY,
    rules: [
        {
            message: 'label domain "karpenter.sh" is restricted',
            ok: (k) =>
                ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"].includes(k) ||
                !domain(k).endsWith("karpenter.sh"),
        },
        { message: 'label "karpenter.sh/nodepool" is restricted', ok: (k) => k !== "karpenter.sh/nodepool" },
        {
            message: 'label "kubernetes.io/hostname" is restricted',
            ok: (k) => k !== "kubernetes.io/hostname",
        },
        {
            message: 'label domain "karpenter.k8s.aws" is restricted',
            ok: (k) => AWS_WELL_KNOWN.has(k) || !domain(k).endsWith("karpenter.k8s.aws"),
        },
    ],
});

const taint: Schema = {
    type: "object",
    required: ["key", "effect"],
    properties: {
        key: str({ pattern: LABEL_KEY }),
        value: str({ pattern: LABEL_KEY }),
        effect: str({ enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] }),
    },
};

const NODE_POOL_SPEC: Schema = {
    type: "object",
    required: ["template"],
    properties: {
        template: {
            type: "object",
            required: ["spec"],
            properties: {
                metadata: {
                    type: "object",
                    properties: { labels: stringMap(), annotations: stringMap() },
                },
                spec: {
                    type: "object",
                    required: ["nodeClassRef", "requirements"],
                    properties: {
                        nodeClassRef: {
                            type: "object",
                            required: ["group", "kind", "name"],
                            properties: {
                                group: str({ pattern: /^[^/]*$/, rules: [nonEmpty] }),
                                kind: str({ rules: [nonEmpty] }),
                                name: str({ rules: [nonEmpty] }),
                            },
                        },
                        requirements: {
                            type: "array",
                            maxItems: 100,
                            items: {
                                type: "object",
                                required: ["key", "operator"],
                                properties: {
                                    key: requirementKey,
                                    operator: str({
                                        enum: [
                                            "Gte",
                                            "Lte",
                                            "In",
                                            "NotIn",
                                            "Exists",
                                            "DoesNotExist",
                                            "Gt",
                                            "Lt",
                                        ],
                                    }),
                                    values: {
                                        type: "array",
                                        items: str({
                                            maxLength: 63,
                                            pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
                                        }),
                                    },
                                    minValues: { type: "integer", minimum: 1, maximum: 50 },
                                },
                            },
                            rules: [
                                {
                                    message: "requirements with operator 'In' must have a value defined",
                                    ok: (a) =>
                                        a.every((x: any) =>
                                            x.operator === "In" ? (x.values ?? []).length !== 0 : true,
                                        ),
                                },
                                {
                                    message:
                                        "requirements operator 'Gt', 'Lt', 'Gte' or 'Lte' must have a single positive integer value",
                                    ok: (a) =>
                                        a.every((x: any) =>
                                            ["Gt", "Lt", "Gte", "Lte"].includes(x.operator)
                                                ? (x.values ?? []).length === 1 &&
                                                  /^[0-9]+$/.test(x.values[0])
                                                : true,
                                        ),
                                },
                                {
                                    message:
                                        "requirements with 'minValues' must have at least that many values specified in the 'values' field",
                                    ok: (a) =>
                                        a.every((x: any) =>
                                            x.operator === "In" && x.minValues !== undefined
                                                ? (x.values ?? []).length >= x.minValues
                                                : true,
                                        ),
                                },
                            ],
                        },
                        expireAfter: str({ pattern: DURATION }),
                        terminationGracePeriod: str({ pattern: /^([0-9]+(s|m|h))+$/ }),
                        taints: { type: "array", items: taint },
                    },
                },
            },
        },
        disruption: {
            type: "object",
            required: ["consolidateAfter"],
            properties: {
                consolidationPolicy: str({ enum: ["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"] }),
                consolidateAfter: str({ pattern: DURATION }),
                budgets: {
                    type: "array",
                    maxItems: 50,
                    items: {
                        type: "object",
                        required: ["nodes"],
                        properties: {
                            nodes: str({ pattern: /^((100|[0-9]{1,2})%|[0-9]+)$/ }),
                            schedule: str({
                                pattern:
                                    /^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$/,
                            }),
                            duration: str({ pattern: /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/ }),
                            reasons: {
                                type: "array",
                                maxItems: 50,
                                items: str({ enum: ["Underutilized", "Empty", "Drifted"] }),
                            },
                        },
                    },
                    rules: [
                        {
                            message: "'schedule' must be set with 'duration'",
                            ok: (a) =>
                                a.every(
                                    (x: any) => (x.schedule !== undefined) === (x.duration !== undefined),
                                ),
                        },
                    ],
                },
            },
        },
        limits: { type: "object", additional: { type: "quantity" } },
        weight: { type: "integer", minimum: 1, maximum: 100 },
    },
};

function check(value: unknown, schema: Schema, path: string, errors: string[]): void {
    const fail = (msg: string): void => {
        errors.push(`${path}: ${msg}`);
    };
    switch (schema.type) {
        case "string":
            if (typeof value !== "string") return fail(`expected a string, got ${JSON.stringify(value)}`);
            if (schema.enum && !schema.enum.includes(value))
                return fail(`${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
            if (schema.maxLength !== undefined && value.length > schema.maxLength)
                fail(`${JSON.stringify(value)} is longer than ${schema.maxLength}`);
            if (schema.pattern && !schema.pattern.test(value))
                fail(`${JSON.stringify(value)} does not match ${schema.pattern.source}`);
            break;
        case "integer":
            if (!Number.isInteger(value)) return fail(`expected an integer, got ${JSON.stringify(value)}`);
            if (schema.minimum !== undefined && (value as number) < schema.minimum)
                fail(`${value} is less than ${schema.minimum}`);
            if (schema.maximum !== undefined && (value as number) > schema.maximum)
                fail(`${value} is greater than ${schema.maximum}`);
            return;
        case "boolean":
            if (typeof value !== "boolean") fail(`expected a boolean, got ${JSON.stringify(value)}`);
            return;
        case "quantity":
            if (!(Number.isInteger(value) || (typeof value === "string" && QUANTITY.test(value))))
                fail(`${JSON.stringify(value)} is not a Kubernetes quantity`);
            return;
        case "array":
            if (!Array.isArray(value)) return fail(`expected an array, got ${JSON.stringify(value)}`);
            if (schema.minItems !== undefined && value.length < schema.minItems)
                fail(`expected at least ${schema.minItems} item(s), got ${value.length}`);
            if (schema.maxItems !== undefined && value.length > schema.maxItems)
                fail(`expected at most ${schema.maxItems} items, got ${value.length}`);
            value.forEach((item, i) => check(item, schema.items, `${path}[${i}]`, errors));
            break;
        case "object": {
            if (value === null || typeof value !== "object" || Array.isArray(value))
                return fail(`expected an object, got ${JSON.stringify(value)}`);
            const obj = value as Record<string, unknown>;
            for (const key of schema.required ?? []) if (obj[key] === undefined) fail(`${key} is required`);
            for (const [key, v] of Object.entries(obj)) {
                if (v === undefined) continue;
                const sub = schema.properties?.[key] ?? schema.additional;
                if (!sub) fail(`field "${key}" is not declared in the schema`);
                else check(v, sub, `${path}.${key}`, errors);
            }
            break;
        }
    }
    for (const rule of "rules" in schema ? (schema.rules ?? []) : []) {
        if (!rule.ok(value)) fail(rule.message);
    }
}

function validateObject(obj: any, expected: { apiVersion: string; kind: string }, spec: Schema): string[] {
    const errors: string[] = [];
    if (obj?.apiVersion !== expected.apiVersion) errors.push(`apiVersion: expected ${expected.apiVersion}`);
    if (obj?.kind !== expected.kind) errors.push(`kind: expected ${expected.kind}`);
    const name = obj?.metadata?.name;
    if (typeof name !== "string" || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name))
        errors.push(`metadata.name: ${JSON.stringify(name)} is not a DNS subdomain name`);
    check(obj?.spec, spec, "spec", errors);
    return errors;
}

/** Every way `obj` breaks the EC2NodeClass v1 shape declared above (empty: valid). */
export function validateEC2NodeClass(obj: unknown): string[] {
    return validateObject(obj, EC2_NODE_CLASS, EC2_NODE_CLASS_SPEC);
}

/** Every way `obj` breaks the NodePool v1 shape declared above (empty: valid). */
export function validateNodePool(obj: unknown): string[] {
    return validateObject(obj, NODE_POOL, NODE_POOL_SPEC);
}
