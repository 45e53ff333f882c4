/**
 * The authentication this connector uses: one of the variants in `auth/`. Generation keeps the chosen variant and
 * points this line at it; every other module imports auth from here, so nothing else changes.
 */
export * from "./auth/oauth.js";
/** One way of authenticating with Template; every variant has this shape. */
export type { ConnectionBinding, ConnectorAuth as TemplateAuth } from "@gtm-clarity/core";
