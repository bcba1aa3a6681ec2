// Elastic Load Balancing v2 semantics shared by every source that declares one (the aws provider,
// and later others): what kind of load balancer a resource is, how its hop reads, and ARN shapes.
import { AwsPath, Hop, hopOf, nameText, R } from "../model";
import { num, str, UNK } from "../props";
import type { StackIndex } from "../stackIndex";

/** The target group name in an ELB target group ARN (`...:targetgroup/<name>/<id>`). */
export function targetGroupNameOfArn(arn: string): string | undefined {
    return /:targetgroup\/([^/]+)\//.exec(arn)?.[1];
}

/** `application` (also when unset), `network`, `gateway`, or `unknown`, refined by listener protocols. */
export function lbKind(ix: StackIndex, lb: R): AwsPath["lbKind"] {
    const t = str(lb.props, "loadBalancerType");
    if (t === undefined || t === "application") return "application";
    if (t === "network" || t === "gateway") return t;
    if (t !== UNK) return "unknown";
    const protos = (ix.listenersByLb.get(lb) ?? []).map((l) => str(l.props, "protocol"));
    if (protos.some((p) => p === "HTTP" || p === "HTTPS")) return "application";
    if (protos.length && protos.every((p) => typeof p === "string" && /^(TCP|TLS|UDP|TCP_UDP)$/.test(p))) {
        return "network";
    }
    return "unknown";
}

/** The hop of a load balancer: why it is (or is taken for) an ALB. */
export function lbHop(lb: R, kind: AwsPath["lbKind"]): Hop {
    const note =
        kind === "unknown"
            ? "loadBalancerType unknown at preview: treated as application"
            : str(lb.props, "loadBalancerType") === "application"
              ? "loadBalancerType: application"
              : "loadBalancerType unset: application by default";
    return hopOf(lb, { note });
}

/** The hop of a listener: its protocol and port. */
export function listenerHop(listener: R): Hop {
    const proto = str(listener.props, "protocol");
    const port = num(listener.props, "port");
    return hopOf(listener, {
        note:
            typeof proto === "string" || typeof port === "number"
                ? `${nameText(proto)} ${String(port ?? "")}`.trim()
                : undefined,
    });
}
