// Terse builders of StackResource fixtures for the policy specs: URNs, props, dependencies and
// propertyDependencies shaped like the engine's, with a preview mode where ARNs/ids are UNKNOWN.
import { StackResource, UNKNOWN } from "../../policies/lib/types";

export { UNKNOWN };

/** A handle on a built resource. */
export interface Ref {
    urn: string;
    type: string;
    name: string;
}

export interface AddOptions {
    /** Extra `dependencies` (propertyDependencies URNs are always added too). */
    deps?: Ref[];
    propDeps?: Record<string, Ref[]>;
    parent?: Ref;
}

export interface K8sOptions {
    ns?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /** Omit metadata.name (Pulumi auto-naming). */
    autoName?: boolean;
    parent?: Ref;
    deps?: Ref[];
    propDeps?: Record<string, Ref[]>;
}

export interface ServiceOptions extends K8sOptions {
    type?: string;
    selector?: Record<string, string>;
    nodePort?: number;
    ports?: Record<string, unknown>[];
    loadBalancerClass?: string;
    /** Makes an ExternalName Service with this DNS name (no selector, no ports). */
    externalName?: string;
}

export interface WorkloadOptions extends K8sOptions {
    /** Deployment (default), DaemonSet, StatefulSet, ReplicaSet, or Pod (labels on the Pod itself). */
    kind?: "Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet" | "Pod";
    /** Pod labels (the template's for a workload). */
    podLabels?: Record<string, string>;
    /** Pod annotations (the template's for a workload). */
    podAnnotations?: Record<string, string>;
    containers?: Record<string, unknown>[];
}

export interface Backend {
    service: string;
    port?: number | string;
    path?: string;
}

export interface IngressOptions extends K8sOptions {
    className?: string;
    apiVersion?: "networking.k8s.io/v1" | "networking.k8s.io/v1beta1" | "extensions/v1beta1";
    backends?: Backend[];
    defaultBackend?: Backend;
}

export interface RouteOptions extends K8sOptions {
    parents: { name: string; namespace?: string; kind?: string }[];
    backends: { name: string; namespace?: string; kind?: string; port?: number }[];
    kind?: "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute";
    version?: "v1" | "v1beta1" | "v1alpha2";
}

export interface HelmOptions {
    chart?: string;
    repo?: string;
    namespace?: string;
    releaseName?: string;
    values?: Record<string, unknown>;
    version?: string;
}

export const ISTIO_REPO = "https://istio-release.storage.googleapis.com/charts";

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::proj::${type}::${name}`;
}

export class StackBuilder {
    readonly resources: StackResource[] = [];
    /** Whether ARNs and ids are UNKNOWN (preview). */
    readonly preview: boolean;
    /** The ELB token family used for AWS resources (`lb` or `alb`). */
    elb: "lb" | "alb";

    constructor(opts: { preview?: boolean; elb?: "lb" | "alb" } = {}) {
        this.preview = !!opts.preview;
        this.elb = opts.elb ?? "lb";
    }

    /** Adds any resource; propertyDependencies URNs are merged into dependencies. */
    add(type: string, name: string, props: Record<string, unknown> = {}, o: AddOptions = {}): Ref {
        const urn = urnOf(type, name);
        const pd: Record<string, string[]> = {};
        const deps = new Set<string>((o.deps ?? []).map((d) => d.urn));
        for (const [k, v] of Object.entries(o.propDeps ?? {})) {
            pd[k] = v.map((d) => d.urn);
            v.forEach((d) => deps.add(d.urn));
        }
        const r: StackResource = {
            urn,
            type,
            name,
            props,
            dependencies: [...deps],
            propertyDependencies: pd,
        };
        if (o.parent) r.parent = o.parent.urn;
        this.resources.push(r);
        return { urn, type, name };
    }

    /** The resource's props, to tweak after building. */
    props(ref: Ref): Record<string, any> {
        return this.resources.find((r) => r.urn === ref.urn)!.props as Record<string, any>;
    }

    /** An ARN output: UNKNOWN in preview. */
    arn(ref: Ref): string {
        return this.preview ? UNKNOWN : `arn:aws:elasticloadbalancing:us-east-1:123456789012:${ref.name}`;
    }

    // ---- AWS ----

    lb(name: string, props: Record<string, unknown> = {}): Ref {
        return this.add(`aws:${this.elb}/loadBalancer:LoadBalancer`, name, { internal: false, ...props });
    }

    /** An ALB: loadBalancerType left unset (application by default) unless given. */
    alb(name: string, props: Record<string, unknown> = {}): Ref {
        return this.lb(name, props);
    }

    nlb(name: string, props: Record<string, unknown> = {}): Ref {
        return this.lb(name, { loadBalancerType: "network", ...props });
    }

    targetGroup(name: string, props: Record<string, unknown> = {}, o: AddOptions = {}): Ref {
        return this.add(
            `aws:${this.elb}/targetGroup:TargetGroup`,
            name,
            {
                port: 8080,
                protocol: "HTTP",
                targetType: "ip",
                vpcId: this.preview ? UNKNOWN : "vpc-1",
                ...props,
            },
            o,
        );
    }

    private forwardActions(tgs: Ref[], weighted: boolean): unknown[] {
        if (weighted) {
            return [
                {
                    type: "forward",
                    forward: { targetGroups: tgs.map((t) => ({ arn: this.arn(t), weight: 1 })) },
                },
            ];
        }
        return tgs.map((t) => ({ type: "forward", targetGroupArn: this.arn(t) }));
    }

    listener(
        name: string,
        lb: Ref,
        tgs: Ref[],
        props: Record<string, unknown> = {},
        o: { weighted?: boolean; noPropDeps?: boolean } = {},
    ): Ref {
        return this.add(
            `aws:${this.elb}/listener:Listener`,
            name,
            {
                loadBalancerArn: this.arn(lb),
                port: 443,
                protocol: "HTTPS",
                defaultActions: this.forwardActions(tgs, !!o.weighted),
                ...props,
            },
            o.noPropDeps
                ? { deps: [lb, ...tgs] }
                : { propDeps: { loadBalancerArn: [lb], defaultActions: tgs } },
        );
    }

    listenerRule(name: string, listener: Ref, tgs: Ref[], o: { weighted?: boolean } = {}): Ref {
        return this.add(
            `aws:${this.elb}/listenerRule:ListenerRule`,
            name,
            {
                listenerArn: this.arn(listener),
                priority: 10,
                conditions: [{ pathPattern: { values: ["/api/*"] } }],
                actions: this.forwardActions(tgs, !!o.weighted),
            },
            { propDeps: { listenerArn: [listener], actions: tgs } },
        );
    }

    tgAttachment(name: string, tg: Ref, node?: Ref): Ref {
        return this.add(
            `aws:${this.elb}/targetGroupAttachment:TargetGroupAttachment`,
            name,
            { targetGroupArn: this.arn(tg), targetId: node ? UNKNOWN : "i-0123456789" },
            { propDeps: { targetGroupArn: [tg], ...(node ? { targetId: [node] } : {}) } },
        );
    }

    asgAttachment(name: string, tg: Ref): Ref {
        return this.add(
            "aws:autoscaling/attachment:Attachment",
            name,
            { lbTargetGroupArn: this.arn(tg), autoscalingGroupName: "nodes-asg" },
            { propDeps: { lbTargetGroupArn: [tg] } },
        );
    }

    // ---- Kubernetes ----

    k8s(type: string, name: string, spec: Record<string, unknown> | undefined, o: K8sOptions = {}): Ref {
        const [, gv, kind] = /^kubernetes:(.+):(\w+)$/.exec(type)!;
        const apiVersion = gv.startsWith("core/") ? gv.slice(5) : gv;
        const metadata: Record<string, unknown> = {};
        if (!o.autoName) metadata.name = name;
        if (o.ns !== undefined) metadata.namespace = o.ns;
        if (o.labels) metadata.labels = o.labels;
        if (o.annotations) metadata.annotations = o.annotations;
        const props: Record<string, unknown> = { apiVersion, kind, metadata };
        if (spec) props.spec = spec;
        return this.add(type, name, props, { parent: o.parent, deps: o.deps, propDeps: o.propDeps });
    }

    service(name: string, o: ServiceOptions = {}): Ref {
        const ports = o.ports ?? [
            { name: "http2", port: 80, targetPort: 80, ...(o.nodePort ? { nodePort: o.nodePort } : {}) },
        ];
        const spec: Record<string, unknown> = {
            type: o.type ?? "ClusterIP",
            selector: o.selector ?? { app: name },
            ports,
        };
        if (o.loadBalancerClass) spec.loadBalancerClass = o.loadBalancerClass;
        if (o.externalName !== undefined) {
            return this.k8s(
                "kubernetes:core/v1:Service",
                name,
                { type: "ExternalName", externalName: o.externalName },
                o,
            );
        }
        return this.k8s("kubernetes:core/v1:Service", name, spec, o);
    }

    /** A workload (Deployment by default) or Pod, with pod labels, annotations and containers. */
    workload(name: string, o: WorkloadOptions = {}): Ref {
        const kind = o.kind ?? "Deployment";
        const podLabels = o.podLabels ?? { app: name };
        const podMeta: Record<string, unknown> = { labels: podLabels };
        if (o.podAnnotations) podMeta.annotations = o.podAnnotations;
        const podSpec = { containers: o.containers ?? [{ name: "app", image: "example/app:1" }] };
        if (kind === "Pod") {
            const ref = this.k8s("kubernetes:core/v1:Pod", name, podSpec, o);
            const meta = this.props(ref).metadata;
            meta.labels = { ...podLabels, ...(meta.labels ?? {}) };
            if (o.podAnnotations) meta.annotations = { ...o.podAnnotations, ...(meta.annotations ?? {}) };
            return ref;
        }
        const spec: Record<string, unknown> = { template: { metadata: podMeta, spec: podSpec } };
        if (kind !== "DaemonSet") spec.replicas = 2;
        spec.selector = { matchLabels: podLabels };
        return this.k8s(`kubernetes:apps/v1:${kind}`, name, spec, o);
    }

    /** The classic Istio ingress gateway Service (selector istio=ingressgateway), in istio-system by default. */
    gatewayService(name = "istio-ingressgateway", o: ServiceOptions = {}): Ref {
        return this.service(name, {
            ns: "istio-system",
            selector: { istio: "ingressgateway", app: "istio-ingressgateway" },
            ...o,
        });
    }

    tgb(name: string, tg: Ref, serviceName: string, o: K8sOptions & { port?: number } = {}): Ref {
        return this.k8s(
            "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
            name,
            {
                serviceRef: { name: serviceName, port: o.port ?? 80 },
                targetGroupARN: this.arn(tg),
                targetType: "ip",
            },
            { ...o, propDeps: { spec: [tg], ...(o.propDeps ?? {}) } },
        );
    }

    ingress(name: string, o: IngressOptions = {}): Ref {
        const apiVersion = o.apiVersion ?? "networking.k8s.io/v1";
        const v1 = apiVersion === "networking.k8s.io/v1";
        const backend = (b: Backend): Record<string, unknown> => {
            const port = b.port ?? 80;
            if (!v1) return { serviceName: b.service, servicePort: port };
            return {
                service: {
                    name: b.service,
                    port: typeof port === "number" ? { number: port } : { name: port },
                },
            };
        };
        const spec: Record<string, unknown> = {};
        if (o.className !== undefined) spec.ingressClassName = o.className;
        if (o.defaultBackend) spec[v1 ? "defaultBackend" : "backend"] = backend(o.defaultBackend);
        if (o.backends?.length) {
            spec.rules = [
                {
                    host: "app.example.com",
                    http: {
                        paths: o.backends.map((b) => ({
                            path: b.path ?? "/",
                            pathType: "Prefix",
                            backend: backend(b),
                        })),
                    },
                },
            ];
        }
        return this.k8s(`kubernetes:${apiVersion}:Ingress`, name, spec, o);
    }

    ingressClass(
        name: string,
        controller: string,
        o: K8sOptions & { isDefault?: boolean; parameters?: Record<string, unknown> } = {},
    ): Ref {
        return this.k8s(
            "kubernetes:networking.k8s.io/v1:IngressClass",
            name,
            o.parameters ? { controller, parameters: o.parameters } : { controller },
            {
                ...o,
                annotations: o.isDefault
                    ? { "ingressclass.kubernetes.io/is-default-class": "true" }
                    : o.annotations,
            },
        );
    }

    gatewayClass(name: string, controllerName: string, version = "v1"): Ref {
        return this.k8s(`kubernetes:gateway.networking.k8s.io/${version}:GatewayClass`, name, {
            controllerName,
        });
    }

    gateway(name: string, className: string, o: K8sOptions & { version?: string } = {}): Ref {
        return this.k8s(
            `kubernetes:gateway.networking.k8s.io/${o.version ?? "v1"}:Gateway`,
            name,
            { gatewayClassName: className, listeners: [{ name: "http", protocol: "HTTP", port: 80 }] },
            o,
        );
    }

    route(name: string, o: RouteOptions): Ref {
        return this.k8s(
            `kubernetes:gateway.networking.k8s.io/${o.version ?? "v1"}:${o.kind ?? "HTTPRoute"}`,
            name,
            {
                parentRefs: o.parents,
                rules: [{ backendRefs: o.backends.map((b) => ({ port: 80, ...b })) }],
            },
            o,
        );
    }

    private helmProps(o: HelmOptions): Record<string, unknown> {
        const props: Record<string, unknown> = {
            chart: o.chart ?? "gateway",
            repositoryOpts: { repo: o.repo ?? ISTIO_REPO },
            version: o.version ?? "1.27.1",
            namespace: o.namespace ?? "istio-ingress",
            values: o.values ?? {},
        };
        if (o.releaseName) props.name = o.releaseName;
        return props;
    }

    /** A helm.sh/v3 Release (defaults: Istio's gateway chart in istio-ingress). */
    helmRelease(name: string, o: HelmOptions = {}): Ref {
        return this.add("kubernetes:helm.sh/v3:Release", name, this.helmProps(o));
    }

    /** A helm.sh/v4 Chart (defaults: Istio's gateway chart in istio-ingress). */
    helmChart(name: string, o: HelmOptions = {}): Ref {
        return this.add("kubernetes:helm.sh/v4:Chart", name, this.helmProps(o));
    }

    build(): StackResource[] {
        return this.resources;
    }
}

/** A new builder. */
export function stack(opts: { preview?: boolean; elb?: "lb" | "alb" } = {}): StackBuilder {
    return new StackBuilder(opts);
}

/**
 * The canonical ALB chain: ALB -> HTTPS listener -> target group -> TargetGroupBinding -> the Istio
 * gateway Service. Returns the refs.
 */
export function albToGateway(s: StackBuilder, o: { gatewayName?: string; ns?: string } = {}) {
    const gw = s.gatewayService(o.gatewayName ?? "istio-ingressgateway", { ns: o.ns ?? "istio-system" });
    const alb = s.alb("web-alb");
    const tg = s.targetGroup("gw-tg");
    const listener = s.listener("web-https", alb, [tg]);
    const tgb = s.tgb("gw-tgb", tg, o.gatewayName ?? "istio-ingressgateway", { ns: o.ns ?? "istio-system" });
    return { gw, alb, tg, listener, tgb };
}
