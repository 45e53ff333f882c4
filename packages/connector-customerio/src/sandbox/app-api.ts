/**
 * The App API routes of the sandbox: the activity log (`GET /v1/activities`), people search (`POST /v1/customers`)
 * and attributes (`POST /v1/customers/attributes`), with Customer.io's paging (`start` in, `next` out, empty when
 * done), its limits (100 activities, 1,000 identifiers, 100 people per attributes call; 400 beyond) and its
 * `{"meta":{"error"}}` error bodies. The log serves 30 days of history, newest first.
 */
import {
  hasContentFault,
  json,
  malformItems,
  route,
  SandboxHttpError,
  type Reply,
  type Route,
  type SandboxRequest,
} from "@gtm-clarity/testkit/sandbox";
import { z } from "zod";
import { DAY_SECONDS, HISTORY_DAYS, toActivity, type SandboxEvent, type SandboxPerson } from "./data.js";

export const cioError = (status: number, message: string): Reply => json(status, { meta: { error: message } });

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeToken<T>(token: string, schema: z.ZodType<T>): T {
  try {
    return schema.parse(JSON.parse(Buffer.from(token, "base64url").toString("utf8")));
  } catch {
    throw new SandboxHttpError(400, "start is not a token this API returned");
  }
}

function limitOf(req: SandboxRequest, fallback: number, max: number): number {
  const raw = req.query.get("limit");
  if (raw === null) return fallback;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new SandboxHttpError(400, `limit must be between 1 and ${max}`);
  return limit;
}

/** Keyset token: the (timestamp, id) of the last entry served, so entries added at the head never shift a page. */
const LogToken = z.object({ t: z.number(), id: z.string() });

type Filter =
  | { and: Filter[] }
  | { or: Filter[] }
  | { not: Filter }
  | { segment: { id: number } }
  | { attribute: { field: string; operator: "eq" | "exists"; value?: string | undefined } };

const FilterSchema: z.ZodType<Filter> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(FilterSchema).min(1) }).strict(),
    z.object({ or: z.array(FilterSchema).min(1) }).strict(),
    z.object({ not: FilterSchema }).strict(),
    z.object({ segment: z.object({ id: z.number().int() }) }).strict(),
    z.object({ attribute: z.object({ field: z.string().min(1), operator: z.enum(["eq", "exists"]), value: z.string().optional() }) }).strict(),
  ]),
);

/** Segment n holds every n-th person (so a segment filter has something to select). */
function matches(filter: Filter, person: SandboxPerson, index: number): boolean {
  if ("and" in filter) return filter.and.every((inner) => matches(inner, person, index));
  if ("or" in filter) return filter.or.some((inner) => matches(inner, person, index));
  if ("not" in filter) return !matches(filter.not, person, index);
  if ("segment" in filter) return index % filter.segment.id === 0;
  const value = person.attributes[filter.attribute.field];
  return filter.attribute.operator === "exists" ? value !== undefined : value === filter.attribute.value;
}

export interface WorkspaceView {
  people(): readonly SandboxPerson[];
  /** Newest first. */
  events(): readonly SandboxEvent[];
  nowSeconds(): number;
}

function identifiers(person: SandboxPerson) {
  return { id: person.id, email: person.email, cio_id: person.cio_id };
}

export function customerRecord(person: SandboxPerson) {
  return {
    id: person.id === "" ? null : person.id,
    identifiers: identifiers(person),
    attributes: person.attributes,
    timestamps: person.timestamps,
    unsubscribed: person.unsubscribed,
    devices: [],
  };
}

export function appApiRoutes(workspace: WorkspaceView): Route[] {
  const activities = (req: SandboxRequest): Reply => {
    req.count("activityRequests");
    if (hasContentFault(req.contentFaults, "malformed-page")) return json(200, { activities: "unavailable" });
    const limit = limitOf(req, 50, 100);
    const oldest = workspace.nowSeconds() - HISTORY_DAYS * DAY_SECONDS;
    const type = req.query.get("type");
    const name = req.query.get("name");
    const start = req.query.get("start");
    const after = start === null || start === "" ? undefined : decodeToken(start, LogToken);
    const filtered = type === null && name === null;
    const page: SandboxEvent[] = [];
    let more = false;
    // The log is newest first: walk it once, stop as soon as the page is full and one more entry exists.
    for (const event of workspace.events()) {
      if (event.timestamp < oldest) break;
      if (after !== undefined && !(event.timestamp < after.t || (event.timestamp === after.t && event.activityId < after.id))) continue;
      if (!filtered) {
        const entry = toActivity(event);
        if ((type !== null && entry["type"] !== type) || (name !== null && entry["name"] !== name)) continue;
      }
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push(event);
    }
    const last = page.at(-1);
    let next = more && last !== undefined ? encodeToken({ t: last.timestamp, id: last.activityId }) : "";
    if (next !== "" && start !== null && hasContentFault(req.contentFaults, "repeat-cursor")) next = start;
    const items = malformItems(page.map(toActivity), req.contentFaults, {
      idOf: (entry) => String(entry["id"]),
      malform: (entry) => ({ ...entry, timestamp: "yesterday" }),
    });
    return json(200, { activities: items, next });
  };

  const search = async (req: SandboxRequest): Promise<Reply> => {
    req.count("searchRequests");
    const body = await req.json(z.object({ filter: FilterSchema }));
    const limit = limitOf(req, 50, 1000);
    const start = req.query.get("start");
    const offset = start === null || start === "" ? 0 : decodeToken(start, z.object({ o: z.number().int().min(0) })).o;
    const all = workspace.people().filter((person, index) => matches(body.filter, person, index));
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? encodeToken({ o: offset + limit }) : "";
    return json(200, {
      identifiers: page.map(identifiers),
      ids: page.filter((person) => person.id !== "").map((person) => person.id),
      next,
    });
  };

  const attributes = async (req: SandboxRequest): Promise<Reply> => {
    req.count("attributeRequests");
    const body = await req.json(z.object({ ids: z.array(z.string()).min(1) }));
    if (body.ids.length > 100) return cioError(400, "ids: at most 100 people per request");
    const idType = req.query.get("id_type") ?? "id";
    if (idType !== "id" && idType !== "cio_id" && idType !== "email") return cioError(400, "id_type must be id, email or cio_id");
    const byKey = new Map(workspace.people().map((person) => [idType === "id" ? person.id : idType === "email" ? person.email : person.cio_id, person]));
    const customers = body.ids.flatMap((id) => {
      const person = byKey.get(id);
      return person === undefined || id === "" ? [] : [customerRecord(person)];
    });
    return json(200, { customers });
  };

  return [
    route("GET", "/v1/activities", activities, { contentFaults: true }),
    route("POST", "/v1/customers", search, { contentFaults: true }),
    route("POST", "/v1/customers/attributes", attributes),
  ];
}
