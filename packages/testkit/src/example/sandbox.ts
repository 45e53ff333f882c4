/**
 * The example source's sandbox: a loopback HTTP server with seeded accounts, people and activities that behaves
 * like a small vendor API. Bearer API-key auth (401 otherwise), `updated_after` filtering, opaque cursor paging,
 * 400s for bad parameters, and a single 429 with a fractional Retry-After on one page.
 *
 * Data is generated deterministically from indices; timestamps come from a logical clock (one minute per write)
 * so `updated_after` filtering is exact and independent of the wall clock.
 */
import { randomBytes } from "node:crypto";
import type { Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import {
  FaultPlan,
  json,
  requireHeaders,
  route,
  SandboxHttpError,
  startSandboxServer,
  type Reply,
  type SandboxRequest,
} from "../sandbox/index.js";
import {
  EXAMPLE_ACTIVITY_TYPES,
  EXAMPLE_MAX_PAGE_SIZE,
  EXAMPLE_STREAMS,
  type ExampleAccount,
  type ExampleActivity,
  type ExamplePerson,
  type ExampleRowByStream,
  type ExampleStream,
} from "./api.js";

export interface ExampleSandboxOptions {
  /** Seeded rows per stream. Defaults: 12 accounts, 40 people, 90 activities. */
  accounts?: number;
  people?: number;
  activities?: number;
  /** Default page size when the client sends no `limit`. Default 25. */
  defaultPageSize?: number;
  /** Answer 429 once, to the first request for this page (1-based) of this stream; `false` disables. */
  rateLimitOnce?: { stream: ExampleStream; page: number } | false;
  /** Retry-After sent with that 429, in (fractional) seconds. Default "0.05". */
  retryAfter?: string;
  /** Delay before every response, to make a demo watchable. Default 0. */
  latencyMs?: number;
  /** Fixed API key; default a random `exk_test_...` key. */
  apiKey?: string;
}

export interface ExampleSandbox {
  /** Server origin, e.g. `http://127.0.0.1:53121`. */
  readonly url: string;
  /** API base URL (`${url}/v1`), what the connector's `baseUrl` credential points at. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** `{ apiKey, baseUrl }` the sandbox accepts. */
  readonly credentials: Credentials;
  /** Same shape, wrong key: every request gets a 401. */
  readonly badCredentials: Credentials;
  /** Rows held across all streams (one of them fails canonical validation and is quarantined by a sync). */
  readonly expectedRecords: number;
  /** Requests received, and how many were answered with 429. */
  readonly requests: number;
  readonly rateLimited: number;
  counts(): Record<ExampleStream, number>;
  /** Adds an activity (as a live source would); returns it. */
  addActivity(fields?: Partial<Omit<ExampleActivity, "id" | "created_at" | "updated_at">>): ExampleActivity;
  /** Changes a person and bumps its `updated_at`; returns the new row. */
  updatePerson(id: string, changes: Partial<Omit<ExamplePerson, "id" | "created_at" | "updated_at">>): ExamplePerson;
  close(): Promise<void>;
}

const EPOCH = Date.UTC(2024, 0, 1, 9, 0, 0);
const MINUTE = 60_000;
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Oscorp"];
const INDUSTRIES = ["Software", "Manufacturing", "Healthcare", "Financial Services", "Retail"];
const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Linus"];
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman", "Torvalds"];
const TITLES = ["VP Sales", "Account Executive", "Head of Marketing", "CTO", "Revenue Operations Manager", null];
/** Index of the seeded person whose email is malformed: a correct connector quarantines it. */
const MALFORMED_EMAIL_PERSON = 16;

function pick<T>(list: readonly T[], index: number): T {
  const value = list[index % list.length];
  if (value === undefined) throw new Error("pick() from an empty list");
  return value;
}

const pad = (n: number) => String(n).padStart(4, "0");
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "");

interface Tables {
  accounts: ExampleAccount[];
  people: ExamplePerson[];
  activities: ExampleActivity[];
}

function seed(counts: Record<ExampleStream, number>): { tables: Tables; clock: number } {
  let tick = 0;
  const at = () => new Date(EPOCH + tick++ * MINUTE).toISOString();
  const accounts: ExampleAccount[] = [];
  for (let i = 0; i < counts.accounts; i += 1) {
    const company = pick(COMPANIES, i) + (i >= COMPANIES.length ? ` ${Math.floor(i / COMPANIES.length) + 1}` : "");
    const stamp = at();
    accounts.push({
      id: `acc_${pad(i + 1)}`,
      name: company,
      website: i % 3 === 0 ? `https://www.${slug(company)}.com/` : `${slug(company)}.com`,
      industry: pick(INDUSTRIES, i),
      employees: 10 + i * 37,
      created_at: stamp,
      updated_at: stamp,
    });
  }
  const people: ExamplePerson[] = [];
  for (let i = 0; i < counts.people; i += 1) {
    const first = pick(FIRST_NAMES, i);
    const last = pick(LAST_NAMES, i * 3 + 1);
    const account = accounts.length > 0 ? pick(accounts, i) : undefined;
    const domain = account?.website?.replace(/^https?:\/\/(www\.)?/, "").replace(/\/$/, "") ?? "example.org";
    const email =
      i === MALFORMED_EMAIL_PERSON
        ? "not-an-email"
        : i % 5 === 0
          ? `  ${first}.${last}${i}@${domain.toUpperCase()} `
          : `${first.toLowerCase()}.${last.toLowerCase()}${i}@${domain}`;
    const stamp = at();
    people.push({
      id: `per_${pad(i + 1)}`,
      email,
      first_name: first,
      last_name: last,
      job_title: pick(TITLES, i),
      phone: i % 4 === 0 ? `+1 555 01${pad(i).slice(2)}` : null,
      company_id: account?.id ?? null,
      deleted: i === counts.people - 1 && counts.people > 1,
      created_at: stamp,
      updated_at: stamp,
    });
  }
  const activities: ExampleActivity[] = [];
  for (let i = 0; i < counts.activities; i += 1) {
    const type = pick(EXAMPLE_ACTIVITY_TYPES, i);
    const person = people.length > 0 ? pick(people, i * 7) : undefined;
    const stamp = at();
    activities.push({
      id: `act_${pad(i + 1)}`,
      type,
      person_id: person?.id ?? null,
      company_id: person?.company_id ?? null,
      subject: type === "page_view" ? "/pricing" : type === "meeting" ? `Discovery call #${i}` : `Follow-up ${i}`,
      occurred_at: new Date(EPOCH - (counts.activities - i) * 3 * MINUTE).toISOString(),
      duration_seconds: type === "meeting" ? 1800 + (i % 4) * 300 : null,
      created_at: stamp,
      updated_at: stamp,
    });
  }
  return { tables: { accounts, people, activities }, clock: tick };
}

interface PageCursor {
  /** Offset into the filtered, ordered rows. */
  o: number;
  /** The `updated_after` the cursor was issued for: mixing them is a client bug the sandbox reports. */
  u: string | null;
}

const PageCursorSchema = z.object({ o: z.number().int().min(0), u: z.string().nullable() });

function encodePageCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodePageCursor(value: string): PageCursor | undefined {
  try {
    const parsed = PageCursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

interface ListQuery {
  limit: number;
  updatedAfter: string | null;
  after: number;
  offset: number;
}

/** The list parameters, validated; a 400 in the example's error format otherwise. */
function listQuery(query: URLSearchParams, defaultPageSize: number): ListQuery {
  const limitParam = query.get("limit");
  const limit = limitParam === null ? defaultPageSize : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > EXAMPLE_MAX_PAGE_SIZE) {
    throw new SandboxHttpError(400, `limit must be an integer from 1 to ${EXAMPLE_MAX_PAGE_SIZE}`, { code: "invalid_limit" });
  }
  const updatedAfter = query.get("updated_after");
  const after = updatedAfter === null ? Number.NEGATIVE_INFINITY : Date.parse(updatedAfter);
  if (Number.isNaN(after)) {
    throw new SandboxHttpError(400, "updated_after must be an ISO 8601 timestamp", { code: "invalid_updated_after" });
  }
  const cursorParam = query.get("cursor");
  const cursor = cursorParam === null ? { o: 0, u: updatedAfter } : decodePageCursor(cursorParam);
  if (cursor === undefined || cursor.u !== updatedAfter) {
    throw new SandboxHttpError(400, "cursor is malformed or was issued for other filters", { code: "invalid_cursor" });
  }
  return { limit, updatedAfter, after, offset: cursor.o };
}

const isStream = (value: string | undefined): value is ExampleStream => EXAMPLE_STREAMS.some((stream) => stream === value);

export async function startExampleSandbox(options: ExampleSandboxOptions = {}): Promise<ExampleSandbox> {
  const counts = {
    accounts: options.accounts ?? 12,
    people: options.people ?? 40,
    activities: options.activities ?? 90,
  };
  const seeded = seed(counts);
  const tables = seeded.tables;
  let clock = seeded.clock;
  const tick = () => new Date(EPOCH + clock++ * MINUTE).toISOString();
  const apiKey = options.apiKey ?? `exk_test_${randomBytes(16).toString("hex")}`;
  const defaultPageSize = options.defaultPageSize ?? 25;
  const rateLimitOnce = options.rateLimitOnce ?? { stream: "people", page: 2 };

  const faults = new FaultPlan();
  if (options.latencyMs) faults.always({ kind: "latency", ms: options.latencyMs });
  if (rateLimitOnce !== false) {
    // The first request for that page (whatever else it asks) is refused once, as a budget shared with others would.
    faults.once(
      {
        kind: "status",
        status: 429,
        body: { error: "rate_limited", message: "Too many requests" },
        headers: { "retry-after": options.retryAfter ?? "0.05" },
      },
      (req) => {
        if (req.params["stream"] !== rateLimitOnce.stream) return false;
        try {
          const query = listQuery(req.query, defaultPageSize);
          return query.offset === (rateLimitOnce.page - 1) * query.limit;
        } catch {
          return false;
        }
      },
    );
  }

  const list = (req: SandboxRequest): Reply => {
    const stream = req.params["stream"];
    if (!isStream(stream)) throw new SandboxHttpError(404, `no stream ${String(stream)}`, { code: "not_found" });
    const { limit, updatedAfter, after, offset } = listQuery(req.query, defaultPageSize);
    const table: readonly ExampleRowByStream[ExampleStream][] = tables[stream];
    const rows = [...table]
      .filter((row) => Date.parse(row.updated_at) > after)
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id.localeCompare(b.id));
    const nextOffset = offset + limit;
    return json(200, {
      data: rows.slice(offset, nextOffset),
      next_cursor: nextOffset < rows.length ? encodePageCursor({ o: nextOffset, u: updatedAfter }) : null,
    });
  };

  const server = await startSandboxServer({
    basePath: "/v1",
    routes: [route("GET", "/me", () => json(200, { workspace: "Example Workspace", plan: "sandbox" })), route("GET", "/:stream", list)],
    guards: [
      requireHeaders({ authorization: `Bearer ${apiKey}` }, () =>
        json(401, { error: "invalid_api_key", message: "Missing or invalid API key" }, { "www-authenticate": 'Bearer realm="example"' }),
      ),
    ],
    faults,
    errorReply: ({ status, message, code }) => json(status, { error: code ?? `http_${status}`, message }),
  });
  const baseUrl = server.baseUrl;
  const total = () => tables.accounts.length + tables.people.length + tables.activities.length;

  return {
    url: server.url,
    baseUrl,
    apiKey,
    credentials: { apiKey, baseUrl },
    badCredentials: { apiKey: `exk_test_revoked_${"0".repeat(24)}`, baseUrl },
    get expectedRecords() {
      return total();
    },
    get requests() {
      return server.stats().requests;
    },
    get rateLimited() {
      return server.stats().rateLimited;
    },
    counts: () => ({ accounts: tables.accounts.length, people: tables.people.length, activities: tables.activities.length }),
    addActivity(fields = {}) {
      const stamp = tick();
      const activity: ExampleActivity = {
        type: "meeting",
        person_id: tables.people[0]?.id ?? null,
        company_id: tables.people[0]?.company_id ?? null,
        subject: "Added while syncing",
        occurred_at: stamp,
        duration_seconds: null,
        ...fields,
        id: `act_${pad(tables.activities.length + 1)}`,
        created_at: stamp,
        updated_at: stamp,
      };
      tables.activities.push(activity);
      return activity;
    },
    updatePerson(id, changes) {
      const index = tables.people.findIndex((person) => person.id === id);
      const current = tables.people[index];
      if (current === undefined) throw new Error(`No person ${id} in the example sandbox`);
      const updated: ExamplePerson = { ...current, ...changes, id, updated_at: tick() };
      tables.people[index] = updated;
      return updated;
    },
    close: () => server.close(),
  };
}
