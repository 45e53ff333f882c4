/**
 * `startO365Sandbox`: the fake Entra ID and the fake Graph on one loopback server (testkit's sandbox kit: routes,
 * guards, faults, counters, request log). Tenants each have a directory and verified domain; every user has a
 * mailbox and calendar, seeded on first use. `connect(user)` runs MSAL's code exchange against the fake Entra ID
 * and returns the credentials the connector stores (serialised MSAL cache, account id, access token).
 */
import {
  FaultPlan,
  RateLimiter,
  rateLimitGuard,
  startSandboxServer,
  type Clock,
  type RunningSandbox,
  type SandboxRequest,
  type SandboxStats,
} from "@gtm-clarity/testkit/sandbox";
import type { Credentials } from "@gtm-clarity/core";
import { createPkcePair } from "@gtm-clarity/core";
import { openMsal, O365_SCOPES } from "../auth/msal.js";
import { O365_OAUTH_ENV, type O365OAuthOptions } from "../auth/oauth.js";
import { STREAM_NAMES } from "../sync/streams.js";
import { transformItem } from "../transform/items.js";
import { O365SettingsSchema, type O365Settings } from "../settings.js";
import { makeEvent, makeMessage, makeTenant, makeUser, type SandboxTenant, type SandboxUser } from "./data.js";
import { DeltaCollection } from "./delta-collection.js";
import { FakeEntra } from "./entra.js";
import { graphError, graphRoutes, type ExpiryStyle, type GraphStream } from "./graph.js";

export interface O365SandboxOptions {
  seed?: number;
  tenants?: number;
  usersPerTenant?: number;
  /** Messages per mailbox (split 70/30 between Inbox and Sent Items). Default 60. */
  messagesPerMailbox?: number;
  eventsPerMailbox?: number;
  /** Outlook's per-mailbox budget. Default 10,000 per 10 minutes; `false` for none. */
  rateLimit?: { requests?: number; windowMs?: number } | false;
  /** First rounds include an empty page with a nextLink, and replay an item across pages. Default true. */
  emptyPages?: boolean;
  replays?: boolean;
  /** Handler latency, so concurrency can be observed. Default 0. */
  latencyMs?: number;
  faults?: FaultPlan;
  clock?: Clock;
}

export interface O365SandboxStats extends SandboxStats {
  /** Highest number of requests a mailbox had in flight at once. */
  maxInFlightPerMailbox: number;
}

export interface O365Sandbox extends RunningSandbox<O365Settings, O365SandboxStats> {
  readonly entra: FakeEntra;
  readonly tenants: readonly SandboxTenant[];
  readonly users: readonly SandboxUser[];
  /** OAuth options pointing the connector's MSAL at this fake Entra ID (client id and secret included). */
  oauthOptions(stateSecret?: string): O365OAuthOptions;
  /** The app registration, as an app wiring sandboxes reads it. */
  readonly oauth: { clientId: string; clientSecret: string };
  /** The same as environment variables (`O365_OAUTH_ENV`), for an app whose registered connector reads them. */
  oauthEnv(): Record<string, string>;
  /** Signs `user` in (MSAL code exchange against the fake) and returns the connection's credentials. */
  connect(user?: SandboxUser): Promise<Credentials>;
  collection(user: SandboxUser, stream: GraphStream): DeltaCollection;
  /** Makes every delta token of the stream invalid, answered the given way. */
  expireDeltaTokens(user: SandboxUser, stream: GraphStream, style?: ExpiryStyle): void;
  /** Seeded data for a mailbox created now (messages and events are made on first use otherwise). */
  mailboxOf(user: SandboxUser): Record<"inbox" | "sentitems" | "calendar", DeltaCollection>;
  stats(): O365SandboxStats;
  /** 429 answers to requests that arrived at or after `since` (clock ms). */
  rateLimitedAfter(since: number): number;
}

export async function startO365Sandbox(options: O365SandboxOptions = {}): Promise<O365Sandbox> {
  const seed = options.seed ?? 365;
  const clock = options.clock ?? Date.now;
  const tenants = Array.from({ length: options.tenants ?? 1 }, (_, index) => makeTenant(index, seed));
  const users = tenants.flatMap((tenant) => Array.from({ length: options.usersPerTenant ?? 12 }, (_, index) => makeUser(tenant, index, seed)));
  const messages = options.messagesPerMailbox ?? 60;
  const events = options.eventsPerMailbox ?? 20;
  const entra = new FakeEntra(() => users);
  const directories = new Map<string, DeltaCollection>();
  for (const tenant of tenants) {
    const directory = new DeltaCollection();
    for (const user of users.filter((candidate) => candidate.tenantId === tenant.id)) directory.put({ ...user, tenantId: undefined });
    directories.set(tenant.id, directory);
  }
  const mailboxes = new Map<string, Record<"inbox" | "sentitems" | "calendar", DeltaCollection>>();
  const styles = new Map<string, ExpiryStyle>();
  let maxInFlight = 0;

  const mailboxOf = (user: SandboxUser) => {
    let mailbox = mailboxes.get(user.id);
    if (mailbox === undefined) {
      const colleagues = users.filter((candidate) => candidate.tenantId === user.tenantId && candidate.id !== user.id);
      const colleague = colleagues[0] ?? user;
      mailbox = { inbox: new DeltaCollection(), sentitems: new DeltaCollection(), calendar: new DeltaCollection() };
      const inboxCount = Math.round(messages * 0.7);
      for (let i = 0; i < inboxCount; i += 1) mailbox.inbox.put(makeMessage(user, colleague, "inbox", i, seed));
      for (let i = 0; i < messages - inboxCount; i += 1) mailbox.sentitems.put(makeMessage(user, colleague, "sentitems", i, seed));
      for (let i = 0; i < events; i += 1) mailbox.calendar.put(makeEvent(user, i, seed, clock()));
      mailboxes.set(user.id, mailbox);
    }
    return mailbox;
  };
  const collection = (user: SandboxUser, stream: GraphStream): DeltaCollection =>
    stream === "users" ? (directories.get(user.tenantId) ?? new DeltaCollection()) : mailboxOf(user)[stream];

  const grantOf = (req: SandboxRequest) => {
    const header = req.header("authorization") ?? "";
    return header.startsWith("Bearer ") ? entra.grantFor(header.slice(7), clock()) : undefined;
  };
  const limiter =
    options.rateLimit === false
      ? undefined
      : new RateLimiter({
          windows: [{ name: "mailbox", limit: options.rateLimit?.requests ?? 10_000, windowMs: options.rateLimit?.windowMs ?? 600_000, mode: "fixed" }],
          key: (req) => grantOf(req)?.user.id ?? "anonymous",
          rateLimitHeaders: "none",
          retryAfter: "fractional",
          clock,
        });
  const quirks = { emptyPages: options.emptyPages ?? true, replays: options.replays ?? true, latencyMs: options.latencyMs ?? 0, maxInFlight: 4 };
  const isGraph = (req: SandboxRequest) => req.path.startsWith("/v1.0/");

  const server = await startSandboxServer({
    routes: [
      ...entra.routes(),
      ...graphRoutes({
        userOf: (req) => {
          const grant = grantOf(req);
          if (grant === undefined) throw new Error("unauthenticated request reached a handler");
          return grant.user;
        },
        tenantOf: (user) => tenants.find((tenant) => tenant.id === user.tenantId) ?? makeTenant(0, seed),
        collection,
        expiryStyle: (user, stream) => styles.get(`${user.id}:${stream}`) ?? (stream === "users" ? "syncStateNotFound" : "gone"),
        origin: () => server.url,
        quirks,
        inFlight: (_user, count) => {
          maxInFlight = Math.max(maxInFlight, count);
        },
      }),
    ],
    guards: [
      (req) =>
        isGraph(req) && grantOf(req) === undefined
          ? graphError(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
          : undefined,
      ...(limiter === undefined
        ? []
        : [
            (req: SandboxRequest) =>
              isGraph(req)
                ? rateLimitGuard(limiter, () => graphError(429, "TooManyRequests", "Please retry again later."))(req)
                : undefined,
          ]),
    ],
    errorReply: ({ status, message, code }) => graphError(status, code ?? "BadRequest", message),
    faults: options.faults ?? new FaultPlan(),
    clock,
  });
  entra.origin = server.url;
  const baseUrl = `${server.url}/v1.0`;

  const oauthOptions = (stateSecret = "sandbox-state-secret-0123456789abcdef0123456789") => ({
    ...entra.authority(),
    clientId: entra.clientId,
    clientSecret: entra.clientSecret,
    stateSecret,
  });
  const connect = async (user: SandboxUser = users[0] ?? makeUser(tenants[0] ?? makeTenant(0, seed), 0, seed)) => {
    const msal = openMsal({ clientId: entra.clientId, clientSecret: entra.clientSecret, entra: entra.authority() }, "");
    const pkce = createPkcePair();
    const redirectUri = "http://127.0.0.1/callback";
    const code = entra.issueCode(user.id, pkce.codeChallenge, redirectUri);
    const result = await msal.app.acquireTokenByCode({ code, scopes: [...O365_SCOPES], redirectUri, codeVerifier: pkce.codeVerifier });
    if (result.account === null) throw new Error("the sandbox sign-in returned no account");
    return { tokenCache: msal.cache(), homeAccountId: result.account.homeAccountId, accessToken: result.accessToken };
  };
  const credentials = await connect();
  /** Distinct records (and quarantined items) a full sync of the first user's connection must see. */
  const expectedRecords = () => {
    const user = users[0];
    if (user === undefined) return 0;
    const domains = new Set(tenants.filter((tenant) => tenant.id === user.tenantId).map((tenant) => tenant.domain));
    const context = { domains, includeSubjects: false, observedAt: new Date(clock()) };
    const keys = new Set<string>();
    for (const stream of STREAM_NAMES) {
      collection(user, stream).live().forEach((item, index) => {
        const result = transformItem(stream, item, context);
        if (result.kind === "quarantined") keys.add(`quarantined:${stream}:${index}`);
        if (result.kind === "change") for (const record of result.records) keys.add(`${record.kind}:${record.externalId}`);
      });
    }
    return keys.size;
  };

  return {
    url: baseUrl,
    entra,
    tenants,
    users,
    settings: () => O365SettingsSchema.parse({ baseUrl }),
    credentials,
    badCredentials: { ...credentials, accessToken: "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.revoked-sandbox-token" },
    get expectedRecords() {
      return expectedRecords();
    },
    oauthOptions,
    oauth: { clientId: entra.clientId, clientSecret: entra.clientSecret },
    oauthEnv: () => {
      const authority = entra.authority();
      return {
        [O365_OAUTH_ENV.clientId]: entra.clientId,
        [O365_OAUTH_ENV.clientSecret]: entra.clientSecret,
        [O365_OAUTH_ENV.authority]: authority.authority,
        [O365_OAUTH_ENV.knownAuthorities]: authority.knownAuthorities.join(","),
        [O365_OAUTH_ENV.authorityMetadata]: authority.authorityMetadata,
      };
    },
    connect,
    collection,
    mailboxOf,
    expireDeltaTokens(user, stream, style) {
      const target = collection(user, stream);
      target.generation += 1;
      if (style !== undefined) styles.set(`${user.id}:${stream}`, style);
    },
    async addNewData(count) {
      const [user] = users;
      if (user === undefined) return 0;
      const inbox = mailboxOf(user).inbox;
      const colleague = users[1] ?? user;
      const start = inbox.live().length + 10_000;
      for (let i = 0; i < count; i += 1) inbox.put(makeMessage(user, colleague, "inbox", start + i, seed));
      return count;
    },
    faults: server.faults,
    stats: () => ({ ...server.stats(), maxInFlightPerMailbox: maxInFlight }),
    rateLimitedAfter: (since) => server.requests().filter((record) => record.status === 429 && record.at >= since).length,
    close: () => server.close(),
  };
}
