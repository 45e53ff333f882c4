/**
 * Microsoft 365 OAuth through MSAL Node: authorization code with PKCE (S256) and core's signed state (tenant,
 * connection, the hash of the browser's binding cookie, expiry, single-use nonce). The credentials are the
 * connection's serialised MSAL token cache (which holds the refresh token), its account id and the current access
 * token; `sync` uses the access token as it is and never refreshes, so a rotated refresh token can only come back
 * through `refresh`, whose result the worker persists under the connection's lock.
 *
 * DPA: every path that sends the user or a request to Microsoft refuses first unless the caller passes the tenant's
 * `dpaAcceptedAt` in core's `OAuthCallOptions` (core's `assertDpaAccepted`): `authorizationUrl(request, { dpaAcceptedAt })`,
 * `exchangeCode(callback, { dpaAcceptedAt })`, `refresh(credentials, { dpaAcceptedAt })`.
 */
import {
  assertDpaAccepted,
  AuthError,
  ConfigError,
  createMemoryNonceStore,
  createOAuthState,
  createPkcePair,
  parseCredentials,
  verifyOAuthState,
  type Credentials,
  type NonceStore,
  type OAuthAuthorization,
  type OAuthAuthorizationRequest,
  type OAuthCallback,
  type OAuthCallOptions,
  type OAuthCapability,
  type OAuthTokens,
} from "@gtm-clarity/core";
import type { AuthenticationResult } from "@azure/msal-node";
import { z } from "zod";
import { fromMsalError, O365_SCOPES, openMsal, refreshTokenSecrets, type EntraAuthority, type MsalClient } from "./msal.js";

export const CONNECTOR_NAME = "Microsoft 365";

/** Where a deployment configures the app registration (once for the app, never per tenant). */
export const O365_OAUTH_ENV = {
  clientId: "O365_CLIENT_ID",
  clientSecret: "O365_CLIENT_SECRET",
  /** The app-wide secret that signs OAuth state: at least 32 bytes. */
  stateSecret: "OAUTH_STATE_SECRET",
  /** Default `https://login.microsoftonline.com/organizations`. */
  authority: "O365_AUTHORITY",
  /** Comma-separated hosts MSAL may trust without instance discovery (another Entra ID, e.g. the sandbox's). */
  knownAuthorities: "O365_KNOWN_AUTHORITIES",
  /** JSON of the authority's metadata (issuer, authorization/token endpoints), so MSAL fetches none. */
  authorityMetadata: "O365_AUTHORITY_METADATA",
} as const;

export interface O365OAuthOptions extends EntraAuthority {
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  scopes?: readonly string[];
  /** Default 600 s; core refuses more than 900 s. */
  stateTtlSeconds?: number;
  /** Remembers used state nonces; the default works within one process only. */
  nonceStore?: NonceStore;
}

/** What the store keeps encrypted for a connection. `expiresAt` is added by the worker from `OAuthTokens.expiresAt`. */
export const O365CredentialsSchema = z.object({
  /** MSAL's serialised token cache (JSON): holds the refresh token. */
  tokenCache: z.string().min(2),
  /** MSAL's account key, `oid.tid`: which account in the cache, and which mailbox's rate budget. */
  homeAccountId: z.string().min(3),
  accessToken: z.string().trim().min(1),
});
export type O365Credentials = z.output<typeof O365CredentialsSchema>;

export function parseO365Credentials(credentials: Credentials): O365Credentials {
  return parseCredentials("Microsoft 365", O365CredentialsSchema, credentials);
}


type Setting = "clientId" | "clientSecret" | "stateSecret";

export class O365OAuth implements OAuthCapability {
  readonly #options: O365OAuthOptions;
  readonly #nonceStore: NonceStore;

  constructor(options: O365OAuthOptions = {}) {
    this.#options = options;
    this.#nonceStore = options.nonceStore ?? createMemoryNonceStore();
  }

  async authorizationUrl(request: OAuthAuthorizationRequest, options: OAuthCallOptions = {}): Promise<OAuthAuthorization> {
    assertDpaAccepted(CONNECTOR_NAME, options.dpaAcceptedAt);
    const { state } = createOAuthState({
      tenantId: request.tenantId,
      connectionId: request.connectionId,
      sessionBinding: request.sessionBinding,
      secret: this.#setting("stateSecret"),
      ttlSeconds: this.#options.stateTtlSeconds ?? 600,
    });
    const pkce = createPkcePair();
    const { app } = openMsal(this.#client(), "");
    // Built locally from the authority's metadata: no request leaves here.
    const url = await app.getAuthCodeUrl({
      scopes: this.#scopes(request.scopes),
      redirectUri: request.redirectUri,
      state,
      codeChallenge: pkce.codeChallenge,
      codeChallengeMethod: "S256",
      responseMode: "query",
    });
    return { url, state, codeVerifier: pkce.codeVerifier };
  }

  async exchangeCode(callback: OAuthCallback, options: OAuthCallOptions = {}): Promise<OAuthTokens> {
    assertDpaAccepted(CONNECTOR_NAME, options.dpaAcceptedAt);
    // Our own state check first (signed, this browser, this tenant, unexpired, unused): only then does the code go
    // anywhere. MSAL is not given the state payload, which it would parse as its own (the invalid_state pitfall).
    await verifyOAuthState(callback.state, {
      secret: this.#setting("stateSecret"),
      nonceStore: this.#nonceStore,
      sessionBinding: callback.sessionBinding,
      expectedTenantId: callback.tenantId,
    });
    const msal = openMsal(this.#client(), "");
    let result: AuthenticationResult | null;
    try {
      result = await msal.app.acquireTokenByCode({
        code: callback.code,
        scopes: this.#scopes(),
        redirectUri: callback.redirectUri,
        codeVerifier: callback.codeVerifier,
      });
    } catch (error) {
      throw fromMsalError(error, "Microsoft 365 code exchange");
    }
    return tokensOf(result, msal.cache(), false);
  }

  /**
   * A new access token from the cached refresh token (MSAL's `acquireTokenSilent` with `forceRefresh`), and the
   * cache as it is afterwards: `rotated` when Entra ID sent a new refresh token, which must be persisted before use.
   */
  async refresh(credentials: Credentials, options: OAuthCallOptions = {}): Promise<OAuthTokens> {
    assertDpaAccepted(CONNECTOR_NAME, options.dpaAcceptedAt);
    const stored = parseO365Credentials(credentials);
    const msal = openMsal(this.#client(), stored.tokenCache);
    const account = await msal.app.getTokenCache().getAccountByHomeId(stored.homeAccountId);
    if (account === null) {
      throw new AuthError("Microsoft 365 token cache holds no account for this connection: reconnect the connection");
    }
    let result: AuthenticationResult | null;
    try {
      result = await msal.app.acquireTokenSilent({ account, scopes: this.#scopes(), forceRefresh: true });
    } catch (error) {
      throw fromMsalError(error, "Microsoft 365 token refresh");
    }
    const before = refreshTokenSecrets(stored.tokenCache).join("\n");
    const after = refreshTokenSecrets(msal.cache()).join("\n");
    return tokensOf(result, msal.cache(), before !== after);
  }

  #scopes(extra: readonly string[] = []): string[] {
    return [...new Set([...(this.#options.scopes ?? O365_SCOPES), ...extra])];
  }

  #client(): MsalClient {
    const env = (name: keyof typeof O365_OAUTH_ENV) => {
      const value = process.env[O365_OAUTH_ENV[name]];
      return value === undefined || value === "" ? undefined : value;
    };
    const { cloudDiscoveryMetadata } = this.#options;
    const authority = this.#options.authority ?? env("authority");
    const knownAuthorities = this.#options.knownAuthorities ?? env("knownAuthorities")?.split(",").map((host) => host.trim());
    const authorityMetadata = this.#options.authorityMetadata ?? env("authorityMetadata");
    return {
      clientId: this.#setting("clientId"),
      clientSecret: this.#setting("clientSecret"),
      entra: {
        ...(authority === undefined || authority === "" ? {} : { authority }),
        ...(knownAuthorities === undefined ? {} : { knownAuthorities }),
        ...(authorityMetadata === undefined ? {} : { authorityMetadata }),
        ...(cloudDiscoveryMetadata === undefined ? {} : { cloudDiscoveryMetadata }),
      },
    };
  }

  #setting(name: Setting): string {
    const value = this.#options[name] ?? process.env[O365_OAUTH_ENV[name]];
    if (value === undefined || value === "") {
      throw new ConfigError(`Microsoft 365 OAuth is not configured: set ${O365_OAUTH_ENV[name]} (or pass \`${name}\`)`);
    }
    return value;
  }
}

function tokensOf(result: AuthenticationResult | null, tokenCache: string, rotated: boolean): OAuthTokens {
  if (result === null || result.account === null || result.accessToken === "") {
    throw new AuthError("Microsoft 365 sign-in returned no account or access token: reconnect the connection");
  }
  const credentials: O365Credentials = {
    tokenCache,
    homeAccountId: result.account.homeAccountId,
    accessToken: result.accessToken,
  };
  return {
    credentials,
    ...(result.expiresOn === null ? {} : { expiresAt: result.expiresOn }),
    ...(rotated ? { rotated: true } : {}),
  };
}
