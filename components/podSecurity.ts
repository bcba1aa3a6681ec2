// Pod Security Admission labels for every namespace this program creates. `enforce` is baseline or
// restricted, never privileged; `warn` and `audit` are always restricted, so anything short of
// restricted is reported (kubectl warnings, audit log) without being refused.
// Workloads that need node privileges (istio-cni, ztunnel) run in kube-system, which the program
// does not create: see istioCni.ts.
import type * as k8s from "@pulumi/kubernetes";

/** The PSA levels a namespace created here may enforce. */
export type EnforcedPodSecurityLevel = "baseline" | "restricted";

/** The PSA labels of a namespace created by this program. */
export function podSecurityLabels(enforce: EnforcedPodSecurityLevel = "baseline"): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
    };
}

/** Pod-level security context that `restricted` requires: non-root and the runtime's seccomp profile. */
export const RESTRICTED_POD_SECURITY_CONTEXT: k8s.types.input.core.v1.PodSecurityContext = {
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
};

/** Container-level security context that `restricted` requires. */
export const RESTRICTED_CONTAINER_SECURITY_CONTEXT: k8s.types.input.core.v1.SecurityContext = {
    allowPrivilegeEscalation: false,
    privileged: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};
