// The one shared mock recorder: runs a Pulumi program under `pulumi.runtime.setMocks`, records every
// registered resource (components and providers included) with its inputs, parent, dependencies
// and property dependencies, and resolves the program's exported outputs. Product code: `npm run plan`
// runs on it (plain script, no mocha), and the component tests and the pack's integration tests
// import it from here too (test/harness/pulumiMocks.ts only re-exports it).
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { StackResource } from "../../policies/lib/types";
import { UNKNOWN } from "../../policies/lib/types";
import { fullKey, loadStackConfig, readProjectFile } from "./projectConfig";

export { loadStackConfig } from "./projectConfig";

/** The project root: Pulumi.yaml, the stack files and the program (index.ts). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** One registered resource as recorded under mocks. `props` and `inputs` are the same object. */
export interface RecordedResource extends StackResource {
    /** True for custom resources (and providers), false for components (local and remote). */
    custom: boolean;
    /** Deserialized inputs; values unknown at preview are the UNKNOWN sentinel string. */
    inputs: Record<string, any>;
    /** The state the mock returned (what `pulumi stack export` would show as outputs). */
    outputs: Record<string, any>;
    /** The mock id (custom resources). */
    id?: string;
    /** Components (local and remote): the provider references passed in `providers`, by package. */
    providers: Record<string, string>;
    /** Resource options that shape updates and deletes, as the engine receives them. */
    options: RecordedOptions;
}

/** The resource options a test can assert on (what `pulumi up` does on replace and destroy). */
export interface RecordedOptions {
    /** Input paths whose change forces a replacement (`replaceOnChanges`). */
    replaceOnChanges: string[];
    /** Delete the old resource before creating its replacement. */
    deleteBeforeReplace: boolean;
    /** Leave the cloud resource in place when Pulumi deletes it. */
    retainOnDelete: boolean;
    /** Input paths whose changes are ignored after creation. */
    ignoreChanges: string[];
}

/** Options of {@link recordProgram}. */
export interface RecordOptions {
    /** Project name (config namespace); default `istio-eks-nlb`. */
    project?: string;
    /** Stack name; default `dev`. */
    stack?: string;
    /** Config values; bare keys get the project namespace. Non-strings are JSON-encoded like the CLI does. */
    config?: Record<string, unknown>;
    /** Run as a preview: outputs the mock does not return are unknown. */
    preview?: boolean;
    /** Fail with a clear error if the program has not settled after this many ms (default 15000). */
    timeoutMs?: number;
}

/** Result of {@link recordProgram}. */
export interface RecordResult<T> {
    /** Every registered resource, in registration order. */
    resources: RecordedResource[];
    /** What `program` returned. */
    result: T;
    /** The program's returned Outputs (e.g. a module's exports), resolved; unknowns are UNKNOWN. */
    outputs: Record<string, unknown>;
    /** Names of the outputs that are secret. */
    secretOutputs: string[];
    /** What the program logged with `pulumi.log.warn`, in order (e.g. versions past support). */
    warnings: string[];
}

/** Account, region and ids the mocks use, so tests can assert on them. */
export const MOCK_ACCOUNT = "123456789012";
/** The region used in mock ARNs when `aws:region` is unset. */
export const MOCK_REGION_DEFAULT = "us-west-2";
/** The VPC CIDR the mocked `aws.ec2.getVpc` returns for an existing VPC. */
export const MOCK_EXISTING_VPC_CIDR = "10.20.0.0/16";
/** The AWS partition of a region, as `aws.getPartition` answers it (GovCloud and China differ). */
export function mockPartition(region: string): { partition: string; dnsSuffix: string } {
    if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
    if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
    return { partition: "aws", dnsSuffix: "amazonaws.com" };
}
/** Canonical hosted zone id the mocked NLB returns. */
export const MOCK_NLB_ZONE_ID = "Z18D5FSROUN65G";

const settingsModule: { waitForRPCs(): Promise<void> } = require("@pulumi/pulumi/runtime/settings");
const debuggableModule: {
    debuggablePromise?: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
} = require("@pulumi/pulumi/runtime/debuggable");

// Runs share Pulumi's process-global state (monitor, config), so they are serialized.
let queue: Promise<unknown> = Promise.resolve();

/** Deletes a module from the require cache and requires it again (a program module runs once per require). */
export function requireFresh<T = any>(modulePath: string): T {
    const resolved = require.resolve(modulePath);
    delete require.cache[resolved];
    return require(resolved);
}

function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function slug(name: string): string {
    return name.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 32);
}

/** Realistic outputs for the resource types the program uses; everything else echoes its inputs. */
function mockState(
    args: pulumi.runtime.MockResourceArgs,
    region: string,
): { id: string; state: Record<string, any> } {
    const { type, name, inputs } = args;
    const id = `${slug(name)}-id`;
    const partition = mockPartition(region).partition;
    const arn = (service: string, resource: string) =>
        `arn:${partition}:${service}:${region}:${MOCK_ACCOUNT}:${resource}`;
    switch (type) {
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? name;
            const endpoint = `https://${slug(clusterName).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
            const issuer = `oidc.eks.${region}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
            const kubeconfig = {
                apiVersion: "v1",
                kind: "Config",
                clusters: [
                    {
                        name: "kubernetes",
                        cluster: { server: endpoint, "certificate-authority-data": "Q0EK" },
                    },
                ],
                contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
                "current-context": "aws",
                users: [
                    {
                        name: "aws",
                        user: {
                            exec: {
                                apiVersion: "client.authentication.k8s.io/v1beta1",
                                command: "aws",
                                args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                            },
                        },
                    },
                ],
            };
            const eksCluster = {
                name: clusterName,
                arn: arn("eks", `cluster/${clusterName}`),
                endpoint,
                version: inputs.version,
                certificateAuthority: { data: "Q0EK" },
                identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }],
                vpcConfig: {
                    vpcId: inputs.vpcId,
                    clusterSecurityGroupId: "sg-0eks0managed0cluster",
                    securityGroupIds: ["sg-0cluster"],
                    subnetIds: [...(inputs.privateSubnetIds ?? []), ...(inputs.publicSubnetIds ?? [])],
                    endpointPublicAccess: inputs.endpointPublicAccess,
                    endpointPrivateAccess: inputs.endpointPrivateAccess,
                },
            };
            const oidcProviderArn = arn("iam", `oidc-provider/${issuer}`).replace(`:${region}:`, "::");
            return {
                id: "",
                state: {
                    ...inputs,
                    kubeconfig,
                    kubeconfigJson: JSON.stringify(kubeconfig),
                    eksCluster,
                    core: {
                        cluster: eksCluster,
                        endpoint,
                        clusterSecurityGroupId: "sg-0cluster",
                        vpcId: inputs.vpcId,
                        subnetIds: eksCluster.vpcConfig.subnetIds,
                        publicSubnetIds: inputs.publicSubnetIds,
                        privateSubnetIds: inputs.privateSubnetIds,
                        oidcProvider: { arn: oidcProviderArn, url: `https://${issuer}` },
                        provider: {},
                        instanceRoles: [],
                        nodeGroupOptions: {},
                    },
                    clusterSecurityGroupId: "sg-0cluster",
                    nodeSecurityGroupId: "sg-0nodes",
                    clusterIngressRuleId: "sgr-0clusteringress",
                    eksClusterIngressRule: undefined,
                    defaultNodeGroupAsgName: "",
                    fargateProfileId: "",
                    fargateProfileStatus: "",
                    instanceRoles: [],
                    oidcProviderArn,
                    oidcProviderUrl: `https://${issuer}`,
                    oidcIssuer: issuer,
                    autoModeNodeRoleName: "",
                },
            };
        }
        case "eks:index:ManagedNodeGroup":
            return {
                id: "",
                state: { ...inputs, nodeGroup: { nodeGroupName: `${slug(name)}-ng`, status: "ACTIVE" } },
            };
        case "kubernetes:helm.sh/v4:Chart":
            // Chart v4 children are rendered by the provider; under mocks there are none.
            return { id: "", state: { ...inputs, resources: [] } };
        case "aws:lb/loadBalancer:LoadBalancer": {
            const kind = inputs.loadBalancerType === "network" ? "net" : "app";
            const lbArn = arn("elasticloadbalancing", `loadbalancer/${kind}/${slug(name)}/0123456789abcdef`);
            return {
                id: lbArn,
                state: {
                    ...inputs,
                    arn: lbArn,
                    arnSuffix: `${kind}/${slug(name)}/0123456789abcdef`,
                    dnsName: `${slug(name)}-0123456789abcdef.elb.${region}.amazonaws.com`,
                    zoneId: MOCK_NLB_ZONE_ID,
                    name: slug(name),
                },
            };
        }
        case "aws:lb/targetGroup:TargetGroup": {
            const tgArn = arn("elasticloadbalancing", `targetgroup/${slug(name)}/0123456789abcdef`);
            return {
                id: tgArn,
                state: {
                    ...inputs,
                    arn: tgArn,
                    arnSuffix: `targetgroup/${slug(name)}/0123456789abcdef`,
                    name: slug(name),
                },
            };
        }
        case "aws:lb/listener:Listener": {
            const lArn = arn(
                "elasticloadbalancing",
                `listener/net/${slug(name)}/0123456789abcdef/fedcba9876543210`,
            );
            return { id: lArn, state: { ...inputs, arn: lArn } };
        }
        case "aws:iam/role:Role":
            return {
                id: slug(name),
                state: {
                    ...inputs,
                    arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:role/${slug(name)}`,
                    name: slug(name),
                },
            };
        case "aws:iam/policy:Policy":
            return {
                id: slug(name),
                state: { ...inputs, arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:policy/${slug(name)}` },
            };
        case "aws:route53/record:Record":
            // Route 53 reports the record's name without the trailing dot.
            return {
                id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`,
                state: { ...inputs, fqdn: inputs.name },
            };
        case "aws:iam/instanceProfile:InstanceProfile":
            return {
                id: slug(name),
                state: {
                    ...inputs,
                    name: slug(name),
                    arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:instance-profile/${slug(name)}`,
                },
            };
        case "aws:sqs/queue:Queue":
            return {
                id: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT}/${slug(name)}`,
                state: {
                    ...inputs,
                    name: slug(name),
                    url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT}/${slug(name)}`,
                    arn: arn("sqs", slug(name)),
                },
            };
        case "aws:cloudwatch/eventRule:EventRule":
            return {
                id: slug(name),
                state: { ...inputs, name: slug(name), arn: arn("events", `rule/${slug(name)}`) },
            };
        case "aws:cloudwatch/logGroup:LogGroup":
            // The provider drops the API's trailing `:*` from log group ARNs.
            return {
                id: inputs.name ?? slug(name),
                state: { ...inputs, arn: arn("logs", `log-group:${inputs.name ?? slug(name)}`) },
            };
        case "aws:kms/key:Key":
            return {
                id: "mock-key-id",
                state: { ...inputs, keyId: "mock-key-id", arn: arn("kms", "key/mock-key-id") },
            };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { id: `lt-${slug(name)}`, state: { ...inputs, latestVersion: 1, defaultVersion: 1 } };
        case "aws:ec2/securityGroup:SecurityGroup":
            return {
                id: `sg-${slug(name)}`,
                state: { ...inputs, arn: arn("ec2", `security-group/sg-${slug(name)}`) },
            };
        case "aws:ec2/vpc:Vpc":
            return {
                id: `vpc-${slug(name)}`,
                state: { ...inputs, arn: arn("ec2", `vpc/vpc-${slug(name)}`) },
            };
        case "aws:ec2/subnet:Subnet":
            return {
                id: `subnet-${slug(name)}`,
                state: { ...inputs, arn: arn("ec2", `subnet/subnet-${slug(name)}`) },
            };
        default:
            if (type.startsWith("aws:")) {
                const service = type.split(/[:/]/)[1];
                return { id, state: { ...inputs, arn: arn(service, `${type.split(":").pop()}/${id}`) } };
            }
            return { id: args.custom ? id : "", state: { ...inputs } };
    }
}

/** One zone as `DescribeAvailabilityZones` reports it. */
export interface MockZone {
    /** Zone name, e.g. `us-west-2a` or the Local Zone `us-west-2-lax-1a`. */
    name: string;
    /** Zone id, e.g. `usw2-az1`. */
    zoneId: string;
    /** `opt-in-not-required` (regular AZs), `opted-in` or `not-opted-in` (Local/Wavelength Zones). */
    optInStatus: string;
}

/**
 * The zones of a mocked region, sorted by name as AWS returns them. us-west-2 has four AZs and an
 * opted-in Local Zone (which sorts first: `-` < `a`); us-west-1 has two AZs, like most accounts.
 */
export function mockZones(region: string): MockZone[] {
    const code = region.replace(/^(\w\w)-(\w)\w*-(\d+)$/, "$1$2$3");
    const letters = region === "us-west-1" ? ["a", "c"] : ["a", "b", "c", "d"];
    const zones: MockZone[] = letters.map((l, i) => ({
        name: `${region}${l}`,
        zoneId: `${code}-az${i + 1}`,
        optInStatus: "opt-in-not-required",
    }));
    if (region === "us-west-2") {
        zones.push({ name: "us-west-2-lax-1a", zoneId: "usw2-lax1-az1", optInStatus: "opted-in" });
        zones.push({ name: "us-west-2-phx-2a", zoneId: "usw2-phx2-az1", optInStatus: "not-opted-in" });
    }
    return zones.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `aws.getAvailabilityZones`: honours `allAvailabilityZones` and the `opt-in-status` filter. */
function availabilityZones(region: string, inputs: Record<string, any>): Record<string, any> {
    let zones = mockZones(region).filter(
        (z) => inputs.allAvailabilityZones || z.optInStatus !== "not-opted-in",
    );
    for (const f of (inputs.filters ?? []) as { name: string; values: string[] }[]) {
        if (f.name === "opt-in-status") zones = zones.filter((z) => f.values.includes(z.optInStatus));
    }
    return { names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), id: region };
}

function mockCall(args: pulumi.runtime.MockCallArgs, region: string): Record<string, any> {
    const { partition, dnsSuffix } = mockPartition(region);
    switch (args.token) {
        case "aws:index/getPartition:getPartition":
            return {
                partition,
                dnsSuffix,
                id: partition,
                reverseDnsPrefix: dnsSuffix.split(".").reverse().join("."),
            };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return availabilityZones(region, args.inputs);
        case "aws:ec2/getVpc:getVpc":
            return {
                id: args.inputs.id,
                cidrBlock: MOCK_EXISTING_VPC_CIDR,
                arn: `arn:${partition}:ec2:${region}:${MOCK_ACCOUNT}:vpc/${args.inputs.id}`,
            };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: MOCK_ACCOUNT,
                arn: `arn:${partition}:iam::${MOCK_ACCOUNT}:user/mock`,
                userId: "MOCK",
            };
        default:
            return {};
    }
}

/** Replaces resource objects with their URN and the runtime's unknown marker with UNKNOWN, recursively. */
async function normalize(value: any): Promise<any> {
    if (pulumi.Output.isInstance(value)) {
        // An unknown Output resolves to undefined with isKnown false: report it as the sentinel.
        if (!(await (value as any).isKnown)) return UNKNOWN;
        return normalize(await (value as any).promise(true));
    }
    if (pulumi.isUnknown(value)) return UNKNOWN;
    if (pulumi.Resource.isInstance(value)) return normalize(value.urn);
    if (Array.isArray(value)) return Promise.all(value.map(normalize));
    if (value !== null && typeof value === "object") {
        // A secret deserialized below the top level: keep the plaintext, tests assert on it.
        if (value["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270")
            return normalize(value.value);
        const out: Record<string, any> = {};
        for (const [k, v] of Object.entries(value)) out[k] = await normalize(v);
        return out;
    }
    return value;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`recordProgram: timed out after ${ms} ms ${what()}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `program` under Pulumi mocks and records every registered resource. Safe to call many times
 * in one process (runs are serialized, config is replaced each run) and from plain scripts.
 */
export function recordProgram<T>(
    program: () => T | Promise<T>,
    options: RecordOptions = {},
): Promise<RecordResult<T>> {
    const run = queue.then(() => withoutDebugging(() => capturingWarnings(() => runOnce(program, options))));
    queue = run.catch(() => undefined);
    return run;
}

/**
 * With no engine (under mocks) the SDK prints `pulumi.log.warn` as `warning: [runtime] <message>` on
 * console.warn: a recording keeps those in its result instead of printing them (runs are serialized,
 * so the messages are this run's); anything else written to console.warn passes through.
 */
async function capturingWarnings<T>(
    work: () => Promise<Omit<RecordResult<T>, "warnings">>,
): Promise<RecordResult<T>> {
    const warnings: string[] = [];
    const print = console.warn;
    console.warn = (...args: unknown[]) => {
        const m = /^warning: \[runtime\] ([\s\S]*)$/.exec(args.map(String).join(" "));
        if (m) warnings.push(m[1]);
        else print(...args);
    };
    try {
        return { ...(await work()), warnings };
    } finally {
        console.warn = print;
    }
}

/**
 * The Pulumi SDK stores `new Error().stack` on every promise it creates (debuggable.ts), and under a
 * source-mapped loader (tsx) each of those stacks is mapped back to TypeScript: that was 80% of a
 * recording's time (about 300 ms of 360 ms for the dev stack). Error messages are unaffected; only
 * stack frames are dropped while a program is recorded. Each resource also takes a whole stack, with
 * no limit, for its source position (Resource.stackTrace, which lifts the limit), which the engine
 * shows in its UI and the mocks drop: it is not taken either (5-10% of a recording's CPU time). And
 * the rest of that promise debugging (three properties and a leak-tracking chain per promise, for
 * the engine's "promise leaked" report) is left out: about 20% of a recording's CPU time.
 * Set PULUMI_MOCKS_STACKS=1 to keep all of it.
 */
async function withoutDebugging<T>(work: () => Promise<T>): Promise<T> {
    if (process.env.PULUMI_MOCKS_STACKS === "1") return work();
    const limit = Error.stackTraceLimit;
    const resource = pulumi.Resource as unknown as { stackTrace?: (skip: number) => unknown[] };
    const stackTrace = resource.stackTrace;
    const debuggable = debuggableModule.debuggablePromise;
    Error.stackTraceLimit = 0;
    if (typeof stackTrace === "function") resource.stackTrace = () => [];
    if (typeof debuggable === "function") debuggableModule.debuggablePromise = (p) => p;
    try {
        return await work();
    } finally {
        Error.stackTraceLimit = limit;
        resource.stackTrace = stackTrace;
        debuggableModule.debuggablePromise = debuggable;
    }
}

async function runOnce<T>(
    program: () => T | Promise<T>,
    options: RecordOptions,
): Promise<Omit<RecordResult<T>, "warnings">> {
    const project = options.project ?? "istio-eks-nlb";
    const stack = options.stack ?? "dev";
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.config ?? {})) {
        if (v !== undefined && v !== null) config[fullKey(project, k)] = configString(v);
    }
    const region = config["aws:region"] ?? MOCK_REGION_DEFAULT;
    // Replace (not merge) the whole config map, so nothing leaks from a previous run.
    pulumi.runtime.setAllConfig(config, []);

    await pulumi.runtime.setMocks(
        {
            newResource: (args) => mockState(args, region),
            call: (args) => mockCall(args, region),
        },
        project,
        stack,
        options.preview ?? false,
    );

    const resources: RecordedResource[] = [];
    const pending = new Set<string>();
    const monitor: any = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v: any, k: string) => {
            propertyDependencies[k] = v.getUrnsList();
        });
        const record: RecordedResource = {
            urn: "",
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            provider: req.getProvider() || undefined,
            providers: Object.fromEntries(req.getProvidersMap().toArray()),
            inputs: {},
            props: {},
            outputs: {},
            options: {
                replaceOnChanges: req.getReplaceonchangesList(),
                deleteBeforeReplace: req.getDeletebeforereplace(),
                retainOnDelete: req.getRetainondelete() ?? false,
                ignoreChanges: req.getIgnorechangesList(),
            },
        };
        const key = `${record.type}::${record.name}::${resources.length}`;
        resources.push(record);
        pending.add(key);
        const inputsReady = normalize(pulumi.runtime.deserializeProperties(req.getObject(), true)).then(
            (inputs) => {
                record.inputs = inputs;
                record.props = inputs;
            },
        );
        register(req, (err: any, resp: any) => {
            const finish = async () => {
                await inputsReady;
                if (!err && resp) {
                    record.urn = resp.getUrn();
                    record.id = resp.getId() || undefined;
                    record.outputs = await normalize(
                        pulumi.runtime.deserializeProperties(resp.getObject(), true),
                    );
                }
            };
            finish()
                .catch(() => undefined)
                .finally(() => {
                    pending.delete(key);
                    callback(err, resp);
                });
        });
    };

    const timeoutMs = options.timeoutMs ?? 15000;
    const settle = async () => {
        const result = await program();
        const outputs: Record<string, unknown> = {};
        const secretOutputs: string[] = [];
        if (result !== null && typeof result === "object") {
            for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
                if (!pulumi.Output.isInstance(v)) continue;
                outputs[k] = await normalize(v);
                if (await pulumi.isSecret(v)) secretOutputs.push(k);
            }
        }
        // Registrations started by the program (and by components' async work) must all finish.
        do {
            await settingsModule.waitForRPCs();
            await new Promise((r) => setImmediate(r));
        } while (pending.size > 0);
        return { result, outputs, secretOutputs };
    };
    const { result, outputs, secretOutputs } = await withTimeout(
        settle(),
        timeoutMs,
        () =>
            `waiting for ${pending.size} registration(s) or an output that never resolves: ${[...pending].join(", ")}`,
    );
    for (const r of resources.filter((x) => !x.urn)) {
        throw new Error(`recordProgram: registration of ${r.type} "${r.name}" failed`);
    }
    return { resources, result, outputs, secretOutputs };
}

/** Options of {@link recordStack}. */
export interface RecordStackOptions {
    /** The stack's config; default: Pulumi.yaml defaults overlaid with Pulumi.<stack>.yaml from `stackDir`. */
    config?: Record<string, unknown>;
    /** The folder of the stack file read when `config` is not given; default: the project root. */
    stackDir?: string;
    /** Values overriding that config; bare keys get the project namespace. */
    overrides?: Record<string, unknown>;
    /** Run as a preview: outputs the mock does not return are unknown. */
    preview?: boolean;
    /** Adds a user's own resources after index.ts has run, given its exports (e.g. an ALB in front). */
    extend?: (exports: Record<string, any>) => void;
}

/**
 * Records the project's program (index.ts) for `stack`, as `pulumi up` (or `preview`) would run it:
 * the one way the component tests, the pack's integration test and `npm run plan` run the program.
 *
 * A run without `extend` is recorded once per process for each stack, mode and resolved config, and
 * shared: the program is deterministic given those (it reads no environment), and the test files
 * ask for the same stacks many times over (the plain dev stack alone five times). A shared result's
 * resources and outputs are frozen, so a test that changes a recording others read fails at once.
 */
export function recordStack(
    stack: string,
    options: RecordStackOptions = {},
): Promise<RecordResult<Record<string, any>>> {
    const project = readProjectFile(PROJECT_ROOT).name;
    const config = { ...(options.config ?? loadStackConfig(stack, PROJECT_ROOT, options.stackDir)) };
    for (const [k, v] of Object.entries(options.overrides ?? {})) config[fullKey(project, k)] = v;
    const record = () =>
        recordProgram(
            () => {
                // Fresh: a program module runs its top level once per require.
                const exports = requireFresh<Record<string, any>>(path.join(PROJECT_ROOT, "index.ts"));
                options.extend?.(exports);
                return exports;
            },
            { project, stack, config, preview: options.preview },
        );
    if (options.extend) return record();
    const key = JSON.stringify([
        stack,
        !!options.preview,
        Object.entries(config)
            .filter(([, v]) => v !== undefined && v !== null)
            .map(([k, v]) => [fullKey(project, k), configString(v)])
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ]);
    let shared = sharedRecordings.get(key);
    if (!shared) {
        shared = record().then((run) => {
            deepFreeze(run.resources);
            deepFreeze(run.outputs);
            deepFreeze(run.secretOutputs);
            return run;
        });
        sharedRecordings.set(key, shared);
    }
    return shared;
}

const sharedRecordings = new Map<string, Promise<RecordResult<Record<string, any>>>>();

function deepFreeze(value: unknown): void {
    if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
}

/** A `pulumi stack export`-shaped document (version 3) of recorded resources. */
export function toStackExport(resources: RecordedResource[]): {
    version: 3;
    deployment: { manifest: Record<string, unknown>; resources: Record<string, unknown>[] };
} {
    return {
        version: 3,
        deployment: {
            manifest: {
                time: new Date(0).toISOString(),
                magic: "",
                version: require("@pulumi/pulumi/package.json").version,
            },
            resources: resources.map((r) => ({
                urn: r.urn,
                custom: r.custom,
                ...(r.id ? { id: r.id } : {}),
                type: r.type,
                inputs: r.inputs,
                outputs: r.outputs,
                ...(r.parent ? { parent: r.parent } : {}),
                dependencies: r.dependencies ?? [],
                propertyDependencies: r.propertyDependencies ?? {},
                ...(r.provider ? { provider: r.provider } : {}),
            })),
        },
    };
}

/** Small query helpers over recorded resources, shared by tests. */
export const query = {
    /** Resources of a type (exact token). */
    ofType(resources: RecordedResource[], type: string): RecordedResource[] {
        return resources.filter((r) => r.type === type);
    },
    /** The single resource of a type whose name ends with `suffix`; throws if not exactly one. */
    one(resources: RecordedResource[], type: string, suffix = ""): RecordedResource {
        const found = resources.filter((r) => r.type === type && r.name.endsWith(suffix));
        if (found.length !== 1)
            throw new Error(`expected one ${type} named *${suffix}, found ${found.length}`);
        return found[0];
    },
    /** Every URN `urn` depends on, directly or transitively (dependencies, property dependencies, parent chain excluded). */
    transitiveDependencies(resources: RecordedResource[], urn: string): Set<string> {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const seen = new Set<string>();
        const stack = [urn];
        while (stack.length > 0) {
            const r = byUrn.get(stack.pop()!);
            if (!r) continue;
            const deps = [...(r.dependencies ?? []), ...Object.values(r.propertyDependencies ?? {}).flat()];
            if (r.provider) deps.push(r.provider.split("::").slice(0, -1).join("::"));
            for (const d of deps) {
                if (!seen.has(d)) {
                    seen.add(d);
                    stack.push(d);
                }
            }
        }
        return seen;
    },
};
