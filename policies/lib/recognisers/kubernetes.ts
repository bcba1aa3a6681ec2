// Kubernetes itself: cluster DNS names of Services, and which pods a Service's selector picks.
import type { GatewayPods } from "./istio";

/** `svc.ns.svc.cluster.local`, `svc.ns.svc` or `svc.ns` (optionally with a final dot): the Service it names. */
export function clusterDnsService(host: string): { ns: string; name: string } | undefined {
    const label = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
    const m = new RegExp(`^(${label})\\.(${label})(?:\\.svc(?:\\.cluster\\.local)?)?\\.?$`).exec(
        host.trim().toLowerCase(),
    );
    return m ? { name: m[1], ns: m[2] } : undefined;
}

/** The first of `pods` (one namespace's gateway workloads) whose labels hold every selector entry. */
export function selectedPods(selector: Map<string, string>, pods: GatewayPods[]): GatewayPods | undefined {
    for (const g of pods) {
        let all = true;
        for (const [k, v] of selector) {
            if (g.labels.get(k) !== v) {
                all = false;
                break;
            }
        }
        if (all) return g;
    }
    return undefined;
}
