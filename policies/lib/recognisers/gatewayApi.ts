// Gateway API: which controller runs a Gateway, from its GatewayClass.
import { R } from "../model";
import { str, UNK } from "../props";
import type { StackIndex } from "../stackIndex";
import { ALB_GATEWAY_CONTROLLER, ISTIO_GATEWAY_CONTROLLER } from "../tokens";

/** "alb", "istio", "other" or undefined (class not in the stack, or unknown) for a Gateway API Gateway. */
export function gatewayClassController(ix: StackIndex, g: R): "alb" | "istio" | "other" | undefined {
    const cls = str(g.props, "spec", "gatewayClassName");
    let classes: R[] = [];
    if (cls === UNK) classes = ix.linked(g, ["spec"], "gatewayClass");
    else if (cls === undefined) return undefined;
    else {
        const c = ix.gatewayClassesByName.get(cls);
        if (!c) return cls === "istio" ? "istio" : undefined;
        classes = [c];
    }
    for (const c of classes) {
        const ctrl = str(c.props, "spec", "controllerName");
        if (ctrl === ALB_GATEWAY_CONTROLLER) return "alb";
        if (ctrl === ISTIO_GATEWAY_CONTROLLER) return "istio";
    }
    return classes.length ? "other" : undefined;
}
