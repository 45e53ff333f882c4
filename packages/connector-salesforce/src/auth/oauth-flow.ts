/**
 * Salesforce OAuth 2.0: the authorization code flow with PKCE (S256) and refresh tokens. Core signs the `state` (tenant,
 * connection, the hash of the browser's binding cookie, expiry, single-use nonce) and makes the PKCE pair; this
 * module knows Salesforce's endpoints and token response. The client secret only goes to the configured token endpoint,
 * never to a URL taken from a connection.
 *
 * The app calls `createOAuthBinding()` when the user clicks "connect", sets its `cookieValue` as an HttpOnly,
 * SameSite=Lax cookie and passes it as `sessionBinding`; on the callback it passes that cookie and the tenant of
 * its own signed-in session. A callback from another browser, or for another tenant, never reaches Salesforce.
 */
import {
  AuthError,
  ConfigError,
  createHttpClient,
  createMemoryNonceStore,
  createOAuthState,
  createPkcePair,
  verifyOAuthState,
  type Credentials,
  type NonceStore,
  type OAuthAuthorization,
  type OAuthAuthorizationRequest,
  type OAuthCallback,
  type OAuthCapability,
  type OAuthTokens,
} from "@gtm-clarity/core";
import { z } from "zod";
import { SALESFORCE_BASE_URL } from "../client.js";

/** Where a deployment configures the OAuth client (once for the app, never per tenant). */
export const SALESFORCE_OAUTH_ENV = {
  clientId: "SALESFORCE_CLIENT_ID",
  clientSecret: "SALESFORCE_CLIENT_SECRET",
  /** The app-wide secret that signs OAuth state: at least 32 bytes. */
  stateSecret: "OAUTH_STATE_SECRET",
  /** Where /oauth/authorize and /oauth/token live, when not on the production API host. */
  baseUrl: "SALESFORCE_OAUTH_BASE_URL",
} as const;

export const SALESFORCE_DEFAULT_SCOPES: readonly string[] = ["read"];

export interface SalesforceOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  /** Default: `SALESFORCE_OAUTH_BASE_URL`, else the production API host. */
  baseUrl?: string;
  scopes?: readonly string[];
  /** How long a started authorization stays valid. Default 600 s; core refuses more than 900 s. */
  stateTtlSeconds?: number;
  /**
   * Remembers used state nonces. The default works within one process only: several web servers share one store
   * (the database).
   */
  nonceStore?: NonceStore;
  fetch?: typeof fetch;
  /** Clock for token expiry (tests). */
  now?: () => Date;
}

/** RFC 6749 section 5.1; other fields are ignored. */
export const SalesforceTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, "token_type must be Bearer"),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

type Setting = "clientId" | "clientSecret" | "stateSecret";

export class SalesforceOAuth implements OAuthCapability {
  readonly #options: SalesforceOAuthOptions;
  readonly #nonceStore: NonceStore;

  constructor(options: SalesforceOAuthOptions = {}) {
    this.#options = options;
    this.#nonceStore = options.nonceStore ?? createMemoryNonceStore();
  }

  async authorizationUrl(request: OAuthAuthorizationRequest): Promise<OAuthAuthorization> {
    const { state } = createOAuthState({
      tenantId: request.tenantId,
      connectionId: request.connectionId,
      sessionBinding: request.sessionBinding,
      secret: this.#setting("stateSecret"),
      ttlSeconds: this.#options.stateTtlSeconds ?? 600,
    });
    const pkce = createPkcePair();
    const scopes = new Set([...(this.#options.scopes ?? SALESFORCE_DEFAULT_SCOPES), ...(request.scopes ?? [])]);
    const query = new URLSearchParams({
      response_type: "code",
      client_id: this.#setting("clientId"),
      redirect_uri: request.redirectUri,
      scope: [...scopes].join(" "),
      state,
      code_challenge: pkce.codeChallenge,
      code_challenge_method: pkce.codeChallengeMethod,
    });
    return { url: `${this.#baseUrl()}/oauth/authorize?${query.toString()}`, state, codeVerifier: pkce.codeVerifier };
  }

  async exchangeCode(callback: OAuthCallback): Promise<OAuthTokens> {
    // The state first: signed by us, started by this browser for this tenant, not expired, never used before. Only
    // then is the code worth sending anywhere.
    await verifyOAuthState(callback.state, {
      secret: this.#setting("stateSecret"),
      nonceStore: this.#nonceStore,
      sessionBinding: callback.sessionBinding,
      expectedTenantId: callback.tenantId,
    });
    return this.#requestTokens({
      grant_type: "authorization_code",
      code: callback.code,
      redirect_uri: callback.redirectUri,
      code_verifier: callback.codeVerifier,
    });
  }

  async refresh(credentials: Credentials): Promise<OAuthTokens> {
    const refreshToken = credentials["refreshToken"];
    if (refreshToken === undefined || refreshToken === "") {
      throw new AuthError("Salesforce credentials hold no refresh token: reconnect the connection");
    }
    return this.#requestTokens({ grant_type: "refresh_token", refresh_token: refreshToken }, refreshToken);
  }

  async #requestTokens(grant: Record<string, string>, previousRefreshToken?: string): Promise<OAuthTokens> {
    const client = createHttpClient({
      name: "salesforce-oauth",
      baseUrl: this.#baseUrl(),
      headers: { Accept: "application/json" },
      // Token requests are not idempotent (a code is single-use, a refresh may rotate the token): never retried.
      retry: { maxAttempts: 1 },
      rateLimit: {
        // RFC 6749 section 5.2: a bad code, verifier or refresh token is `invalid_grant`: the user must reconnect.
        classify: ({ status, bodyText }) =>
          status === 400 && bodyText.includes("invalid_grant") ? { kind: "auth" } : undefined,
      },
      ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
    });
    const body = new URLSearchParams({
      ...grant,
      client_id: this.#setting("clientId"),
      client_secret: this.#setting("clientSecret"),
    });
    const token = await client.requestJson("POST", "/oauth/token", SalesforceTokenResponseSchema, { body });
    const refreshToken = token.refresh_token ?? previousRefreshToken;
    const now = this.#options.now?.() ?? new Date();
    return {
      credentials: { accessToken: token.access_token, ...(refreshToken === undefined ? {} : { refreshToken }) },
      ...(token.expires_in === undefined ? {} : { expiresAt: new Date(now.getTime() + token.expires_in * 1000) }),
      ...(previousRefreshToken !== undefined && refreshToken !== previousRefreshToken ? { rotated: true } : {}),
    };
  }

  #baseUrl(): string {
    const url = this.#options.baseUrl ?? process.env[SALESFORCE_OAUTH_ENV.baseUrl] ?? SALESFORCE_BASE_URL;
    return url.replace(/\/+$/, "");
  }

  #setting(name: Setting): string {
    const value = this.#options[name] ?? process.env[SALESFORCE_OAUTH_ENV[name]];
    if (value === undefined || value === "") {
      const hint = `set ${SALESFORCE_OAUTH_ENV[name]} (or pass \`${name}\`)`;
      throw new ConfigError(`Salesforce OAuth is not configured: ${hint}`);
    }
    return value;
  }
}
