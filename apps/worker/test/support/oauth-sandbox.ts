/**
 * A loopback OAuth provider and data API, for the token refresh tests, with a connector that uses core's HTTP client
 * against it (so a 401 is core's AuthError and `invalid_grant` maps to one, as a real connector maps it).
 *
 * Provider behaviour, after shared/vendor-apis.md §1.1 (Salesforce) with the two settings that matter here:
 * - `rotate: true`: each refresh returns a new refresh token and revokes the one presented, at once; presenting a
 *   revoked one is HTTP 400 `{"error":"invalid_grant"}` (Salesforce with refresh token rotation on).
 * - `rotate: false`: the refresh response carries no `refresh_token` and the one held stays valid (Salesforce's
 *   default).
 * - `expiresIn`: seconds for `expires_in`, or undefined to send none (Salesforce never does; a 401 is the sign).
 * Only the newest access token is accepted by `/data`; anything else is 401 INVALID_SESSION_ID.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createHttpClient,
  type CanonicalRecord,
  type Connector,
  type Credentials,
  type OAuthCapability,
  type OAuthTokens,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import { z } from "zod";

export interface OAuthSandboxOptions {
  rotate: boolean;
  expiresIn?: number;
  /** Time the token endpoint takes, so concurrent refreshers really overlap. Default 50 ms. */
  refreshDelayMs?: number;
}

export interface OAuthSandboxStats {
  refreshCalls: number;
  invalidGrants: number;
  dataCalls: number;
  unauthorized: number;
}

export interface OAuthSandbox {
  readonly url: string;
  stats(): OAuthSandboxStats;
  /** What the provider considers valid right now (the test's view of provider-side state). */
  state(): { accessToken: string | null; validRefreshTokens: string[]; revokedRefreshTokens: string[] };
  /** The session ends on the provider's side (timeout, admin action): the current access token stops working. */
  expireAccessToken(): void;
  /** Every access token is refused from now on, refreshed ones included (a broken grant behind a 200 refresh). */
  rejectAllAccessTokens(): void;
  close(): Promise<void>;
}

const INITIAL = { accessToken: "at-1", refreshToken: "rt-1" } as const;

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startOAuthSandbox(options: OAuthSandboxOptions): Promise<OAuthSandbox> {
  const stats: OAuthSandboxStats = { refreshCalls: 0, invalidGrants: 0, dataCalls: 0, unauthorized: 0 };
  let generation = 1;
  let accessToken: string | null = INITIAL.accessToken;
  let rejectAll = false;
  const validRefresh = new Set<string>([INITIAL.refreshToken]);
  const revoked = new Set<string>();

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === "POST" && req.url === "/services/oauth2/token") {
        stats.refreshCalls += 1;
        const form = new URLSearchParams(await readBody(req));
        await sleep(options.refreshDelayMs ?? 50);
        const presented = form.get("refresh_token") ?? "";
        if (form.get("grant_type") !== "refresh_token" || !validRefresh.has(presented)) {
          stats.invalidGrants += 1;
          send(res, 400, { error: "invalid_grant", error_description: "expired access/refresh token" });
          return;
        }
        generation += 1;
        accessToken = `at-${generation}`;
        const body: Record<string, string | number> = {
          access_token: accessToken,
          token_type: "Bearer",
          instance_url: "http://127.0.0.1",
          issued_at: String(Date.now()),
        };
        if (options.rotate) {
          validRefresh.delete(presented);
          revoked.add(presented);
          const next = `rt-${generation}`;
          validRefresh.add(next);
          body["refresh_token"] = next;
        }
        if (options.expiresIn !== undefined) body["expires_in"] = options.expiresIn;
        send(res, 200, body);
        return;
      }
      if (req.method === "GET" && req.url === "/data") {
        stats.dataCalls += 1;
        const presented = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        if (rejectAll || accessToken === null || presented !== accessToken) {
          stats.unauthorized += 1;
          send(res, 401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
          return;
        }
        send(res, 200, { records: [{ id: "acc-1", name: "Acme" }], done: true });
        return;
      }
      send(res, 404, [{ message: "not found", errorCode: "NOT_FOUND" }]);
    })().catch(() => res.destroy());
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    state: () => ({ accessToken, validRefreshTokens: [...validRefresh], revokedRefreshTokens: [...revoked] }),
    expireAccessToken: () => {
      accessToken = null;
    },
    rejectAllAccessTokens: () => {
      rejectAll = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const OAUTH_SANDBOX_CONNECTOR_ID = "oauth-sandbox";

const TokenResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string().optional(),
  expires_in: z.number().optional(),
});
const DataResponse = z.object({ records: z.array(z.object({ id: z.string(), name: z.string() })), done: z.boolean() });

/** The connector side: refresh and one data page through core's HTTP client, as a real connector does it. */
export class OAuthSandboxConnector implements Connector<CanonicalRecord> {
  readonly id = OAUTH_SANDBOX_CONNECTOR_ID;
  readonly name = "OAuth sandbox";
  readonly version = "1.0.0";
  readonly oauth: OAuthCapability;
  readonly #url: string;

  constructor(url: string, hooks: { afterRefresh?: (tokens: OAuthTokens) => void } = {}) {
    this.#url = url;
    const client = createHttpClient({
      baseUrl: url,
      name: "oauth-sandbox",
      retry: { maxAttempts: 1 },
      rateLimit: {
        // The token endpoint's invalid_grant is a revoked grant: reconnect needed (vendor-apis.md §1.1).
        classify: ({ status, bodyText }) => (status === 400 && bodyText.includes("invalid_grant") ? { kind: "auth" } : undefined),
      },
    });
    this.oauth = {
      authorizationUrl: async () => Promise.reject(new Error("not used in these tests")),
      exchangeCode: async () => Promise.reject(new Error("not used in these tests")),
      refresh: async (credentials: Credentials): Promise<OAuthTokens> => {
        const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credentials["refreshToken"] ?? "", client_id: "test-client" });
        const answer = await client.requestJson("POST", "services/oauth2/token", TokenResponse, { body });
        const tokens: OAuthTokens = {
          // No refresh_token in the answer (no rotation): return only what came; the worker keeps the one it holds.
          credentials: { accessToken: answer.access_token, ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}) },
          ...(answer.expires_in === undefined ? {} : { expiresAt: new Date(Date.now() + answer.expires_in * 1000) }),
          rotated: answer.refresh_token !== undefined,
        };
        hooks.afterRefresh?.(tokens);
        return tokens;
      },
    };
  }

  async authenticate() {
    return { credentials: { ...INITIAL } };
  }

  async sync(credentials: Credentials, _cursor: string | null, options: SyncOptions = {}): Promise<SyncResult<CanonicalRecord>> {
    const client = createHttpClient({ baseUrl: this.#url, name: "oauth-sandbox", retry: { maxAttempts: 1 } });
    const page = await client.getJson("data", DataResponse, {
      headers: { authorization: `Bearer ${credentials["accessToken"] ?? ""}` },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const records = page.records.map((r) => ({
      kind: "account" as const,
      externalId: r.id,
      name: r.name,
      properties: {},
      isDeleted: false,
    })) as CanonicalRecord[];
    return { records, cursor: "done", hasMore: !page.done, syncedAt: new Date(), stats: { created: records.length, updated: 0, errors: 0 } };
  }

  getSchema() {
    return [];
  }

  async healthCheck() {
    return { healthy: true, lastSync: null };
  }
}
