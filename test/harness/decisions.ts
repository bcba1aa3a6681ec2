// The decisions a stack file leaves to its user on purpose (no default exists), answered once for
// the tests the way a user would answer them with `pulumi config set`.

/** Who may reach the public Kubernetes API endpoint: Pulumi.prod.yaml ships without an answer. */
export const API_CIDRS_DECISION = { endpointPublicAccessCidrs: ["203.0.113.0/24"] } as const;

/** Every decision prod's stack file leaves open, as `recordStack` overrides. */
export const PROD_DECISIONS: Record<string, unknown> = { ...API_CIDRS_DECISION };
