/**
 * The sandbox's Salesforce login host (vendor-apis.md §1.1): an authorize page with Allow and Deny buttons that a
 * browser test can click, a token endpoint for codes (PKCE checked when a challenge was sent) and refresh tokens,
 * revoke, and the identity URL. The token response is Salesforce's: no `expires_in`, `issued_at` as a string of
 * milliseconds, `instance_url`, `id`, and a `signature` (base64 HMAC-SHA256 of `id + issued_at`, keyed with the
 * client secret). A refresh answers without a new refresh token unless rotation is on; with rotation the old one
 * dies at once. OAuth errors are `{"error","error_description"}`.
 */
import { createHmac, randomBytes } from "node:crypto";
import { pkceChallenge } from "@gtm-clarity/core";
import { empty, html, json, redirect, route, TokenSet, type Clock, type Reply, type Route, type SandboxRequest } from "@gtm-clarity/testkit/sandbox";
import { KEY_PREFIX, sandboxId } from "./ids.js";

export interface SandboxOAuthOptions {
  clientId?: string;
  clientSecret?: string;
  /** Refresh token rotation (an External Client App setting): every refresh returns a new one. Default false. */
  rotateRefreshTokens?: boolean;
  /** Access token lifetime (the org's session timeout). Default 2 h. */
  sessionTtlMs?: number;
  clock?: Clock;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  scope: string;
  expiresAt: number;
}

const CODE_TTL_MS = 15 * 60_000;

function opaque(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export class SandboxOAuthServer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly organizationId = sandboxId(KEY_PREFIX.Org, 1).slice(0, 18);
  readonly userId = sandboxId(KEY_PREFIX.User, 1);
  readonly accessTokens: TokenSet;
  rotateRefreshTokens: boolean;
  /** Token endpoint requests answered, whatever their outcome. */
  tokenRequests = 0;
  revocations = 0;
  readonly #codes = new Map<string, PendingCode>();
  /** Live refresh tokens and the access tokens issued from them (revoking one revokes those). */
  readonly #refreshTokens = new Map<string, Set<string>>();
  readonly #clock: Clock;
  #baseUrl = "";

  constructor(options: SandboxOAuthOptions = {}) {
    this.clientId = options.clientId ?? `3MVG9${opaque(30)}`;
    this.clientSecret = options.clientSecret ?? opaque(32);
    this.rotateRefreshTokens = options.rotateRefreshTokens ?? false;
    this.#clock = options.clock ?? Date.now;
    this.accessTokens = new TokenSet({ ttlMs: options.sessionTtlMs ?? 7_200_000, clock: this.#clock });
  }

  /** The sandbox's own URL (known once it listens): login host, instance and identity host in one. */
  setBaseUrl(url: string): void {
    this.#baseUrl = url;
  }

  get identityUrl(): string {
    return `${this.#baseUrl}/id/${this.organizationId}/${this.userId}`;
  }

  /** A token pair as after a completed authorization. */
  issue(): { accessToken: string; refreshToken: string } {
    const refreshToken = `5Aep${opaque()}`;
    this.#refreshTokens.set(refreshToken, new Set());
    return { accessToken: this.#accessToken(refreshToken), refreshToken };
  }

  /** Ends every session, as the org's session timeout does: the next API call is a 401 INVALID_SESSION_ID. */
  expireSessions(): void {
    this.accessTokens.revokeAll();
  }

  /** Revokes a refresh token as an admin would ("Revoke" on the connected app): the next refresh is invalid_grant. */
  revokeRefreshToken(token: string): boolean {
    const access = this.#refreshTokens.get(token);
    if (access === undefined) return false;
    for (const accessToken of access) this.accessTokens.revoke(accessToken);
    this.#refreshTokens.delete(token);
    return true;
  }

  liveRefreshTokens(): number {
    return this.#refreshTokens.size;
  }

  routes(): Route[] {
    return [
      route("GET", "/services/oauth2/authorize", (req) => this.#authorizePage(req), { public: true }),
      route("POST", "/services/oauth2/authorize", (req) => this.#decide(req), { public: true }),
      route("POST", "/services/oauth2/token", (req) => this.#token(req), { public: true }),
      route("POST", "/services/oauth2/revoke", (req) => this.#revoke(req), { public: true }),
      route("GET", "/id/:org/:user", (req) => this.#identity(req)),
    ];
  }

  #accessToken(refreshToken: string | undefined): string {
    const token = `${this.organizationId}!AQ${opaque(40)}`;
    this.accessTokens.add(token);
    if (refreshToken !== undefined) this.#refreshTokens.get(refreshToken)?.add(token);
    return token;
  }

  #authorizePage(req: SandboxRequest): Reply {
    const param = (name: string) => req.query.get(name) ?? "";
    const redirectUri = param("redirect_uri");
    if (param("client_id") !== this.clientId || !/^https?:\/\//.test(redirectUri)) {
      // Never redirect to an unverified URI: the error is shown here (RFC 6749 §4.1.2.1).
      return html(400, "<!DOCTYPE html><title>Error</title><p>error=invalid_client_id: unknown client_id or redirect_uri</p>");
    }
    if (param("response_type") !== "code") return this.#back(redirectUri, param("state"), { error: "unsupported_response_type" });
    const hidden = ["client_id", "redirect_uri", "state", "scope", "code_challenge"]
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(param(name))}">`)
      .join("");
    return html(
      200,
      `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Allow Access?</title></head><body>` +
        `<main><h1>Allow Access?</h1><p>GTM Clarity is asking to access your Salesforce data (${escapeHtml(param("scope") || "api")}).</p>` +
        `<form method="post" action="/services/oauth2/authorize">${hidden}` +
        `<button type="submit" name="decision" value="deny">Deny</button> ` +
        `<button type="submit" name="decision" value="allow">Allow</button></form></main></body></html>`,
    );
  }

  async #decide(req: SandboxRequest): Promise<Reply> {
    const form = new URLSearchParams(await req.text());
    const field = (name: string) => form.get(name) ?? "";
    const redirectUri = field("redirect_uri");
    if (field("client_id") !== this.clientId || !/^https?:\/\//.test(redirectUri)) {
      return html(400, "<!DOCTYPE html><title>Error</title><p>error=invalid_client_id</p>");
    }
    if (field("decision") !== "allow") {
      return this.#back(redirectUri, field("state"), { error: "access_denied", error_description: "end-user denied authorization" });
    }
    const code = `aPrx${opaque()}`;
    const challenge = field("code_challenge");
    this.#codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      codeChallenge: challenge === "" ? undefined : challenge,
      scope: field("scope") || "api",
      expiresAt: this.#clock() + CODE_TTL_MS,
    });
    return this.#back(redirectUri, field("state"), { code });
  }

  #back(redirectUri: string, state: string, params: Record<string, string>): Reply {
    const url = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    if (state !== "") url.searchParams.set("state", state);
    return redirect(url.toString());
  }

  async #token(req: SandboxRequest): Promise<Reply> {
    this.tokenRequests += 1;
    const form = new URLSearchParams(await req.text());
    const oauthError = (status: number, error: string, description: string) =>
      json(status, { error, error_description: description });
    if (form.get("client_id") !== this.clientId || form.get("client_secret") !== this.clientSecret) {
      return oauthError(400, "invalid_client", "invalid client credentials");
    }
    switch (form.get("grant_type")) {
      case "authorization_code": {
        const code = form.get("code") ?? "";
        const pending = this.#codes.get(code);
        this.#codes.delete(code); // single-use whatever happens next
        if (pending === undefined || this.#clock() >= pending.expiresAt) {
          return oauthError(400, "invalid_grant", "invalid authorization code");
        }
        if (form.get("redirect_uri") !== pending.redirectUri) return oauthError(400, "invalid_grant", "redirect_uri mismatch");
        const verifier = form.get("code_verifier");
        if (pending.codeChallenge !== undefined && !this.#verifierMatches(verifier ?? "", pending.codeChallenge)) {
          return oauthError(400, "invalid_grant", "invalid code verifier");
        }
        const wantsRefresh = /\b(refresh_token|offline_access)\b/.test(pending.scope);
        const refreshToken = wantsRefresh ? `5Aep${opaque()}` : undefined;
        if (refreshToken !== undefined) this.#refreshTokens.set(refreshToken, new Set());
        return this.#tokenResponse(this.#accessToken(refreshToken), refreshToken, pending.scope);
      }
      case "refresh_token": {
        const refreshToken = form.get("refresh_token") ?? "";
        if (!this.#refreshTokens.has(refreshToken)) return oauthError(400, "invalid_grant", "expired access/refresh token");
        if (this.rotateRefreshTokens) {
          this.#refreshTokens.delete(refreshToken);
          const rotated = `5Aep${opaque()}`;
          this.#refreshTokens.set(rotated, new Set());
          return this.#tokenResponse(this.#accessToken(rotated), rotated, "api refresh_token id");
        }
        return this.#tokenResponse(this.#accessToken(refreshToken), undefined, "api refresh_token id");
      }
      default:
        return oauthError(400, "unsupported_grant_type", "grant type not supported");
    }
  }

  #tokenResponse(accessToken: string, refreshToken: string | undefined, scope: string): Reply {
    const issuedAt = String(this.#clock());
    const id = this.identityUrl;
    return json(200, {
      access_token: accessToken,
      signature: createHmac("sha256", this.clientSecret).update(id + issuedAt).digest("base64"),
      scope,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      instance_url: this.#baseUrl,
      id,
      token_type: "Bearer",
      issued_at: issuedAt,
    });
  }

  async #revoke(req: SandboxRequest): Promise<Reply> {
    const form = new URLSearchParams(await req.text());
    const token = form.get("token") ?? "";
    if (this.revokeRefreshToken(token) || this.accessTokens.revoke(token)) {
      this.revocations += 1;
      return empty(200);
    }
    return json(400, { error: "invalid_token", error_description: "invalid token" });
  }

  #identity(req: SandboxRequest): Reply {
    if (req.params["org"] !== this.organizationId || req.params["user"] !== this.userId) {
      return json(404, [{ message: "The requested resource does not exist", errorCode: "NOT_FOUND" }]);
    }
    return json(200, {
      id: this.identityUrl,
      user_id: this.userId,
      organization_id: this.organizationId,
      username: "admin@sandbox.example",
      display_name: "Sandbox Admin",
      email: "admin@sandbox.example",
      urls: { rest: `${this.#baseUrl}/services/data/v{version}/` },
    });
  }

  #verifierMatches(verifier: string, challenge: string): boolean {
    try {
      return pkceChallenge(verifier) === challenge;
    } catch {
      return false;
    }
  }
}
