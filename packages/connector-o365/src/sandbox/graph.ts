/**
 * The fake Microsoft Graph (vendor-apis.md §2.5): delta rounds with nextLink xor deltaLink, an empty page with a
 * nextLink and a replayed item inside first rounds, `@removed` (`deleted`, and `changed` for users), expired tokens
 * (410, or 400 `syncStateNotFound` / `resyncRequired`), `Prefer: odata.maxpagesize`, `$select` honoured on messages
 * and users and refused on calendarView delta, whose first call needs startDateTime and endDateTime, and Outlook's
 * per-mailbox limits (a request budget answered by 429 with a fractional Retry-After, 4 requests in flight).
 * Errors use Graph's envelope `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { json, route, type Reply, type Route, type SandboxRequest } from "@gtm-clarity/testkit/sandbox";
import { z } from "zod";
import type { DeltaCollection } from "./delta-collection.js";
import type { Json, SandboxTenant, SandboxUser } from "./data.js";

export type ExpiryStyle = "gone" | "syncStateNotFound" | "resyncRequired";
export type GraphStream = "users" | "inbox" | "sentitems" | "calendar";

export interface GraphBackend {
  userOf(req: SandboxRequest): SandboxUser;
  tenantOf(user: SandboxUser): SandboxTenant;
  collection(user: SandboxUser, stream: GraphStream): DeltaCollection;
  expiryStyle(user: SandboxUser, stream: GraphStream): ExpiryStyle;
  origin(): string;
  /** Behaviour switches (tests turn them off to count requests exactly). */
  readonly quirks: { emptyPages: boolean; replays: boolean; latencyMs: number; maxInFlight: number };
  /** Called with the in-flight count of a mailbox whenever it changes. */
  inFlight(user: SandboxUser, count: number): void;
}

export function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): Reply {
  const date = new Date().toISOString().slice(0, 19);
  const reply = json(status, { error: { code, message, innerError: { date, "request-id": randomUUID(), "client-request-id": randomUUID() } } });
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

/** What the sandbox packs into its skip and delta tokens (opaque to clients, as Graph's are). */
const TokenSchema = z.object({
  g: z.number(),
  since: z.number(),
  snap: z.number(),
  off: z.number(),
  sel: z.string().optional(),
  w: z.object({ start: z.string(), end: z.string() }).optional(),
  /** The empty page of this round was served. */
  e: z.boolean().optional(),
});
type Token = z.output<typeof TokenSchema>;

const encode = (token: Token) => Buffer.from(JSON.stringify(token)).toString("base64url");
function decode(value: string): Token | undefined {
  try {
    const parsed = TokenSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;

function pageSize(req: SandboxRequest): number {
  const match = /odata\.maxpagesize=(\d+)/i.exec(req.header("prefer") ?? "");
  const asked = match === null ? DEFAULT_PAGE : Number(match[1]);
  return Math.max(1, Math.min(MAX_PAGE, asked));
}

function project(item: Json, select: string | undefined): Json {
  if (select === undefined || "@removed" in item) return item;
  const keep = new Set(["id", "@odata.etag", "@odata.type", ...select.split(",").map((field) => field.trim())]);
  return Object.fromEntries(Object.entries(item).filter(([key]) => keep.has(key)));
}

function inWindow(item: Json, window: { start: string; end: string } | undefined): boolean {
  if (window === undefined) return true;
  const time = (value: unknown) => {
    const dateTime = value !== null && typeof value === "object" && "dateTime" in value ? String(value.dateTime) : "";
    return Date.parse(`${dateTime.slice(0, 23)}Z`);
  };
  const [start, end] = [time(item["start"]), time(item["end"])];
  // An item without readable times is served anyway: the client must cope with it (quarantine it).
  if (Number.isNaN(start) || Number.isNaN(end)) return true;
  return start < Date.parse(window.end) && end > Date.parse(window.start);
}

function expired(style: ExpiryStyle): Reply {
  if (style === "gone") return graphError(410, "Gone", "The delta token has expired.");
  if (style === "resyncRequired") return graphError(400, "resyncRequired", "The delta token is no longer valid, and the app must reset the sync state.");
  // Directory objects use 400 for it (vendor-apis.md §2.2); the sandbox answers Outlook items the same way.
  return graphError(400, "syncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.");
}

export function graphRoutes(backend: GraphBackend): Route[] {
  const delta = (stream: GraphStream, path: (req: SandboxRequest) => string) => async (req: SandboxRequest) => {
    const user = backend.userOf(req);
    return withMailbox(backend, user, () => deltaPage(backend, req, user, stream, path(req)));
  };
  return [
    route("GET", "/v1.0/me", (req) => {
      const user = backend.userOf(req);
      return json(200, { "@odata.context": `${backend.origin()}/v1.0/$metadata#users/$entity`, id: user.id, displayName: user.displayName, mail: user.mail, userPrincipalName: user.userPrincipalName });
    }),
    route("GET", "/v1.0/organization", (req) => {
      const tenant = backend.tenantOf(backend.userOf(req));
      return json(200, {
        "@odata.context": `${backend.origin()}/v1.0/$metadata#organization(verifiedDomains)`,
        value: [{ verifiedDomains: [{ capabilities: "Email, OfficeCommunicationsOnline", isDefault: true, isInitial: true, name: tenant.domain, type: "Managed" }] }],
      });
    }),
    route("GET", "/v1.0/users/delta", delta("users", () => "/users/delta")),
    route("GET", "/v1.0/me/mailFolders/:folder/messages/delta", async (req) => {
      const folder = (req.params["folder"] ?? "").toLowerCase();
      if (folder !== "inbox" && folder !== "sentitems") return graphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
      return delta(folder, () => `/me/mailFolders/${folder}/messages/delta`)(req);
    }),
    route("GET", "/v1.0/me/calendarView/delta", delta("calendar", () => "/me/calendarView/delta")),
  ];
}

const inFlight = new WeakMap<SandboxUser, number>();

async function withMailbox(backend: GraphBackend, user: SandboxUser, handle: () => Reply): Promise<Reply> {
  const count = (inFlight.get(user) ?? 0) + 1;
  inFlight.set(user, count);
  backend.inFlight(user, count);
  try {
    if (count > backend.quirks.maxInFlight) {
      return graphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", { "retry-after": "0.25" });
    }
    if (backend.quirks.latencyMs > 0) await sleep(backend.quirks.latencyMs);
    return handle();
  } finally {
    inFlight.set(user, (inFlight.get(user) ?? 1) - 1);
    backend.inFlight(user, inFlight.get(user) ?? 0);
  }
}

function deltaPage(backend: GraphBackend, req: SandboxRequest, user: SandboxUser, stream: GraphStream, path: string): Reply {
  const collection = backend.collection(user, stream);
  const q = req.query;
  const skip = q.get("$skiptoken");
  const deltaToken = q.get("$deltatoken");
  let token: Token;
  if (skip !== null || deltaToken !== null) {
    if (stream === "users" && deltaToken === "latest") {
      token = { g: collection.generation, since: collection.version, snap: collection.version, off: 0, e: true };
    } else {
      const decoded = decode(skip ?? deltaToken ?? "");
      if (decoded === undefined) return graphError(400, "BadRequest", "Invalid skip or delta token.");
      if (decoded.g !== collection.generation) return expired(backend.expiryStyle(user, stream));
      // A deltaLink starts a new round from its version; a nextLink continues its round.
      token = skip !== null ? decoded : { ...decoded, since: decoded.snap, snap: collection.version, off: 0, e: true };
    }
  } else {
    const select = q.get("$select") ?? undefined;
    let window: Token["w"];
    if (stream === "calendar") {
      if (select !== undefined) return graphError(400, "ErrorInvalidUrlQuery", "The following parameters are not supported with change tracking over the 'CalendarView' resource: '$select'.");
      const start = q.get("startDateTime");
      const end = q.get("endDateTime");
      if (start === null || end === null || Number.isNaN(Date.parse(start)) || Number.isNaN(Date.parse(end))) {
        return graphError(400, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
      }
      window = { start, end };
    }
    token = { g: collection.generation, since: 0, snap: collection.version, off: 0, ...(select === undefined ? {} : { sel: select }), ...(window ? { w: window } : {}) };
  }
  const size = pageSize(req);
  const link = (kind: "$skiptoken" | "$deltatoken", value: Token) => `${backend.origin()}/v1.0${path}?${kind}=${encode(value)}`;
  const base = { "@odata.context": `${backend.origin()}/v1.0/$metadata#Collection(${stream === "users" ? "user" : stream === "calendar" ? "event" : "message"})` };
  const headers = { "preference-applied": `odata.maxpagesize=${size}` };
  // A first round shows an empty page carrying a nextLink after its first page: clients must keep following.
  if (backend.quirks.emptyPages && token.since === 0 && token.off > 0 && token.e !== true) {
    return { ...json(200, { ...base, "@odata.nextLink": link("$skiptoken", { ...token, e: true }), value: [] }), headers };
  }
  const page = collection.page({
    since: token.since,
    snapshot: token.snap,
    offset: token.off,
    size,
    replay: backend.quirks.replays && token.since === 0,
    keep: (item) => inWindow(item, token.w),
  });
  const value = page.items.map((item) => project(item, token.sel));
  const body =
    page.next === undefined
      ? { ...base, "@odata.deltaLink": link("$deltatoken", { ...token, since: 0, off: 0, e: false }), value }
      : { ...base, "@odata.nextLink": link("$skiptoken", { ...token, off: page.next, e: false }), value };
  return { ...json(200, body), headers };
}
