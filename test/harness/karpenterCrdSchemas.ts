// Schemas of the two Karpenter custom objects the program creates (components/karpenter.ts), in the
// shared format of crdSchema.ts, declared from the v1 CRDs of the pinned release
// (KARPENTER_CRD_VERSION, pkg/apis/crds/*.yaml): field names, types, enums, patterns, bounds and
// required lists of the fields the program sets, and the x-kubernetes-validations (CEL) rules that
// touch them as predicates with the CRDs' own messages. A field outside this subset is rejected: the
// program never sets it, so it needs no checking, and a misspelling fails here instead of at apply.
import { isKarpenterRestrictedTag, KARPENTER_CRD_VERSION } from "../../components/karpenterCrds";
import type { CrdSchema, SchemaNode } from "./crdSchema";

type Rule = NonNullable<SchemaNode["rules"]>[number];

const str = (extra: Omit<SchemaNode, "type"> = {}): SchemaNode => ({ type: "string", ...extra });
const int = (minimum?: number, maximum?: number): SchemaNode => ({ type: "integer", minimum, maximum });
const bool: SchemaNode = { type: "boolean" };
const nonEmpty: Rule = { message: "must not be empty", check: (v) => v !== "" };
const stringMap = (rules: Rule[] = []): SchemaNode => ({
    type: "object",
    additionalProperties: str(),
    rules,
});
const nonEmptyTags = stringMap([
    {
        message: "empty tag keys or values aren't supported",
        check: (m) => Object.entries(m).every(([k, v]) => k !== "" && v !== ""),
    },
]);

/** A Kubernetes resource quantity (the CRD's pattern on an int-or-string). */
const QUANTITY = String.raw`^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`;
/** A qualified label key (optional DNS prefix, then a name). */
const LABEL_KEY = String.raw`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`;
const DURATION = "^(([0-9]+(s|m|h))+|Never)$";
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
const domain = (key: string) => /^([^/]+)/.exec(key)?.[1] ?? "";

const selectorTerms = (ids: string, withName: boolean): SchemaNode => ({
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
        { message: "expected at least one, got none", check: (a) => a.length !== 0 },
        {
            message: `expected at least one of ['tags', 'id'${withName ? ", 'name'" : ""}] in each term`,
            check: (a) => a.every((x: any) => x.tags || x.id || (withName && x.name)),
        },
        {
            message: "'id' is mutually exclusive with other fields of a term",
            check: (a) => !a.every((x: any) => x.id && (x.tags || x.name)),
        },
    ],
});

const source = (file: string) => `aws/karpenter-provider-aws v${KARPENTER_CRD_VERSION} pkg/apis/crds/${file}`;

/** EC2NodeClass (karpenter.k8s.aws/v1), cluster-scoped. */
export const EC2_NODE_CLASS_CRD: CrdSchema = {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    scope: "Cluster",
    source: source("karpenter.k8s.aws_ec2nodeclasses.yaml"),
    spec: {
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
                                    check: (s) => /^[a-zA-Z0-9]+@.+$/.test(s),
                                },
                                {
                                    message: `family is not supported, must be one of: ${ALIAS_FAMILIES.join(", ")}`,
                                    check: (s) => ALIAS_FAMILIES.includes(s.split("@")[0]),
                                },
                            ],
                        }),
                        id: str({ pattern: "ami-[0-9a-z]+" }),
                        tags: nonEmptyTags,
                    },
                },
                rules: [
                    {
                        message:
                            "'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
                        check: (a) => !(a.some((x: any) => x.alias) && a.length !== 1),
                    },
                ],
            },
            subnetSelectorTerms: selectorTerms("subnet-[0-9a-z]+", false),
            securityGroupSelectorTerms: selectorTerms("sg-[0-9a-z]+", true),
            instanceProfile: str({ rules: [nonEmpty] }),
            role: str({ rules: [nonEmpty] }),
            metadataOptions: {
                type: "object",
                properties: {
                    httpEndpoint: str({ enum: ["enabled", "disabled"] }),
                    httpProtocolIPv6: str({ enum: ["enabled", "disabled"] }),
                    httpPutResponseHopLimit: int(1, 64),
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
                        rootVolume: bool,
                        ebs: {
                            type: "object",
                            properties: {
                                volumeSize: str({
                                    pattern:
                                        "^((?:[1-9][0-9]{0,3}|[1-4][0-9]{4}|[5][0-8][0-9]{3}|59000)Gi|(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|[6][0-3][0-9]{3}|64000)G|([1-9]||[1-5][0-7]|58)Ti|([1-9]||[1-5][0-9]|6[0-3]|64)T)$",
                                }),
                                volumeType: str({
                                    enum: ["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"],
                                }),
                                encrypted: bool,
                                deleteOnTermination: bool,
                                kmsKeyID: str(),
                                iops: int(),
                                throughput: int(),
                            },
                            rules: [
                                {
                                    message: "snapshotID or volumeSize must be defined",
                                    check: (e) => e.snapshotID !== undefined || e.volumeSize !== undefined,
                                },
                            ],
                        },
                    },
                },
                rules: [
                    {
                        message: "must have only one blockDeviceMappings with rootVolume",
                        check: (a) => a.filter((x: any) => x.rootVolume === true).length <= 1,
                    },
                ],
            },
            tags: stringMap([
                {
                    message: "empty tag keys aren't supported",
                    check: (m) => Object.keys(m).every((k) => k !== ""),
                },
                {
                    // The same predicate the config check uses (components/config/autoscaling.ts).
                    message:
                        "tag contains a restricted tag (eks:eks-cluster-name, kubernetes.io/cluster*, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass)",
                    check: (m) => Object.keys(m).every((k) => !isKarpenterRestrictedTag(k)),
                },
            ]),
            detailedMonitoring: bool,
            associatePublicIPAddress: bool,
        },
        rules: [
            {
                message: "must specify exactly one of ['role', 'instanceProfile']",
                check: (s) => (s.role !== undefined) !== (s.instanceProfile !== undefined),
            },
            {
                message: "must specify amiFamily if amiSelectorTerms does not contain an alias",
                check: (s) =>
                    !Array.isArray(s.amiSelectorTerms) || s.amiSelectorTerms.some((x: any) => x?.alias),
            },
        ],
    },
};

const requirementKey: SchemaNode = str({
    maxLength: 316,
    pattern: LABEL_KEY,
    rules: [
        {
            message: 'label domain "karpenter.sh" is restricted',
            check: (k) =>
                ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"].includes(k) ||
                !domain(k).endsWith("karpenter.sh"),
        },
        {
            message: 'label "karpenter.sh/nodepool" is restricted',
            check: (k) => k !== "karpenter.sh/nodepool",
        },
        {
            message: 'label "kubernetes.io/hostname" is restricted',
            check: (k) => k !== "kubernetes.io/hostname",
        },
        {
            message: 'label domain "karpenter.k8s.aws" is restricted',
            check: (k) => AWS_WELL_KNOWN.has(k) || !domain(k).endsWith("karpenter.k8s.aws"),
        },
    ],
});

const taint: SchemaNode = {
    type: "object",
    required: ["key", "effect"],
    properties: {
        key: str({ pattern: LABEL_KEY }),
        value: str({ pattern: LABEL_KEY }),
        effect: str({ enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] }),
    },
};

const requirements: SchemaNode = {
    type: "array",
    maxItems: 100,
    items: {
        type: "object",
        required: ["key", "operator"],
        properties: {
            key: requirementKey,
            operator: str({ enum: ["Gte", "Lte", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] }),
            values: {
                type: "array",
                items: str({ maxLength: 63, pattern: "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$" }),
            },
            minValues: int(1, 50),
        },
    },
    rules: [
        {
            message: "requirements with operator 'In' must have a value defined",
            check: (a) => a.every((x: any) => (x.operator === "In" ? (x.values ?? []).length !== 0 : true)),
        },
        {
            message:
                "requirements operator 'Gt', 'Lt', 'Gte' or 'Lte' must have a single positive integer value",
            check: (a) =>
                a.every((x: any) =>
                    ["Gt", "Lt", "Gte", "Lte"].includes(x.operator)
                        ? (x.values ?? []).length === 1 && /^[0-9]+$/.test(x.values[0])
                        : true,
                ),
        },
        {
            message:
                "requirements with 'minValues' must have at least that many values specified in the 'values' field",
            check: (a) =>
                a.every((x: any) =>
                    x.operator === "In" && x.minValues !== undefined
                        ? (x.values ?? []).length >= x.minValues
                        : true,
                ),
        },
    ],
};

const disruption: SchemaNode = {
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
                    nodes: str({ pattern: "^((100|[0-9]{1,2})%|[0-9]+)$" }),
                    schedule: str({
                        pattern: String.raw`^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\s(.+)\s(.+)\s(.+)\s(.+))$`,
                    }),
                    duration: str({ pattern: "^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$" }),
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
                    check: (a) =>
                        a.every((x: any) => (x.schedule !== undefined) === (x.duration !== undefined)),
                },
            ],
        },
    },
};

/** NodePool (karpenter.sh/v1), cluster-scoped. */
export const NODE_POOL_CRD: CrdSchema = {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    scope: "Cluster",
    source: source("karpenter.sh_nodepools.yaml"),
    spec: {
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
                                    group: str({ pattern: "^[^/]*$", rules: [nonEmpty] }),
                                    kind: str({ rules: [nonEmpty] }),
                                    name: str({ rules: [nonEmpty] }),
                                },
                            },
                            requirements,
                            expireAfter: str({ pattern: DURATION }),
                            terminationGracePeriod: str({ pattern: "^([0-9]+(s|m|h))+$" }),
                            taints: { type: "array", items: taint },
                        },
                    },
                },
            },
            disruption,
            limits: { type: "object", additionalProperties: { type: "int-or-string", pattern: QUANTITY } },
            weight: int(1, 100),
        },
    },
};
