/** Authentication: MSAL Node with a per-connection token cache (see `auth/`). */
export * from "./auth/oauth.js";
export { DEFAULT_AUTHORITY, O365_SCOPES, fromMsalError, type EntraAuthority } from "./auth/msal.js";
