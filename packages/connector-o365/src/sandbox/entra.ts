/**
 * A fake Entra ID on loopback, for MSAL configured as web-and-auth-notes.md §3 option 1 records: an https authority
 * on a host never contacted (`login.o365-sandbox.test`), `knownAuthorities` and `authorityMetadata` whose endpoints
 * are this server, so MSAL makes no discovery or metadata request and never calls a Microsoft host. Serves the
 * openid configuration anyway, an authorize page with "Allow" and "Deny" buttons (for a browser test), and the token
 * endpoint: authorization code (PKCE S256 checked) and refresh token, rotated on every use (the old one is revoked).
 * Errors look like Entra's: `{ error, error_description: "AADSTS…", error_codes, timestamp, trace_id, correlation_id }`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { pkceChallenge } from "@gtm-clarity/core";
import { html, json, redirect, route, type Reply, type Route, type SandboxRequest } from "@gtm-clarity/testkit/sandbox";
import type { SandboxUser } from "./data.js";

export const SANDBOX_AUTHORITY_HOST = "login.o365-sandbox.test";

interface PendingCode {
  userId: string;
  challenge: string;
  redirectUri: string;
  expiresAt: number;
}

export interface AccessGrant {
  user: SandboxUser;
  expiresAt: number;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const secret = (prefix: string) => `${prefix}.${randomBytes(24).toString("base64url")}`;
const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class FakeEntra {
  readonly clientId = randomUUID();
  readonly clientSecret = secret("sandbox-client-secret");
  tokenRequests = 0;
  readonly #codes = new Map<string, PendingCode>();
  readonly #refreshTokens = new Map<string, string>();
  readonly #accessTokens = new Map<string, AccessGrant>();
  readonly #users: () => readonly SandboxUser[];
  readonly #ttlSeconds: number;
  #origin = "";

  constructor(users: () => readonly SandboxUser[], ttlSeconds = 3600) {
    this.#users = users;
    this.#ttlSeconds = ttlSeconds;
  }

  set origin(value: string) {
    this.#origin = value;
  }

  /** What `O365OAuthOptions` needs to talk to this fake (plus the app's client id and secret). */
  authority(tenant = "organizations") {
    return {
      authority: `https://${SANDBOX_AUTHORITY_HOST}/${tenant}`,
      knownAuthorities: [SANDBOX_AUTHORITY_HOST],
      authorityMetadata: JSON.stringify(this.#metadata(tenant)),
    };
  }

  #metadata(tenant: string) {
    const base = `${this.#origin}/${tenant}/oauth2/v2.0`;
    return {
      issuer: `https://${SANDBOX_AUTHORITY_HOST}/${tenant}/v2.0`,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      end_session_endpoint: `${base}/logout`,
      jwks_uri: `${this.#origin}/${tenant}/discovery/v2.0/keys`,
    };
  }

  grantFor(token: string, now: number): AccessGrant | undefined {
    const grant = this.#accessTokens.get(token);
    return grant !== undefined && grant.expiresAt > now ? grant : undefined;
  }

  /** Ends every refresh token of a user (as an admin revoking sessions): the next refresh gets invalid_grant. */
  revokeSessions(userId: string): void {
    for (const [token, owner] of this.#refreshTokens) if (owner === userId) this.#refreshTokens.delete(token);
  }

  /** Expires every access token now (the next Graph call gets 401). */
  expireAccessTokens(): void {
    this.#accessTokens.clear();
  }

  /** A code as if `userId` had clicked Allow (tests that skip the browser). */
  issueCode(userId: string, challenge: string, redirectUri: string): string {
    const code = secret("code");
    this.#codes.set(code, { userId, challenge, redirectUri, expiresAt: Date.now() + 600_000 });
    return code;
  }

  routes(): Route[] {
    return [
      route("GET", "/:tenant/v2.0/.well-known/openid-configuration", (req) => json(200, this.#openid(req.params["tenant"] ?? "")), { public: true }),
      route("GET", "/:tenant/oauth2/v2.0/authorize", (req) => this.#authorizePage(req), { public: true }),
      route("POST", "/:tenant/oauth2/v2.0/authorize", (req) => this.#decide(req), { public: true }),
      route("POST", "/:tenant/oauth2/v2.0/token", (req) => this.#token(req), { public: true }),
    ];
  }

  #openid(tenant: string): Json {
    return { ...this.#metadata(tenant), response_types_supported: ["code"], code_challenge_methods_supported: ["S256"] };
  }

  #authorizePage(req: SandboxRequest): Reply {
    const q = req.query;
    if (q.get("client_id") !== this.clientId) return error(400, "unauthorized_client", 700016, "Application not found in the directory");
    const users = this.#users();
    const hint = q.get("login_hint");
    const user = users.find((candidate) => candidate.userPrincipalName === hint) ?? users[0];
    const fields = ["redirect_uri", "state", "code_challenge", "code_challenge_method", "scope", "response_type"]
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(q.get(name) ?? "")}">`)
      .join("");
    return html(
      200,
      `<!DOCTYPE html><html><head><title>Permissions requested</title></head><body><h1>Permissions requested</h1>` +
        `<p>Sign in as ${escapeHtml(user?.userPrincipalName ?? "")}. The app asks for: ${escapeHtml(q.get("scope") ?? "")}</p>` +
        `<form method="post"><input type="hidden" name="user" value="${escapeHtml(user?.id ?? "")}">${fields}` +
        `<button type="submit" name="decision" value="allow">Allow</button>` +
        `<button type="submit" name="decision" value="deny">Deny</button></form></body></html>`,
    );
  }

  async #decide(req: SandboxRequest): Promise<Reply> {
    const form = new URLSearchParams(await req.text());
    const redirectUri = form.get("redirect_uri") ?? "";
    if (!/^https?:\/\//.test(redirectUri)) return error(400, "invalid_request", 50011, "The redirect URI is not valid");
    const back = new URL(redirectUri);
    const state = form.get("state");
    if (state) back.searchParams.set("state", state);
    if (form.get("decision") !== "allow") {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "AADSTS65004: User declined to consent to access the app.");
      return redirect(back.toString());
    }
    const challenge = form.get("code_challenge") ?? "";
    if (form.get("code_challenge_method") !== "S256" || challenge === "") {
      back.searchParams.set("error", "invalid_request");
      back.searchParams.set("error_description", "AADSTS501491: code_challenge with S256 is required.");
      return redirect(back.toString());
    }
    back.searchParams.set("code", this.issueCode(form.get("user") ?? "", challenge, redirectUri));
    return redirect(back.toString());
  }

  async #token(req: SandboxRequest): Promise<Reply> {
    this.tokenRequests += 1;
    const form = new URLSearchParams(await req.text());
    if (form.get("client_id") !== this.clientId || form.get("client_secret") !== this.clientSecret) {
      return error(401, "invalid_client", 7000215, "Invalid client secret provided.");
    }
    if (form.get("grant_type") === "authorization_code") {
      const code = form.get("code") ?? "";
      const pending = this.#codes.get(code);
      this.#codes.delete(code);
      if (pending === undefined || pending.expiresAt < Date.now()) return error(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired or was already redeemed.");
      if (pending.redirectUri !== form.get("redirect_uri")) return error(400, "invalid_grant", 50148, "The redirect URI does not match the one of the authorization request.");
      let matches = false;
      try {
        matches = pkceChallenge(form.get("code_verifier") ?? "") === pending.challenge;
      } catch {
        matches = false;
      }
      if (!matches) return error(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
      return this.#issue(pending.userId, form.get("scope") ?? "");
    }
    if (form.get("grant_type") === "refresh_token") {
      const presented = form.get("refresh_token") ?? "";
      const userId = this.#refreshTokens.get(presented);
      // Rotation: a refresh token works once.
      this.#refreshTokens.delete(presented);
      if (userId === undefined) return error(400, "invalid_grant", 700082, "The refresh token has expired or was revoked.");
      return this.#issue(userId, form.get("scope") ?? "");
    }
    return error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }

  #issue(userId: string, scope: string): Reply {
    const user = this.#users().find((candidate) => candidate.id === userId);
    if (user === undefined) return error(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
    const accessToken = secret("eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.sandbox-at");
    const refreshToken = secret("0.sandbox-rt");
    this.#accessTokens.set(accessToken, { user, expiresAt: Date.now() + this.#ttlSeconds * 1000 });
    this.#refreshTokens.set(refreshToken, user.id);
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: this.clientId,
      iss: `https://${SANDBOX_AUTHORITY_HOST}/${user.tenantId}/v2.0`,
      iat: now,
      nbf: now,
      exp: now + this.#ttlSeconds,
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      sub: user.id,
      tid: user.tenantId,
      ver: "2.0",
    };
    return json(200, {
      token_type: "Bearer",
      scope: scope.split(" ").filter((s) => s !== "openid" && s !== "profile").join(" "),
      expires_in: this.#ttlSeconds,
      ext_expires_in: this.#ttlSeconds,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: `${b64({ typ: "JWT", alg: "RS256", kid: "sandbox" })}.${b64(claims)}.c2FuZGJveA`,
      client_info: b64({ uid: user.id, utid: user.tenantId }),
    });
  }
}

type Json = Record<string, unknown>;

function error(status: number, code: string, aadsts: number, description: string): Reply {
  return json(status, {
    error: code,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}
