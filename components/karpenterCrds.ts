// The two Karpenter custom resources this program creates, typed. The shapes are the subset of the v1
// CRDs shipped with the pinned chart (KARPENTER_CRD_VERSION) that the program uses. The API server
// would reject an object that breaks the CRDs' rules only at `pulumi up`, after the cluster exists:
// the program's builders are typed by these shapes, the tests validate the recorded objects against
// the same subset declared with its patterns, bounds and CEL rules
// (test/harness/karpenterCrdSchemas.ts), and the one user input that reaches the objects unchecked
// otherwise (tag keys) is checked with the CRD's rule, isKarpenterRestrictedTag below, when the
// config is read.

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
