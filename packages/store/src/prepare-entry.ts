/**
 * `@gtm-clarity/store/prepare`: the store's page preparation alone, without a database driver, for a thread that
 * prepares pages for a store living elsewhere (a worker's fetch threads).
 */
export { prepareCommit, type PreparedCommit } from "./prepare.js";
export { DEFAULT_LIMITS } from "./limits.js";
export type { StoreLimits } from "./types.js";
