/**
 * MSAL Node, one ConfidentialClientApplication per call over one connection's token cache. MSAL keeps the refresh
 * token inside its cache and never hands it out (web-and-auth-notes.md §3), so the serialised cache IS the
 * connection's secret: the cache plugin reads it from the connection's credentials before MSAL looks and captures
 * it after MSAL changed it; the caller returns it as credentials, which the store encrypts (core's AES-256-GCM, bound
 * to tenant and connection). A CCA and its cache never outlive the call, so no token can cross tenants.
 */
import {
  ClientAuthError,
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  ServerError,
  type Configuration,
  type ICachePlugin,
} from "@azure/msal-node";
import { AuthError, ConfigError, TransientError } from "@gtm-clarity/core";
import { z } from "zod";

/** Metadata-only scopes; MSAL adds `openid profile offline_access` itself (offline_access is listed for clarity). */
export const O365_SCOPES: readonly string[] = [
  "Mail.ReadBasic",
  "Calendars.ReadBasic",
  "User.ReadBasic.All",
  // GET /organization (the tenant's verified domains, which tell internal from external people).
  "User.Read",
  "offline_access",
];

export const DEFAULT_AUTHORITY = "https://login.microsoftonline.com/organizations";

/** How MSAL finds Entra ID. Production needs only `authority`; a loopback fake needs the metadata too. */
export interface EntraAuthority {
  /** `https://login.microsoftonline.com/organizations` (multi-tenant) or `/{tenantId}`. Must be https (MSAL). */
  authority?: string;
  /** With `authorityMetadata`, MSAL never calls a Microsoft host for discovery (web-and-auth-notes.md §3, option 1). */
  knownAuthorities?: readonly string[];
  /** JSON: issuer, authorization_endpoint, token_endpoint, end_session_endpoint, jwks_uri. */
  authorityMetadata?: string;
  /** JSON of an instance-discovery answer; an alternative to `knownAuthorities`. */
  cloudDiscoveryMetadata?: string;
}

export interface MsalClient {
  clientId: string;
  clientSecret: string;
  entra: EntraAuthority;
}

/** The cache as MSAL serialises it: only the refresh tokens' secrets are read (to tell a rotation). */
const SerializedCacheSchema = z.object({
  RefreshToken: z.record(z.string(), z.object({ secret: z.string() })).optional(),
});

export function refreshTokenSecrets(serialized: string): string[] {
  if (serialized === "") return [];
  try {
    const parsed = SerializedCacheSchema.safeParse(JSON.parse(serialized));
    return parsed.success ? Object.values(parsed.data.RefreshToken ?? {}).map((entry) => entry.secret).sort() : [];
  } catch {
    return [];
  }
}

/** A fresh application over `serialized` (one connection's cache); `cache()` is the cache as MSAL left it. */
export function openMsal(client: MsalClient, serialized: string): { app: ConfidentialClientApplication; cache(): string } {
  let current = serialized;
  const plugin: ICachePlugin = {
    async beforeCacheAccess(context) {
      context.tokenCache.deserialize(current);
    },
    async afterCacheAccess(context) {
      if (context.cacheHasChanged) current = context.tokenCache.serialize();
    },
  };
  const { entra } = client;
  const auth: Configuration["auth"] = {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    authority: entra.authority ?? DEFAULT_AUTHORITY,
    ...(entra.knownAuthorities === undefined ? {} : { knownAuthorities: [...entra.knownAuthorities] }),
    ...(entra.authorityMetadata === undefined ? {} : { authorityMetadata: entra.authorityMetadata }),
    ...(entra.cloudDiscoveryMetadata === undefined ? {} : { cloudDiscoveryMetadata: entra.cloudDiscoveryMetadata }),
  };
  if (!auth.authority?.startsWith("https://")) {
    throw new ConfigError("Microsoft 365 authority must be an https URL (MSAL refuses anything else)");
  }
  // No loggerCallback: MSAL stays silent, so nothing it knows (tokens, PII) can reach a log line.
  const app = new ConfidentialClientApplication({ auth, cache: { cachePlugin: plugin } });
  return { app, cache: () => current };
}

const RECONNECT_CODES = new Set(["invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope"]);

/**
 * MSAL's errors as core's: `invalid_grant` arrives as a plain ServerError (not InteractionRequiredAuthError), and
 * both mean the user must reconnect. The description is Entra's (AADSTS codes), never a token.
 */
export function fromMsalError(error: unknown, what: string): Error {
  if (error instanceof InteractionRequiredAuthError) {
    return new AuthError(`${what}: Entra ID needs the user to sign in again (${error.errorCode}); reconnect the connection`);
  }
  if (error instanceof ServerError) {
    if (RECONNECT_CODES.has(error.errorCode)) {
      return new AuthError(`${what}: Entra ID refused the grant (${error.errorCode}); reconnect the connection`);
    }
    return new TransientError(`${what}: Entra ID answered ${error.errorCode || "an error"}`);
  }
  if (error instanceof ClientAuthError) {
    if (/network/i.test(error.errorCode)) return new TransientError(`${what}: could not reach Entra ID (${error.errorCode})`);
    return new AuthError(`${what}: MSAL refused (${error.errorCode}); reconnect the connection`);
  }
  return error instanceof Error ? error : new TransientError(`${what} failed`);
}
