// The pack's policy list. Tests and tools import this module; only index.ts constructs the PolicyPack.
import type { PolicyList } from "./lib/evaluate";
import { istioGatewayHealthCheck } from "./istioGatewayHealthCheck";
import { istioGatewayNlbCrossZone } from "./istioGatewayNlbCrossZone";
import { istioGatewayNlbTlsPassthrough } from "./istioGatewayNlbTlsPassthrough";
import { istioGatewayServiceNlbAnnotations } from "./istioGatewayServiceNlbAnnotations";
import { noAlbInFrontOfIstioGateway } from "./noAlbInFrontOfIstioGateway";
import { supportedVersions } from "./supportedVersions";

export const policies: PolicyList = [
    noAlbInFrontOfIstioGateway,
    istioGatewayServiceNlbAnnotations,
    istioGatewayNlbTlsPassthrough,
    istioGatewayHealthCheck,
    istioGatewayNlbCrossZone,
    supportedVersions,
];
