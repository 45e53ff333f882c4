/**
 * The sandbox's OAuth 2.0 authorization server: `GET /oauth/authorize` approves at once and redirects back with a
 * code bound to the PKCE challenge and redirect URI; `POST /oauth/token` (form-encoded, client_secret_post) exchanges
 * a code (checking the S256 verifier) or a refresh token (rotating it). Errors follow RFC 6749 section 5.2.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { pkceChallenge } from "@gtm-clarity/core";
import { readBody, sendJson } from "../http.js";

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
  readonly #ttlSeconds: number;
  readonly #codes = new Map<string, PendingCode>();
  /** Access token -> expiry (ms). */
  readonly #accessTokens = new Map<string, number>();
  readonly #refreshTokens = new Set<string>();

  constructor(options: AuthorizationServerOptions = {}) {
    this.clientId = options.clientId ?? token("client");
    this.clientSecret = options.clientSecret ?? token("secret");
    this.#ttlSeconds = options.accessTokenTtlSeconds ?? 3600;
  }

  /** A fresh token pair, as after a completed authorization. */
  issue(): IssuedTokens {
    const accessToken = token("at");
    const refreshToken = token("rt");
    this.#accessTokens.set(accessToken, Date.now() + this.#ttlSeconds * 1000);
    this.#refreshTokens.add(refreshToken);
    return { accessToken, refreshToken, expiresIn: this.#ttlSeconds };
  }

  isValidAccessToken(accessToken: string): boolean {
    const expiresAt = this.#accessTokens.get(accessToken);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method === "GET" && url.pathname === "/oauth/authorize") return this.#authorize(res, url);
    if (req.method === "POST" && url.pathname === "/oauth/token") return this.#token(res, await readBody(req));
    return sendJson(res, 404, { error: "not_found" });
  }

  #authorize(res: ServerResponse, url: URL): void {
    const param = (name: string) => url.searchParams.get(name) ?? "";
    const redirectUri = param("redirect_uri");
    if (param("client_id") !== this.clientId || !/^https?:\/\//.test(redirectUri)) {
      // Never redirect to an unverified URI: the error is shown here instead (RFC 6749 section 4.1.2.1).
      const description = "unknown client_id or bad redirect_uri";
      return sendJson(res, 400, { error: "invalid_request", error_description: description });
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
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  #token(res: ServerResponse, rawBody: string): void {
    const form = new URLSearchParams(rawBody);
    if (form.get("client_id") !== this.clientId || form.get("client_secret") !== this.clientSecret) {
      return sendJson(res, 401, { error: "invalid_client" });
    }
    const invalidGrant = (description: string) =>
      sendJson(res, 400, { error: "invalid_grant", error_description: description });
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
        return this.#sendTokens(res);
      }
      case "refresh_token": {
        const refreshToken = form.get("refresh_token") ?? "";
        if (!this.#refreshTokens.delete(refreshToken)) return invalidGrant("unknown or revoked refresh token");
        return this.#sendTokens(res);
      }
      default:
        return sendJson(res, 400, { error: "unsupported_grant_type" });
    }
  }

  #verifierMatches(verifier: string, challenge: string): boolean {
    try {
      return pkceChallenge(verifier) === challenge;
    } catch {
      return false;
    }
  }

  #sendTokens(res: ServerResponse): void {
    const issued = this.issue();
    sendJson(res, 200, {
      access_token: issued.accessToken,
      token_type: "Bearer",
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      scope: "read",
    });
  }
}
