/**
 * The sandbox's meetings and Fathom's `GET /meetings` over them: newest first, cursor pages of a fixed size (Fathom
 * has no page-size parameter; `limit` is echoed, `next_cursor` is null at the end), `created_after`/`created_before`
 * (exclusive), `calendar_invitees_domains_type`, `recorded_by[]`, `calendar_invitees_domains[]`, and `include_*`
 * flags that blank what was not asked for. The kit hands this page builder its content faults.
 */
import { domainOfEmail, normalizeEmail } from "@gtm-clarity/core";
import { hasContentFault, json, malformItems, SandboxHttpError, type Reply, type SandboxRequest } from "@gtm-clarity/testkit/sandbox";
import { z } from "zod";
import type { FathomApiMeeting } from "../api-schema.js";
import { malformMeeting } from "./data.js";

interface StoredMeeting {
  meeting: FathomApiMeeting;
  createdAtMs: number;
  recordingId: number;
}

/** Where a page ended: the last meeting's creation time and recording id (newest first, ties by id). */
const PageKeySchema = z.object({ t: z.number(), r: z.number() });
type PageKey = z.output<typeof PageKeySchema>;

const flag = z.enum(["true", "false"], { message: "must be true or false" }).optional();
const instant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), { message: "must be an ISO-8601 date-time" })
  .transform((value) => Date.parse(value))
  .optional();

/** Unknown parameters (a `limit`, say) are ignored, as Fathom ignores them. */
const ListQuerySchema = z.object({
  include_transcript: flag,
  include_summary: flag,
  include_action_items: flag,
  include_crm_matches: flag,
  created_after: instant,
  created_before: instant,
  calendar_invitees_domains_type: z.enum(["all", "only_internal", "one_or_more_external"]).default("all"),
  "recorded_by[]": z.array(z.string()).default([]),
  "calendar_invitees_domains[]": z.array(z.string()).default([]),
  cursor: z.string().optional(),
});
type ListQuery = z.output<typeof ListQuerySchema>;

/** Whether a request is "heavy", from its parameters' first values, before validation: anything but "true" is false. */
export function isHeavy(param: (name: string) => string | null | undefined): boolean {
  return param("include_transcript") === "true" || param("include_summary") === "true";
}

export const isHeavyRequest = (req: SandboxRequest): boolean => isHeavy((name) => req.query.get(name));

const encodeKey = (key: PageKey) => Buffer.from(JSON.stringify(key)).toString("base64url");

function decodeKey(cursor: string): PageKey {
  try {
    const key = PageKeySchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (key.success) return key.data;
  } catch {
    // not JSON: the same answer as the wrong JSON
  }
  throw new SandboxHttpError(400, "invalid cursor");
}

/** Whether a meeting comes after `key` in list order (newest first, ties by recording id, highest first). */
function isAfter(item: StoredMeeting | undefined, key: PageKey): boolean {
  return item !== undefined && (item.createdAtMs < key.t || (item.createdAtMs === key.t && item.recordingId < key.r));
}

function newestFirst(a: StoredMeeting, b: StoredMeeting): number {
  return b.createdAtMs - a.createdAtMs || b.recordingId - a.recordingId;
}

/** What Fathom sends for a meeting given the request's include flags. */
function present(meeting: FathomApiMeeting, query: ListQuery): FathomApiMeeting {
  const transcript = query.include_transcript === "true";
  return {
    ...meeting,
    calendar_invitees: meeting.calendar_invitees.map((invitee) => {
      if (transcript) return invitee;
      const { matched_speaker_display_name: _matched, ...rest } = invitee;
      return rest;
    }),
    transcript: transcript ? (meeting.transcript ?? null) : null,
    default_summary: query.include_summary === "true" ? (meeting.default_summary ?? null) : null,
    action_items: query.include_action_items === "true" ? (meeting.action_items ?? null) : null,
    crm_matches: query.include_crm_matches === "true" ? (meeting.crm_matches ?? null) : null,
  };
}

function matches(item: StoredMeeting, query: ListQuery): boolean {
  const { meeting, createdAtMs } = item;
  const recordedBy = query["recorded_by[]"].map((email) => email.toLowerCase());
  const domains = query["calendar_invitees_domains[]"].map((domain) => domain.toLowerCase());
  return (
    (query.created_after === undefined || createdAtMs > query.created_after) &&
    (query.created_before === undefined || createdAtMs < query.created_before) &&
    (query.calendar_invitees_domains_type === "all" || meeting.calendar_invitees_domains_type === query.calendar_invitees_domains_type) &&
    (recordedBy.length === 0 || recordedBy.includes(meeting.recorded_by.email.toLowerCase())) &&
    (domains.length === 0 || meeting.calendar_invitees.some((invitee) => domains.includes((invitee.email_domain ?? "").toLowerCase())))
  );
}

export class MeetingStore {
  #items: StoredMeeting[] = [];

  constructor(
    meetings: readonly FathomApiMeeting[],
    readonly pageSize: number,
  ) {
    this.insert(meetings);
  }

  insert(meetings: readonly FathomApiMeeting[]): void {
    const added = meetings.map((meeting) => ({ meeting, createdAtMs: Date.parse(meeting.created_at), recordingId: meeting.recording_id }));
    this.#items = [...this.#items, ...added].sort(newestFirst);
  }

  /** Newest first. */
  all(): FathomApiMeeting[] {
    return this.#items.map((item) => item.meeting);
  }

  /** Records a full sync must see: one activity per meeting, a person per email, an account per external domain. */
  distinctRecords(): number {
    const keys = new Set<string>();
    for (const { meeting } of this.#items) {
      keys.add(`activity:${meeting.recording_id}`);
      keys.add(`person:${normalizeEmail(meeting.recorded_by.email)}`);
      for (const invitee of meeting.calendar_invitees) {
        if (!invitee.email) continue;
        keys.add(`person:${normalizeEmail(invitee.email)}`);
        const domain = invitee.is_external ? domainOfEmail(invitee.email) : undefined;
        if (domain) keys.add(`account:${domain}`);
      }
    }
    return keys.size;
  }

  /** One page after `key` (the first page without one), and whether more follow. */
  #select(query: ListQuery, key: PageKey | undefined): { page: StoredMeeting[]; more: boolean } {
    const page: StoredMeeting[] = [];
    for (let index = key ? this.#firstAfter(key) : 0, item = this.#items[index]; item !== undefined; item = this.#items[++index]) {
      if (!matches(item, query)) continue;
      if (page.length === this.pageSize) return { page, more: true };
      page.push(item);
    }
    return { page, more: false };
  }

  /**
   * The index of the first meeting after `key` in list order, found by bisection as an index would find it: a deep
   * page costs what the first one costs, as it does on Fathom (a scan from the top made a full sync quadratic).
   */
  #firstAfter(key: PageKey): number {
    let low = 0;
    let high = this.#items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (isAfter(this.#items[middle], key)) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** `GET /meetings`. */
  list(req: SandboxRequest): Reply {
    if (hasContentFault(req.contentFaults, "malformed-page")) {
      return json(200, { limit: this.pageSize, next_cursor: 42, items: "this is not a list" });
    }
    const query = req.parseQuery(ListQuerySchema);
    const cursor = query.cursor === undefined || query.cursor === "" ? undefined : decodeKey(query.cursor);
    const { page, more } = this.#select(query, cursor);
    const cursorAfter = (items: readonly StoredMeeting[]) => {
      const last = items.at(-1);
      return last === undefined ? null : encodeKey({ t: last.createdAtMs, r: last.recordingId });
    };
    let next = more ? cursorAfter(page) : null;
    // A cursor that leads back: from the second page on, the next cursor is the one the first page gave (A -> B -> A).
    if (next !== null && cursor !== undefined && hasContentFault(req.contentFaults, "repeat-cursor")) {
      next = cursorAfter(this.#select(query, undefined).page);
    }
    req.count("meetingsServed", page.length);
    return json(200, {
      limit: this.pageSize,
      next_cursor: next,
      items: malformItems(
        page.map((item) => present(item.meeting, query)),
        req.contentFaults,
        { idOf: (meeting) => String(meeting.recording_id), malform: malformMeeting },
      ),
    });
  }
}
