/** The sandbox counterpart of the connector's `auth.ts`: generation points this line at the same variant. */
export * from "./auth/oauth.js";
export type { SandboxAuth } from "./auth/types.js";
