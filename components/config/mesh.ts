// Mesh concern: what the program deploys inside the mesh besides Istio itself, and whether the mesh
// denies by default (zero trust: only the paths the program exposes, and what users allow, pass).
import { ConfigConcern } from "./schema";

/** Validated mesh settings. */
export interface MeshSettings {
    /** Sample app on/off. */
    sampleApp: boolean;
    /** Mesh-wide allow-nothing AuthorizationPolicy plus ALLOWs for the program's own paths. */
    meshDefaultDeny: boolean;
}

/** The mesh keys. */
export const meshConfig: ConfigConcern<MeshSettings> = {
    keys: ["sampleApp", "meshDefaultDeny"],
    read(raw) {
        return { sampleApp: raw.sampleApp, meshDefaultDeny: raw.meshDefaultDeny };
    },
};
