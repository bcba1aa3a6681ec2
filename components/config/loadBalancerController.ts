// AWS Load Balancer Controller concern: the pinned chart version.
import { ConfigConcern } from "./schema";
import { validateChartVersion } from "./validate";

/** Validated Load Balancer Controller settings. */
export interface LoadBalancerControllerSettings {
    /** LBC chart version. */
    lbcChartVersion: string;
}

/** The Load Balancer Controller keys. */
export const loadBalancerControllerConfig: ConfigConcern<LoadBalancerControllerSettings> = {
    keys: ["lbcChartVersion"],
    read(raw) {
        validateChartVersion("lbcChartVersion", raw.lbcChartVersion);
        return { lbcChartVersion: raw.lbcChartVersion };
    },
};
