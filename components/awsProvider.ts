// The platform's explicit AWS provider: configured from the stack's `aws:` keys exactly as the
// default provider would be, plus the platform's tags as `defaultTags`. An explicit provider is the
// one way tags reach every AWS resource, including the ones pulumi-eks's remote components create
// in their own plugin (transforms do not cross into it; the provider reference does).
// Also where that provider deploys to (partition and account), looked up once for every ARN the
// components write.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** Credential keys that are secret even if the stack did not mark them so. */
const CREDENTIAL_KEYS = new Set(["accessKey", "secretKey", "token"]);

/**
 * The stack's `aws:` configuration (full keys -> raw CLI strings, as `pulumi.runtime.allConfig()`
 * returns them) as provider arguments: objects and lists parsed from their JSON, secrets kept secret.
 */
export function awsConfigArgs(
    allConfig: Readonly<Record<string, string>>,
    isSecret: (fullKey: string) => boolean = () => false,
): Record<string, pulumi.Input<unknown>> {
    const out: Record<string, pulumi.Input<unknown>> = {};
    for (const [full, raw] of Object.entries(allConfig)) {
        if (!full.startsWith("aws:")) continue;
        const key = full.slice("aws:".length);
        let value: unknown = raw;
        if (/^\s*[[{]/.test(raw)) {
            try {
                value = JSON.parse(raw);
            } catch {
                value = raw; // the provider reports a malformed value itself, naming the key
            }
        }
        out[key] = isSecret(full) || CREDENTIAL_KEYS.has(key) ? pulumi.secret(value) : value;
    }
    return out;
}

/** Provider arguments: the stack's `aws:` config with `tags` merged over any `aws:defaultTags`. */
export function awsProviderArgs(
    awsConfig: Readonly<Record<string, pulumi.Input<unknown>>>,
    region: string,
    tags: Readonly<Record<string, string>>,
): aws.ProviderArgs {
    const given = awsConfig.defaultTags as { tags?: Record<string, string> } | undefined;
    return {
        ...(awsConfig as aws.ProviderArgs),
        region: region as aws.Region,
        defaultTags: { ...(given ?? {}), tags: { ...(given?.tags ?? {}), ...tags } },
    };
}

/** The partition and account the platform's AWS provider deploys to, as looked up once. */
export interface AwsAccount {
    /** AWS partition (`aws`, `aws-us-gov`, `aws-cn`): every ARN starts with it. */
    partition: pulumi.Output<string>;
    /** Account id. */
    accountId: pulumi.Output<string>;
}

/** Looks up the partition and account of the provider `opts` resolve to (the platform's). */
export function lookupAwsAccount(opts: pulumi.InvokeOutputOptions): AwsAccount {
    return {
        partition: aws.getPartitionOutput({}, opts).partition,
        accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    };
}

/** Where a policy applies: the partition, region and account of the stack, resolved. */
export interface AccountScope {
    /** AWS partition (`aws`, `aws-us-gov`, `aws-cn`). */
    partition: string;
    /** Region. */
    region: string;
    /** Account id. */
    accountId: string;
}

/** The ARN of an AWS-managed IAM policy in the stack's partition. */
export function awsManagedPolicyArn(partition: pulumi.Input<string>, policy: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
}
