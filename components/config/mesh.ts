// Mesh concern: what the program deploys inside the mesh besides Istio itself.
import { ConfigConcern } from "./schema";

/** Validated mesh settings. */
export interface MeshSettings {
    /** Sample app on/off. */
    sampleApp: boolean;
}

/** The mesh keys. */
export const meshConfig: ConfigConcern<MeshSettings> = {
    keys: ["sampleApp"],
    read(raw) {
        return { sampleApp: raw.sampleApp };
    },
};
