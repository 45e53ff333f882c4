/** src/sandbox/server.ts (and src/sandbox/oauth-server.ts): the fake API. */
import { lines, signature, type TemplateContext } from "./context.js";

export function sandboxServerTs(ctx: TemplateContext): string {
  const { pascal: p, displayName: d, oauth } = ctx;
  const authLine = oauth
    ? " * `Authorization: Bearer` tokens issued by its own OAuth endpoints (`oauth-server.ts`),"
    : " * `X-Api-Key` auth,";
  return lines(
    "/**",
    ` * A loopback fake of the ${d} API, close enough to test the connector end to end:`,
    authLine,
    " * `GET /v1/<stream>` in cursor pages (`limit` capped by the server, `next_cursor: null` at the end) filtered by",
    " * `updated_since`, `RateLimit-*` headers with a 429 (and `Retry-After`) beyond the budget, and, by default, the",
    " * budget used up once early on, so that every test run proves the client waits and retries. Error bodies are JSON.",
    " */",
    'import type { IncomingMessage, ServerResponse } from "node:http";',
    'import { randomBytes } from "node:crypto";',
    'import type { Credentials } from "@gtm-clarity/core";',
    'import { STREAM_KINDS, STREAM_PATHS, type StreamKind } from "../streams.js";',
    'import { sandboxData, type SandboxData } from "./data.js";',
    'import { listenOnLoopback, sendJson } from "./http.js";',
    oauth && 'import { SandboxAuthorizationServer } from "./oauth-server.js";',
    'import { RateWindow } from "./rate-limit.js";',
    "",
    `export interface ${p}SandboxOptions {`,
    "  /** Records per stream (wire shape, malformed ones allowed). Default: `sandboxData()`. */",
    "  data?: Partial<SandboxData>;",
    "  /** Items per page at most, whatever `limit` asks. Default 10, so the default data spans several pages. */",
    "  pageSize?: number;",
    oauth
      ? [
          "  /** The OAuth client the sandbox accepts. Default: random. */",
          "  clientId?: string;",
          "  clientSecret?: string;",
          "  /** Lifetime of issued access tokens. Default 3600 s. */",
          "  accessTokenTtlSeconds?: number;",
        ]
      : [
          "  /** The one API key the sandbox accepts. Default: a random one, see `sandbox.apiKey`. */",
          "  apiKey?: string;",
        ],
    "  /**",
    "   * The budget: `requests` per `windowMs`. Default 100 per second, a short window so that a 429 costs a test",
    "   * well under a second. `false` turns rate limiting (and its headers) off.",
    "   */",
    "  rateLimit?: { requests?: number; windowMs?: number } | false;",
    "  /**",
    "   * 1-based numbers of list requests for which the budget is used up (as by another client of the account), so",
    "   * they get a 429 and the client must wait for the window to reset. Default [2]; [] for none.",
    "   */",
    "  rateLimitOnRequests?: readonly number[];",
    "}",
    "",
    "export interface SandboxStats {",
    "  /** Every request received, whatever its outcome. */",
    "  requests: number;",
    "  /** Requests to list endpoints (`/v1/<stream>`), 429s included. */",
    "  listRequests: number;",
    "  rateLimited: number;",
    "  unauthorized: number;",
    oauth && "  tokenRequests: number;",
    "}",
    "",
    `export interface ${p}Sandbox {`,
    "  /** Base URL, for `settings.baseUrl` and the credentials: `http://127.0.0.1:<port>`. */",
    "  readonly url: string;",
    oauth
      ? [
          "  readonly clientId: string;",
          "  readonly clientSecret: string;",
          "  /** A token pair issued at start, as if a user had connected. */",
          "  readonly accessToken: string;",
          "  readonly refreshToken: string;",
        ]
      : "  readonly apiKey: string;",
    "  /** Good credentials for `sync` and `healthCheck`, pointing at this sandbox. */",
    "  readonly credentials: Credentials;",
    "  /** The same shape with a wrong secret. */",
    "  readonly badCredentials: Credentials;",
    "  /** Records served, malformed ones included: what a full sync must emit or quarantine. */",
    "  recordCount(): number;",
    "  /** Adds or replaces a record (matched by `id`), as if it changed at the source. */",
    "  put(kind: StreamKind, record: { id: string; updated_at: string }): void;",
    "  stats(): SandboxStats;",
    "  close(): Promise<void>;",
    "}",
    "",
    "function field(record: unknown, name: string): unknown {",
    '  return record !== null && typeof record === "object" ? (record as Record<string, unknown>)[name] : undefined;',
    "}",
    "",
    "function updatedAtMs(record: unknown): number {",
    '  const value = field(record, "updated_at");',
    '  const time = typeof value === "string" ? Date.parse(value) : Number.NaN;',
    "  return Number.isNaN(time) ? 0 : time;",
    "}",
    "",
    "function idOf(record: unknown): string {",
    '  const value = field(record, "id");',
    '  return typeof value === "string" ? value : "";',
    "}",
    "",
    "/** Oldest change first, ties by id: a stable order for cursors and for `updated_since`. */",
    "function byUpdate(a: unknown, b: unknown): number {",
    "  return updatedAtMs(a) - updatedAtMs(b) || idOf(a).localeCompare(idOf(b));",
    "}",
    "",
    "function encodeCursor(offset: number): string {",
    '  return Buffer.from(JSON.stringify({ offset })).toString("base64url");',
    "}",
    "",
    "function decodeCursor(cursor: string): number | undefined {",
    "  try {",
    '    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));',
    '    const offset = field(value, "offset");',
    '    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;',
    "  } catch {",
    "    return undefined;",
    "  }",
    "}",
    "",
    signature(
      `export async function start${p}Sandbox`,
      [`options: ${p}SandboxOptions = {}`],
      `: Promise<${p}Sandbox> {`,
    ),
    "  const defaults = sandboxData();",
    "  const streams = new Map<StreamKind, unknown[]>(",
    "    STREAM_KINDS.map((kind) => [kind, [...(options.data?.[kind] ?? defaults[kind])].sort(byUpdate)]),",
    "  );",
    oauth
      ? [
          "  const authServer = new SandboxAuthorizationServer({",
          "    ...(options.clientId === undefined ? {} : { clientId: options.clientId }),",
          "    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),",
          "    ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),",
          "  });",
          "  const initial = authServer.issue();",
        ]
      : '  const apiKey = options.apiKey ?? `sk_test_${randomBytes(16).toString("hex")}`;',
    "  const pageSize = options.pageSize ?? 10;",
    "  const limiter =",
    "    options.rateLimit === false",
    "      ? undefined",
    "      : new RateWindow(options.rateLimit?.requests ?? 100, options.rateLimit?.windowMs ?? 1000);",
    "  const exhaustOn = new Set(options.rateLimitOnRequests ?? [2]);",
    oauth
      ? "  const stats: SandboxStats = { requests: 0, listRequests: 0, rateLimited: 0, unauthorized: 0, tokenRequests: 0 };"
      : "  const stats: SandboxStats = { requests: 0, listRequests: 0, rateLimited: 0, unauthorized: 0 };",
    "",
    oauth
      ? [
          "  const authorized = (req: IncomingMessage): boolean =>",
          '    authServer.isValidAccessToken(/^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "");',
        ]
      : '  const authorized = (req: IncomingMessage): boolean => req.headers["x-api-key"] === apiKey;',
    "",
    "  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {",
    "    stats.requests += 1;",
    '    const url = new URL(req.url ?? "/", "http://sandbox.invalid");',
    oauth && [
      '    if (url.pathname.startsWith("/oauth/")) {',
      '      stats.tokenRequests += url.pathname === "/oauth/token" ? 1 : 0;',
      "      return authServer.handle(req, res, url);",
      "    }",
    ],
    "    if (!authorized(req)) {",
    "      stats.unauthorized += 1;",
    oauth
      ? '      return sendJson(res, 401, { error: { code: "unauthorized", message: "Invalid or expired access token" } });'
      : '      return sendJson(res, 401, { error: { code: "unauthorized", message: "Invalid API key" } });',
    "    }",
    "    const kind = STREAM_KINDS.find((candidate) => STREAM_PATHS[candidate] === url.pathname);",
    "    if (kind !== undefined) {",
    "      stats.listRequests += 1;",
    "      if (exhaustOn.has(stats.listRequests)) limiter?.exhaust(Date.now());",
    "    }",
    "    const rate = limiter?.take(Date.now());",
    "    if (rate !== undefined && !rate.allowed) {",
    "      stats.rateLimited += 1;",
    '      return sendJson(res, 429, { error: { code: "rate_limited", message: "Too many requests" } }, rate.headers);',
    "    }",
    "    const headers = rate?.headers ?? {};",
    '    if (req.method !== "GET") {',
    '      return sendJson(res, 405, { error: { code: "method_not_allowed", message: "GET only" } }, headers);',
    "    }",
    '    if (url.pathname === "/v1/me") return sendJson(res, 200, { id: "usr_sandbox", name: "Sandbox User" }, headers);',
    "    if (kind === undefined) {",
    '      return sendJson(res, 404, { error: { code: "not_found", message: `No route ${url.pathname}` } }, headers);',
    "    }",
    "",
    '    const since = url.searchParams.get("updated_since");',
    "    const sinceMs = since === null ? undefined : Date.parse(since);",
    "    if (sinceMs !== undefined && Number.isNaN(sinceMs)) {",
    '      const error = { code: "invalid_request", message: "updated_since is not a date" };',
    "      return sendJson(res, 400, { error }, headers);",
    "    }",
    '    const cursor = url.searchParams.get("cursor");',
    "    const offset = cursor === null ? 0 : decodeCursor(cursor);",
    "    if (offset === undefined) {",
    '      return sendJson(res, 400, { error: { code: "invalid_request", message: "cursor is not valid" } }, headers);',
    "    }",
    '    const limit = Number(url.searchParams.get("limit") ?? pageSize);',
    "    const size = Math.min(pageSize, Number.isInteger(limit) && limit > 0 ? limit : pageSize);",
    "    const all = streams.get(kind) ?? [];",
    "    const matching = sinceMs === undefined ? all : all.filter((record) => updatedAtMs(record) >= sinceMs);",
    "    const data = matching.slice(offset, offset + size);",
    "    const next = offset + size < matching.length ? encodeCursor(offset + size) : null;",
    "    return sendJson(res, 200, { data, next_cursor: next }, headers);",
    "  };",
    "",
    "  const server = await listenOnLoopback(handle);",
    oauth
      ? [
          "  return {",
          "    url: server.url,",
          "    clientId: authServer.clientId,",
          "    clientSecret: authServer.clientSecret,",
          "    accessToken: initial.accessToken,",
          "    refreshToken: initial.refreshToken,",
          "    credentials: { accessToken: initial.accessToken, refreshToken: initial.refreshToken, baseUrl: server.url },",
          "    badCredentials: {",
          '      accessToken: `revoked_${randomBytes(16).toString("hex")}`,',
          '      refreshToken: `revoked_${randomBytes(16).toString("hex")}`,',
          "      baseUrl: server.url,",
          "    },",
        ]
      : [
          "  return {",
          "    url: server.url,",
          "    apiKey,",
          "    credentials: { apiKey, baseUrl: server.url },",
          '    badCredentials: { apiKey: `sk_test_${randomBytes(16).toString("hex")}`, baseUrl: server.url },',
        ],
    "    recordCount: () => [...streams.values()].reduce((total, records) => total + records.length, 0),",
    "    put(kind, record) {",
    "      const records = (streams.get(kind) ?? []).filter((existing) => idOf(existing) !== record.id);",
    "      streams.set(kind, [...records, record].sort(byUpdate));",
    "    },",
    "    stats: () => ({ ...stats }),",
    "    close: () => server.close(),",
    "  };",
    "}",
    "",
  );
}

export function sandboxOAuthServerTs(): string {
  return `/**
 * The sandbox's OAuth 2.0 authorization server: \`GET /oauth/authorize\` approves at once and redirects back with a
 * code bound to the PKCE challenge and redirect URI; \`POST /oauth/token\` (form-encoded, client_secret_post) exchanges
 * a code (checking the S256 verifier) or a refresh token (rotating it). Errors follow RFC 6749 section 5.2.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { pkceChallenge } from "@gtm-clarity/core";
import { readBody, sendJson } from "./http.js";

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
  return \`\${prefix}_\${randomBytes(24).toString("base64url")}\`;
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
    if (param("client_id") !== this.clientId || !/^https?:\\/\\//.test(redirectUri)) {
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
`;
}
