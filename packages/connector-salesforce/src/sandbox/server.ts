/**
 * A loopback fake of Salesforce on testkit's sandbox kit, close enough to run the connector and jsforce unchanged
 * (vendor-apis.md §1.8): the login host (`oauth.ts`), `query`, `queryAll` and `nextRecordsUrl` paging with
 * `Sforce-Query-Options: batchSize` honoured, `totalSize` over all pages and `attributes` on every record,
 * `Sforce-Limit-Info` on every REST response and a 403 REQUEST_LIMIT_EXCEEDED once the daily allocation is used,
 * 401 INVALID_SESSION_ID for an expired or revoked session, sObject Collections, `GET /limits`, error bodies as
 * `[{message, errorCode}]`, and faults from a kit `FaultPlan`.
 */
import {
  FaultPlan,
  hasContentFault,
  json,
  malformItems,
  requireBearer,
  route,
  startSandboxServer,
  type Clock,
  type Reply,
  type RunningSandbox,
  type SandboxRequest,
  type SandboxStats,
} from "@gtm-clarity/testkit/sandbox";
import { SALESFORCE_OAUTH_ENV } from "../auth/oauth-flow.js";
import { SOBJECT_NAMES, SOBJECTS, type SObjectName } from "../objects/index.js";
import { SalesforceSettingsSchema, type SalesforceSettings } from "../settings.js";
import { CollectionBodySchema, isSandboxObject, saveCollection, type CollectionStore } from "./collections.js";
import { expectedRecordsOf } from "./expected.js";
import { makeRecord, sandboxData, sfDateTime, type SandboxData, type SandboxRecord } from "./data.js";
import { SandboxOAuthServer, type SandboxOAuthOptions } from "./oauth.js";
import { sfError } from "./errors.js";
import { replicationReply } from "./replication.js";
import { fieldsOf, matches, parseSoql, SoqlError, sortRows } from "./soql.js";

export interface SalesforceSandboxOptions extends SandboxOAuthOptions {
  /** Records per object. Default: `sandboxData({}, seed)`. */
  data?: Partial<SandboxData>;
  seed?: number;
  /** The most records a page holds whatever the batch size asks (wide rows make Salesforce send fewer). Default 2000. */
  maxPageSize?: number;
  /** The org's daily API allocation and how much of it is used already. Default 100,000 and 0. */
  apiLimit?: { max?: number; used?: number };
  /** How long a query locator lives without use. Default 15 minutes. */
  locatorIdleMs?: number;
  faults?: FaultPlan;
  clock?: Clock;
}

export interface SalesforceSandbox extends RunningSandbox<SalesforceSettings> {
  /** `SALESFORCE_CLIENT_ID` and `SALESFORCE_CLIENT_SECRET` of this sandbox's connected app. */
  oauthEnv(): Record<string, string>;
  readonly oauth: SandboxOAuthServer;
  /** The records of an object as stored (deleted and archived ones included). */
  records(object: SObjectName): SandboxRecord[];
  /** Adds or replaces a record (by Id), as if it changed at the source. */
  put(object: SObjectName, record: SandboxRecord): void;
  /** API calls counted against the allocation so far. */
  apiUsage(): { used: number; max: number };
  setApiUsage(used: number, max?: number): void;
  /** The next `times` writes of the row with this Id fail with UNABLE_TO_LOCK_ROW. */
  lockRow(id: string, times?: number): void;
  /** Every SOQL query received, in order. */
  queries(): string[];
  stats(): SandboxStats;
}

const API_VERSION = /^v\d{2,3}\.\d$/;


interface Locator {
  object: SObjectName;
  version: string;
  rows: Record<string, unknown>[];
  totalSize: number;
  pageSize: number;
  offset: number;
  lastUsed: number;
}

/** Ordered as the connector reads: by SystemModstamp, then Id (ASCII). */
function byModstamp(rows: SandboxRecord[]): SandboxRecord[] {
  return sortRows(rows, [
    { field: "SystemModstamp", desc: false },
    { field: "Id", desc: false },
  ]);
}

export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const clock: Clock = options.clock ?? Date.now;
  const generated = sandboxData({}, options.seed);
  const store = new Map<SObjectName, Map<string, SandboxRecord>>(
    SOBJECT_NAMES.map((object) => [object, new Map((options.data?.[object] ?? generated[object]).map((record) => [record.Id, record]))]),
  );
  const table = (object: SObjectName) => store.get(object) ?? new Map<string, SandboxRecord>();
  const oauth = new SandboxOAuthServer({ ...options, clock });
  const usage = { used: options.apiLimit?.used ?? 0, max: options.apiLimit?.max ?? 100_000 };
  const locators = new Map<string, Locator>();
  const locks = new Map<string, number>();
  const soqlLog: string[] = [];
  let locatorCount = 0;
  const idleMs = options.locatorIdleMs ?? 15 * 60_000;

  const isApi = (req: SandboxRequest) => /^\/services\/data\/v[^/]+\//.test(req.path) || req.path.startsWith("/id/");

  /** One page of a locator's rows, and the locator kept for the next; content faults applied. */
  const pageOf = (req: SandboxRequest, id: string, locator: Locator): Reply => {
    if (hasContentFault(req.contentFaults, "malformed-page")) return json(200, { records: "not a list", done: "maybe" });
    const start = locator.offset;
    const rows = locator.rows.slice(start, start + locator.pageSize);
    const nextOffset = start + rows.length;
    const done = nextOffset >= locator.rows.length;
    locator.offset = nextOffset;
    locator.lastUsed = clock();
    if (done) locators.delete(id);
    // A misbehaving server: the link it hands out is the one this page was fetched with.
    const repeat = start > 0 && hasContentFault(req.contentFaults, "repeat-cursor");
    const served = malformItems(rows, req.contentFaults, {
      idOf: (row) => (typeof row["Id"] === "string" ? row["Id"] : ""),
      malform: (row) => ({ ...row, Id: 42, SystemModstamp: "yesterday" }),
    });
    return json(200, {
      totalSize: locator.totalSize,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/${locator.version}/query/${id}-${repeat ? start : nextOffset}` }),
      records: served,
    });
  };

  const runQuery = (req: SandboxRequest, all: boolean): Reply => {
    const version = req.params["version"] ?? "";
    const q = req.query.get("q");
    if (q === null || q.trim() === "") return sfError(400, "MALFORMED_QUERY", "A query string has to be specified");
    soqlLog.push(q);
    req.count("queries");
    let query;
    try {
      query = parseSoql(q);
    } catch (error) {
      if (error instanceof SoqlError) return sfError(400, error.errorCode, error.message);
      throw error;
    }
    if (!isSandboxObject(query.object)) {
      return sfError(400, "INVALID_TYPE", `sObject type '${query.object}' is not supported.`);
    }
    const object = query.object;
    const known = new Set(SOBJECTS[object].fields);
    for (const field of fieldsOf(query)) {
      if (!known.has(field)) return sfError(400, "INVALID_FIELD", `No such column '${field}' on entity '${object}'.`);
    }
    // `query` hides deleted records and archived activities; `queryAll` returns both (vendor-apis.md §1.2).
    const visible = [...table(object).values()].filter(
      (row) => all || (row["IsDeleted"] !== true && row["IsArchived"] !== true),
    );
    const selected = sortRows(visible.filter((row) => matches(query.where, row)), query.orderBy).slice(0, query.limit);
    const rows = selected.map((row) => ({
      attributes: { type: object, url: `/services/data/${version}/sobjects/${object}/${row.Id}` },
      ...Object.fromEntries(query.fields.map((field) => [field, row[field] ?? null])),
    }));
    const asked = /batchSize=(\d+)/.exec(req.header("sforce-query-options") ?? "");
    const batch = asked === null ? 2000 : Math.min(2000, Math.max(200, Number(asked[1])));
    const pageSize = Math.max(1, Math.min(batch, options.maxPageSize ?? 2000));
    locatorCount += 1;
    const id = `01g${String(locatorCount).padStart(15, "0")}`;
    const locator: Locator = { object, version, rows, totalSize: rows.length, pageSize, offset: 0, lastUsed: clock() };
    locators.set(id, locator);
    return pageOf(req, id, locator);
  };

  const queryMore = (req: SandboxRequest): Reply => {
    req.count("queryMore");
    const match = /^(01g\d+)-(\d+)$/.exec(req.params["locator"] ?? "");
    const locator = match === null ? undefined : locators.get(match[1] ?? "");
    if (match === null || locator === undefined || locator.offset !== Number(match[2]) || clock() - locator.lastUsed > idleMs) {
      if (match !== null) locators.delete(match[1] ?? "");
      return sfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    return pageOf(req, match[1] ?? "", locator);
  };

  const collectionStore: CollectionStore = {
    find: (object, id) => table(object).get(id),
    findBy: (object, field, value) => [...table(object).values()].filter((row) => row[field] === value),
    save: (object, record) => void table(object).set(record.Id, record),
    count: (object) => table(object).size,
    takeLock: (key) => {
      const left = locks.get(key) ?? 0;
      if (left <= 0) return false;
      locks.set(key, left - 1);
      return true;
    },
    now: () => sfDateTime(clock()),
  };

  const collections = async (req: SandboxRequest, upsert: boolean): Promise<Reply> => {
    req.count("collections");
    let body;
    try {
      body = await req.json(CollectionBodySchema);
    } catch {
      return sfError(400, "JSON_PARSER_ERROR", "the request body is not a collection of sObjects");
    }
    if (body.records.length > 200) {
      return sfError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
    }
    if (!upsert) return json(200, saveCollection(collectionStore, body, { kind: "update" }));
    const object = req.params["object"];
    const field = req.params["field"] ?? "";
    if (!isSandboxObject(object)) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
    return json(200, saveCollection(collectionStore, body, { kind: "upsert", object, field }));
  };

  const replication = (req: SandboxRequest, kind: "updated" | "deleted"): Reply => {
    const object = req.params["object"];
    if (!isSandboxObject(object)) return sfError(404, "NOT_FOUND", "The requested resource does not exist");
    return replicationReply(req, [...table(object).values()], kind, clock);
  };

  const withVersion =
    (handler: (req: SandboxRequest) => Reply | Promise<Reply>) =>
    (req: SandboxRequest): Reply | Promise<Reply> =>
      API_VERSION.test(req.params["version"] ?? "") ? handler(req) : sfError(404, "NOT_FOUND", "The requested resource does not exist");

  const server = await startSandboxServer({
    routes: [
      ...oauth.routes(),
      route("GET", "/services/data", () => json(200, [{ label: "Spring '26", url: "/services/data/v66.0", version: "66.0" }]), { public: true }),
      route("GET", "/services/data/:version/query", withVersion((req) => runQuery(req, false)), { contentFaults: true }),
      route("GET", "/services/data/:version/queryAll", withVersion((req) => runQuery(req, true)), { contentFaults: true }),
      route("GET", "/services/data/:version/query/:locator", withVersion(queryMore), { contentFaults: true }),
      route("GET", "/services/data/:version/limits", withVersion(() =>
        json(200, { DailyApiRequests: { Max: usage.max, Remaining: Math.max(0, usage.max - usage.used) } }),
      )),
      route("GET", "/services/data/:version/sobjects/:object/updated", withVersion((req) => replication(req, "updated"))),
      route("GET", "/services/data/:version/sobjects/:object/deleted", withVersion((req) => replication(req, "deleted"))),
      route("PATCH", "/services/data/:version/composite/sobjects", withVersion((req) => collections(req, false))),
      route("PATCH", "/services/data/:version/composite/sobjects/:object/:field", withVersion((req) => collections(req, true))),
    ],
    guards: [
      requireBearer(oauth.accessTokens, () => sfError(401, "INVALID_SESSION_ID", "Session expired or invalid")),
      (req) => {
        if (!isApi(req)) return undefined;
        if (usage.used >= usage.max) {
          req.responseHeaders["sforce-limit-info"] = `api-usage=${usage.used}/${usage.max}`;
          return { ...sfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), outcome: "rate-limited" };
        }
        usage.used += 1;
        req.responseHeaders["sforce-limit-info"] = `api-usage=${usage.used}/${usage.max}`;
        return undefined;
      },
    ],
    errorReply: ({ status, message, code }) => sfError(status, code === undefined ? "UNKNOWN_EXCEPTION" : code.toUpperCase(), message),
    faults: options.faults ?? new FaultPlan(),
    counters: ["queries", "queryMore", "collections"],
    clock,
  });
  oauth.setBaseUrl(server.url);
  const initial = oauth.issue();

  const credentials = {
    accessToken: initial.accessToken,
    refreshToken: initial.refreshToken,
    instanceUrl: server.url,
    loginUrl: server.url,
    identityUrl: oauth.identityUrl,
    issuedAt: String(clock()),
    organizationId: oauth.organizationId,
    userId: oauth.userId,
  };
  const all = (object: SObjectName) => byModstamp([...table(object).values()]);

  return {
    url: server.url,
    oauth,
    oauthEnv: () => ({
      [SALESFORCE_OAUTH_ENV.clientId]: oauth.clientId,
      [SALESFORCE_OAUTH_ENV.clientSecret]: oauth.clientSecret,
    }),
    settings: () =>
      SalesforceSettingsSchema.parse({ loginUrl: server.url, organizationId: oauth.organizationId, userId: oauth.userId }),
    credentials,
    badCredentials: { ...credentials, accessToken: `${oauth.organizationId}!AQrevoked`, refreshToken: "5Aeprevoked" },
    get expectedRecords() {
      return expectedRecordsOf(Object.fromEntries(SOBJECT_NAMES.map((object) => [object, all(object)])) as SandboxData);
    },
    records: all,
    put(object, record) {
      table(object).set(record.Id, record);
    },
    async addNewData(count) {
      // New Contacts stamped after everything there: what an incremental sync must pick up.
      const contacts = table("Contact");
      const latest = Math.max(...[...contacts.values()].map((row) => Date.parse(row.SystemModstamp.replace("+0000", "Z"))), 0);
      for (let index = 0; index < count; index += 1) {
        const record = makeRecord("Contact", contacts.size, options.seed);
        contacts.set(record.Id, { ...record, IsDeleted: false, SystemModstamp: sfDateTime(latest + 60_000) });
      }
      return count;
    },
    apiUsage: () => ({ ...usage }),
    setApiUsage(used, max) {
      usage.used = used;
      if (max !== undefined) usage.max = max;
    },
    lockRow(id, times = 1) {
      locks.set(id, (locks.get(id) ?? 0) + times);
    },
    queries: () => [...soqlLog],
    faults: server.faults,
    stats: () => server.stats(),
    close: () => server.close(),
  };
}
