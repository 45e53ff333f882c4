/**
 * The authentication this connector uses: one of the variants in `auth/`. Generation keeps the chosen variant and
 * points this line at it; every other module imports auth from here, so nothing else changes.
 */
export * from "./auth/api-key.js";
export type { ConnectionBinding, CustomerioAuth } from "./auth/shared.js";
