/**
 * The authentication this connector uses: one of the variants in `auth/`. Generation keeps the chosen variant and
 * points this line at it; every other module imports auth from here, so nothing else changes.
 */
export * from "./auth/oauth.js";
export type { ConnectionBinding, SalesforceAuth } from "./auth/shared.js";
