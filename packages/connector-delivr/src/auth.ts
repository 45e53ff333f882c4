/**
 * The authentication this connector uses: one of the variants in `auth/`. Generation keeps the chosen variant and
 * points this line at it; every other module imports auth from here, so nothing else changes.
 */
export * from "./auth/api-key.js";
/** One way of authenticating with Delivr.ai; every variant has this shape. */
export type { ConnectionBinding, ConnectorAuth as DelivrAuth } from "@gtm-clarity/core";
