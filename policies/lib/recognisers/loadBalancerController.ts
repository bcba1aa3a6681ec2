// The AWS Load Balancer Controller (and EKS Auto Mode's ALB, which behaves the same): which Ingresses
// it serves with an ALB, and the backends it forwards them to, read as the controller reads them.
import { Name, R } from "../model";
import { get, items, str, strMap, UNK } from "../props";
import type { StackIndex } from "../stackIndex";
import { ALB_INGRESS_CONTROLLERS } from "../tokens";

/** Go's encoding/json matches object keys case-insensitively (exact match first), as the ALB controller reads its JSON annotations. */
function jsonField(obj: unknown, key: string): unknown {
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
    const o = obj as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(o, key)) return o[key];
    const lower = key.toLowerCase();
    let found: unknown;
    for (const k of Object.keys(o)) if (k.toLowerCase() === lower) found = o[k];
    return found;
}

function jsonArray(obj: unknown, key: string): unknown[] {
    const v = jsonField(obj, key);
    return Array.isArray(v) ? v : [];
}

function jsonString(obj: unknown, key: string): string | undefined {
    const v = jsonField(obj, key);
    return typeof v === "string" && v !== "" ? v : undefined;
}

/** A backend an ALB Ingress forwards to: a Service by name, or a target group by ARN/name or by link. */
export interface IngressBackend {
    where: string;
    /** The Service name (UNK when it comes from another resource's output). */
    name?: Name;
    /** A target group named in a forward action annotation, by ARN or name. */
    targetGroup?: string;
    /** Resources the Ingress depends on for an annotation unknown at preview. */
    linked?: R[];
}

/** Why an Ingress is served by an ALB (AWS Load Balancer Controller, EKS Auto Mode), or undefined. */
export function albIngress(ix: StackIndex, ing: R): string | undefined {
    const ann = strMap(ing.props, "metadata", "annotations").map;
    const a = ann.get("kubernetes.io/ingress.class");
    if (a === "alb") return "annotation kubernetes.io/ingress.class: alb";
    const cn = str(ing.props, "spec", "ingressClassName");
    const albController = (c: R): string | undefined => {
        const ctrl = str(c.props, "spec", "controller");
        return typeof ctrl === "string" && ALB_INGRESS_CONTROLLERS.includes(ctrl) ? ctrl : undefined;
    };
    if (typeof cn === "string") {
        const c = ix.ingressClassesByName.get(cn);
        if (c) {
            const ctrl = albController(c);
            return ctrl ? `ingressClassName ${cn}: IngressClass controller ${ctrl}` : undefined;
        }
        return cn === "alb" ? "ingressClassName: alb (the AWS Load Balancer Controller's class)" : undefined;
    }
    if (cn === UNK) {
        for (const c of ix.linked(ing, ["spec"], "ingressClass")) {
            const ctrl = albController(c);
            if (ctrl) return `IngressClass "${c.name}" controller ${ctrl}`;
        }
        return undefined;
    }
    if (a !== undefined) return undefined;
    for (const c of ix.list("ingressClass")) {
        const isDefault =
            strMap(c.props, "metadata", "annotations").map.get(
                "ingressclass.kubernetes.io/is-default-class",
            ) === "true";
        const ctrl = isDefault ? albController(c) : undefined;
        const n = ix.meta(c).name;
        if (ctrl) return `no class: default IngressClass "${n === UNK ? c.name : n}" controller ${ctrl}`;
    }
    return undefined;
}

/**
 * The backends of an Ingress: rules, default backend, old shape, and the forward actions of
 * `alb.ingress.kubernetes.io/actions.<name>` annotations (read as the controller reads them: Go's
 * case-insensitive JSON field names; Services by name, target groups by ARN or name). The
 * `conditions.<name>` annotations only narrow when an action applies, so they name no backend.
 */
export function ingressBackends(ix: StackIndex, ing: R): IngressBackend[] {
    const out: IngressBackend[] = [];
    const anns = strMap(ing.props, "metadata", "annotations");
    const ann = anns.map;
    const add = (backend: unknown, where: string): void => {
        if (!backend || backend === UNK) return;
        const svc = str(backend, "service", "name") ?? str(backend, "serviceName");
        const port = str(backend, "service", "port", "name") ?? str(backend, "servicePort");
        if (port === "use-annotation" && typeof svc === "string") {
            const key = `alb.ingress.kubernetes.io/actions.${svc}`;
            const at = `${where} -> forward action in annotation ${key}`;
            const raw = ann.get(key);
            if (raw === undefined) {
                // Unknown at preview (e.g. built from a target group's ARN output): follow the
                // resources the Ingress's metadata depends on.
                if (anns.unknown) out.push({ where: at, linked: ix.linked(ing, ["metadata"], undefined) });
                return;
            }
            let action: unknown;
            try {
                action = JSON.parse(raw);
            } catch {
                return;
            }
            const forward = jsonField(action, "forwardConfig");
            const tuples = [...jsonArray(forward, "targetGroups"), ...jsonArray(action, "targetGroups")];
            const top = jsonString(action, "targetGroupARN");
            if (top) out.push({ where: at, targetGroup: top });
            for (const tg of tuples) {
                const name = jsonString(tg, "serviceName");
                if (name) out.push({ where: at, name });
                const ref = jsonString(tg, "targetGroupARN") ?? jsonString(tg, "targetGroupName");
                if (ref) out.push({ where: at, targetGroup: ref });
            }
            return;
        }
        if (svc !== undefined) out.push({ name: svc, where });
    };
    add(get(ing.props, "spec", "defaultBackend"), "spec.defaultBackend");
    add(get(ing.props, "spec", "backend"), "spec.backend");
    items(ing.props, "spec", "rules").forEach((rule, i) => {
        const host = str(rule, "host");
        items(rule, "http", "paths").forEach((p, j) => {
            const path = str(p, "path");
            const label = [typeof host === "string" ? host : "", typeof path === "string" ? path : ""].join(
                "",
            );
            add(get(p, "backend"), `spec.rules[${i}].http.paths[${j}]${label ? ` ${label}` : ""}`);
        });
    });
    return out;
}
