/**
 * Salesforce's OAuth 2.0 web-server flow with PKCE (vendor-apis.md §1.1). Core signs the `state` (tenant,
 * connection, the hash of the browser's binding cookie, expiry, single-use nonce) and makes the PKCE pair; this
 * module knows Salesforce's endpoints and its token response: no `expires_in`, `issued_at` as a string of
 * milliseconds, `instance_url` per org, `id` naming the org and the user, and a refresh response that carries a new
 * refresh token only when rotation is on.
 *
 * The login host is per connection (production, `test.salesforce.com`, a My Domain): `authorizationUrl` and
 * `exchangeCode` read it from the connection's settings (`options.settings.loginUrl`); `refresh` and `revoke` use the
 * login host stored in the credentials. The exchange hands the org and user ids back as `settings` for the caller to
 * keep with the connection. The client secret only ever goes to a checked login host (`hosts.ts`).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  AuthError,
  ConfigError,
  createHttpClient,
  createMemoryNonceStore,
  createOAuthState,
  createPkcePair,
  isHttpError,
  verifyOAuthState,
  type Credentials,
  type HttpClient,
  type NonceStore,
  type OAuthAuthorization,
  type OAuthAuthorizationRequest,
  type OAuthCallback,
  type OAuthCallOptions,
  type OAuthCapability,
  type OAuthTokens,
} from "@gtm-clarity/core";
import { z } from "zod";
import { IdentitySchema } from "../api-schema.js";
import { SALESFORCE_LOGIN_URL } from "../settings.js";
import { trustedOrigin } from "./hosts.js";
import { parseSalesforceCredentials, type SalesforceCredentials } from "./oauth.js";

/** Where a deployment configures the OAuth client (once for the app, never per tenant). */
export const SALESFORCE_OAUTH_ENV = {
  clientId: "SALESFORCE_CLIENT_ID",
  clientSecret: "SALESFORCE_CLIENT_SECRET",
  /** The app-wide secret that signs OAuth state: at least 32 bytes. */
  stateSecret: "OAUTH_STATE_SECRET",
} as const;

/** `api` for REST, `refresh_token` for a refresh token, `id` for the identity URL. */
export const SALESFORCE_DEFAULT_SCOPES: readonly string[] = ["api", "refresh_token", "id"];

export interface SalesforceOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  stateSecret?: string;
  scopes?: readonly string[];
  /** Origins besides Salesforce's own and loopback that may receive secrets (a proxy). */
  allowedOrigins?: readonly string[];
  /** How long a started authorization stays valid. Default 600 s; core refuses more than 900 s. */
  stateTtlSeconds?: number;
  /** Remembers used state nonces. The default works within one process only. */
  nonceStore?: NonceStore;
  fetch?: typeof fetch;
}

/** Which login host a flow uses: a connection's `loginUrl` setting. */
export interface LoginSettings {
  loginUrl?: string;
}

/** The token response. `expires_in` is absent by design; `issued_at` is a string of epoch milliseconds. */
export const SalesforceTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, "token_type must be Bearer"),
  instance_url: z.url({ protocol: /^https?$/ }),
  id: z.url({ protocol: /^https?$/ }),
  issued_at: z.string().regex(/^\d+$/, "issued_at must be a string of epoch milliseconds"),
  signature: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type SalesforceTokenResponse = z.output<typeof SalesforceTokenResponseSchema>;

/** OAuth errors are `{"error","error_description"}`, not the REST API's array. */
const OAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

type Setting = "clientId" | "clientSecret" | "stateSecret";

export class SalesforceOAuth implements OAuthCapability<LoginSettings> {
  readonly #options: SalesforceOAuthOptions;
  readonly #nonceStore: NonceStore;

  constructor(options: SalesforceOAuthOptions = {}) {
    this.#options = options;
    this.#nonceStore = options.nonceStore ?? createMemoryNonceStore();
  }

  async authorizationUrl(request: OAuthAuthorizationRequest, options: OAuthCallOptions<LoginSettings> = {}): Promise<OAuthAuthorization> {
    const login = this.#loginOrigin(options.settings?.loginUrl);
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
      // Salesforce documents only `code_challenge`, SHA-256 implied (vendor-apis.md §1.1).
      code_challenge: pkce.codeChallenge,
    });
    return { url: `${login}/services/oauth2/authorize?${query.toString()}`, state, codeVerifier: pkce.codeVerifier };
  }

  /** Verifies the state, exchanges the code (with the PKCE verifier), then reads the identity URL. */
  async exchangeCode(callback: OAuthCallback, options: OAuthCallOptions<LoginSettings> = {}): Promise<OAuthTokens> {
    // The state first: signed by us, started by this browser for this tenant, not expired, never used before. Only
    // then is the code worth sending anywhere.
    await verifyOAuthState(callback.state, {
      secret: this.#setting("stateSecret"),
      nonceStore: this.#nonceStore,
      sessionBinding: callback.sessionBinding,
      expectedTenantId: callback.tenantId,
    });
    const login = this.#loginOrigin(options.settings?.loginUrl);
    const token = await this.#requestTokens(login, {
      grant_type: "authorization_code",
      code: callback.code,
      redirect_uri: callback.redirectUri,
      code_verifier: callback.codeVerifier,
    });
    const identity = await this.identity(token.access_token, token.id, token.instance_url, login);
    return {
      credentials: {
        ...this.#credentialsFrom(login, token),
        organizationId: identity.organization_id,
        userId: identity.user_id,
      },
      settings: { loginUrl: login, organizationId: identity.organization_id, userId: identity.user_id },
    };
  }

  /**
   * A new access token. Without rotation Salesforce sends no refresh token and the stored one stays valid; with
   * rotation the old one is dead at once, so `rotated` tells the caller to persist before use. `invalid_grant`
   * (expired or revoked) is an AuthError: the connection needs a person to reconnect, never a retry loop.
   */
  async refresh(credentials: Credentials): Promise<OAuthTokens> {
    const stored = parseSalesforceCredentials(credentials);
    if (stored.refreshToken === undefined) {
      throw new AuthError("Salesforce credentials hold no refresh token: reconnect the connection");
    }
    const login = this.#loginOrigin(stored.loginUrl);
    const token = await this.#requestTokens(login, { grant_type: "refresh_token", refresh_token: stored.refreshToken });
    const fresh = this.#credentialsFrom(login, token);
    return {
      credentials: {
        ...fresh,
        refreshToken: token.refresh_token ?? stored.refreshToken,
        ...(stored.organizationId === undefined ? {} : { organizationId: stored.organizationId }),
        ...(stored.userId === undefined ? {} : { userId: stored.userId }),
      },
      ...(token.refresh_token !== undefined && token.refresh_token !== stored.refreshToken ? { rotated: true } : {}),
    };
  }

  /**
   * Revokes the refresh token (and with it every access token issued from it) at the login host. A token that is
   * already invalid counts as revoked: disconnecting twice is not an error.
   */
  async revoke(credentials: Credentials): Promise<void> {
    const stored = parseSalesforceCredentials(credentials);
    const login = this.#loginOrigin(stored.loginUrl);
    const body = new URLSearchParams({ token: stored.refreshToken ?? stored.accessToken });
    try {
      await this.#client(login).request("POST", "/services/oauth2/revoke", { body });
    } catch (error) {
      if (isHttpError(error) && error.status === 400 && error.vendorCode === "invalid_token") return;
      throw error;
    }
  }

  /** `GET` the identity URL: the org (00D…) and user (005…) the token belongs to. */
  async identity(accessToken: string, identityUrl: string, instanceUrl: string, login: string) {
    const url = new URL(identityUrl);
    // The identity URL lives on the login host (or the instance): the token never goes anywhere else.
    if (url.origin !== login && url.origin !== trustedOrigin(instanceUrl, "instance URL", this.#options.allowedOrigins)) {
      throw new AuthError("Salesforce returned an identity URL on an unexpected host");
    }
    const client = createHttpClient({
      name: "salesforce-identity",
      baseUrl: url.origin,
      headers: { Accept: "application/json", Authorization: `Bearer ${accessToken}` },
      retry: { maxAttempts: 3 },
      ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
    });
    return client.getJson(url.pathname, IdentitySchema);
  }

  #credentialsFrom(login: string, token: SalesforceTokenResponse): Credentials {
    this.#checkSignature(token);
    const instanceUrl = trustedOrigin(token.instance_url, "instance URL", this.#options.allowedOrigins);
    const credentials: SalesforceCredentials = {
      accessToken: token.access_token,
      instanceUrl,
      loginUrl: login,
      identityUrl: token.id,
      issuedAt: token.issued_at,
      ...(token.refresh_token === undefined ? {} : { refreshToken: token.refresh_token }),
    };
    const kept: Credentials = {};
    for (const [key, value] of Object.entries(credentials)) if (value !== undefined) kept[key] = value;
    return kept;
  }

  /** `signature` is base64 HMAC-SHA256 of `id + issued_at` keyed with the client secret: a forged answer fails it. */
  #checkSignature(token: SalesforceTokenResponse): void {
    if (token.signature === undefined) return;
    const expected = createHmac("sha256", this.#setting("clientSecret")).update(token.id + token.issued_at).digest();
    const given = Buffer.from(token.signature, "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AuthError("Salesforce token response signature does not match: the response was not issued for this app");
    }
  }

  async #requestTokens(login: string, grant: Record<string, string>): Promise<SalesforceTokenResponse> {
    const body = new URLSearchParams({
      ...grant,
      client_id: this.#setting("clientId"),
      client_secret: this.#setting("clientSecret"),
    });
    return this.#client(login).requestJson("POST", "/services/oauth2/token", SalesforceTokenResponseSchema, { body });
  }

  #client(login: string): HttpClient {
    return createHttpClient({
      name: "salesforce-oauth",
      baseUrl: login,
      headers: { Accept: "application/json" },
      // A code is single-use and a refresh may rotate the token: a token request is sent once.
      retry: { maxAttempts: 1 },
      errorBody: {
        schema: OAuthErrorSchema,
        read: (error) => ({ code: error.error, ...(error.error_description === undefined ? {} : { message: error.error_description }) }),
      },
      rateLimit: {
        // A bad code, verifier or refresh token is `invalid_grant`: the user must reconnect.
        classify: ({ status, vendorError }) =>
          status === 400 && vendorError?.code === "invalid_grant" ? { kind: "auth" } : undefined,
      },
      ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
    });
  }

  #loginOrigin(loginUrl: string | undefined): string {
    return trustedOrigin(loginUrl ?? SALESFORCE_LOGIN_URL, "login URL", this.#options.allowedOrigins);
  }

  #setting(name: Setting): string {
    const value = this.#options[name] ?? process.env[SALESFORCE_OAUTH_ENV[name]];
    if (value === undefined || value === "") {
      throw new ConfigError(`Salesforce OAuth is not configured: set ${SALESFORCE_OAUTH_ENV[name]} (or pass \`${name}\`)`);
    }
    return value;
  }
}
