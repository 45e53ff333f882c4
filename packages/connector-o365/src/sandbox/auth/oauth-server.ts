/**
 * The sandbox's OAuth 2.0 authorization server, as kit routes: `GET /oauth/authorize` approves at once and redirects
 * back with a code bound to the PKCE challenge and redirect URI; `POST /oauth/token` (form-encoded,
 * client_secret_post) exchanges a code (checking the S256 verifier) or a refresh token (rotating it). Errors follow
 * RFC 6749 section 5.2. Access tokens live in a kit `TokenSet`, which the API's `requireBearer` guard checks.
 */
import { randomBytes } from "node:crypto";
import { pkceChallenge } from "@gtm-clarity/core";
import { json, redirect, route, TokenSet, type Reply, type Route, type SandboxRequest } from "@gtm-clarity/testkit/sandbox";

export interface AuthorizationServerOptions {
  clientId?: string;
  clientSecret?: string;
  accessTokenTtlSeconds?: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

interface PendingCode {
  codeChallenge: string;
  redirectUri: string;
  expiresAt: number;
}

const CODE_TTL_MS = 60_000;

function token(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString("base64url")}`;
}

export class SandboxAuthorizationServer {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Live access tokens. */
  readonly accessTokens: TokenSet;
  /** `POST /oauth/token` requests answered, whatever their outcome. */
  tokenRequests = 0;
  readonly #ttlSeconds: number;
  readonly #codes = new Map<string, PendingCode>();
  readonly #refreshTokens = new Set<string>();

  constructor(options: AuthorizationServerOptions = {}) {
    this.clientId = options.clientId ?? token("client");
    this.clientSecret = options.clientSecret ?? token("secret");
    this.#ttlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.accessTokens = new TokenSet({ prefix: "at", ttlMs: this.#ttlSeconds * 1000 });
  }

  /** A fresh token pair, as after a completed authorization. */
  issue(): IssuedTokens {
    const refreshToken = token("rt");
    this.#refreshTokens.add(refreshToken);
    return { accessToken: this.accessTokens.issue(), refreshToken, expiresIn: this.#ttlSeconds };
  }

  /** Public routes: no API guard applies to them. */
  routes(): Route[] {
    return [
      route("GET", "/oauth/authorize", (req) => this.#authorize(req), { public: true }),
      route("POST", "/oauth/token", (req) => this.#token(req), { public: true }),
    ];
  }

  #authorize(req: SandboxRequest): Reply {
    const param = (name: string) => req.query.get(name) ?? "";
    const redirectUri = param("redirect_uri");
    if (param("client_id") !== this.clientId || !/^https?:\/\//.test(redirectUri)) {
      // Never redirect to an unverified URI: the error is shown here instead (RFC 6749 section 4.1.2.1).
      return json(400, { error: "invalid_request", error_description: "unknown client_id or bad redirect_uri" });
    }
    const back = new URL(redirectUri);
    const state = param("state");
    if (state !== "") back.searchParams.set("state", state);
    const codeChallenge = param("code_challenge");
    if (param("response_type") !== "code" || param("code_challenge_method") !== "S256" || codeChallenge === "") {
      back.searchParams.set("error", "invalid_request");
    } else {
      const code = token("code");
      this.#codes.set(code, { codeChallenge, redirectUri, expiresAt: Date.now() + CODE_TTL_MS });
      back.searchParams.set("code", code);
    }
    return redirect(back.toString());
  }

  async #token(req: SandboxRequest): Promise<Reply> {
    this.tokenRequests += 1;
    const form = new URLSearchParams(await req.text());
    if (form.get("client_id") !== this.clientId || form.get("client_secret") !== this.clientSecret) {
      return json(401, { error: "invalid_client" });
    }
    const invalidGrant = (description: string) => json(400, { error: "invalid_grant", error_description: description });
    switch (form.get("grant_type")) {
      case "authorization_code": {
        const code = form.get("code") ?? "";
        const pending = this.#codes.get(code);
        // A code is single-use whatever happens next.
        this.#codes.delete(code);
        if (pending === undefined || Date.now() >= pending.expiresAt) return invalidGrant("unknown or expired code");
        if (form.get("redirect_uri") !== pending.redirectUri) return invalidGrant("redirect_uri does not match");
        if (!this.#verifierMatches(form.get("code_verifier") ?? "", pending.codeChallenge)) {
          return invalidGrant("code_verifier does not match the code_challenge");
        }
        return this.#tokens();
      }
      case "refresh_token": {
        const refreshToken = form.get("refresh_token") ?? "";
        if (!this.#refreshTokens.delete(refreshToken)) return invalidGrant("unknown or revoked refresh token");
        return this.#tokens();
      }
      default:
        return json(400, { error: "unsupported_grant_type" });
    }
  }

  #verifierMatches(verifier: string, challenge: string): boolean {
    try {
      return pkceChallenge(verifier) === challenge;
    } catch {
      return false;
    }
  }

  #tokens(): Reply {
    const issued = this.issue();
    return json(200, {
      access_token: issued.accessToken,
      token_type: "Bearer",
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      scope: "read",
    });
  }
}
