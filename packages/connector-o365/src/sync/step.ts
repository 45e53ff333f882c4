/**
 * One `sync` call: one Graph page of one stream. A run walks every stream to its deltaLink; each stream keeps its own
 * links, and its known ids so that a full resync (after an expired token) can tombstone what disappeared.
 * Items replayed within a page are absorbed here (last one wins), across pages by the store's upserts.
 */
import { PagingLoopError, TransientError, type CanonicalRecord, type HttpClient, type QuarantinedRecord } from "@gtm-clarity/core";
import type { O365Settings } from "../settings.js";
import { hashId } from "../transform/ids.js";
import { tombstoneFor, transformItem, type TransformContext } from "../transform/items.js";
import { idSet, packIds, type O365Cursor, type StreamState } from "./cursor.js";
import { fetchDeltaPage } from "./delta.js";
import { domainsStale, fetchVerifiedDomains } from "./domains.js";
import { calendarWindow, initialUrl, STREAM_NAMES, type StreamName } from "./streams.js";

export interface StepInput {
  client: HttpClient;
  accessToken: string;
  settings: O365Settings;
  cursor: O365Cursor;
  fullSync: boolean;
  now: Date;
  signal?: AbortSignal;
}

export interface StepResult {
  cursor: O365Cursor;
  stream: StreamName;
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
  hasMore: boolean;
  counts: Record<string, number>;
  notices: string[];
}

function sameWindow(a: { start: string; end: string } | undefined, b: { start: string; end: string }): boolean {
  return a !== undefined && a.start === b.start && a.end === b.end;
}

/** Where this page of `stream` comes from, and the state with any new round begun. */
function plan(stream: StreamName, state: StreamState, input: StepInput): { url: string; state: StreamState } {
  const window = calendarWindow(input.settings, input.now);
  if (state.nextLink !== undefined) return { url: state.nextLink, state };
  if (stream === "calendar" && state.deltaLink !== undefined && !sameWindow(state.window, window)) {
    const { deltaLink: _stale, ...rest } = state;
    const moved = { ...rest, mode: "window" as const, added: "", removed: "", links: "", window };
    return { url: initialUrl(stream, input.settings, window), state: moved };
  }
  if (state.deltaLink !== undefined) return { url: state.deltaLink, state: { ...state, mode: "delta" } };
  const fresh = { ...state, added: "", removed: "", links: "", ...(stream === "calendar" ? { window } : {}) };
  return { url: initialUrl(stream, input.settings, window), state: fresh };
}

/** A run begins: every stream pending, the domains refreshed when stale, everything re-read on a full sync. */
async function beginRun(input: StepInput): Promise<O365Cursor> {
  let cursor: O365Cursor = { ...input.cursor, pending: [...STREAM_NAMES], full: input.fullSync };
  if (input.fullSync) {
    const streams: O365Cursor["streams"] = {};
    for (const name of STREAM_NAMES) {
      const known = cursor.streams[name]?.known ?? "";
      streams[name] = { mode: "resync", known, added: "", removed: "", links: "" };
    }
    cursor = { ...cursor, streams };
  }
  if (input.fullSync || domainsStale(cursor.domainsCheckedAt, input.now)) {
    const domains = await fetchVerifiedDomains(input.client, input.accessToken, input.signal);
    cursor = { ...cursor, domains, domainsCheckedAt: input.now.toISOString() };
  }
  return cursor;
}

/**
 * One page of the current stream; a stream that ends with nothing new hands over to the next within the same call,
 * so an incremental sync with nothing to do is one call of one request per stream.
 */
export async function syncStep(input: StepInput): Promise<StepResult> {
  let cursor = input.cursor;
  if (cursor.pending.length === 0 || (input.fullSync && !cursor.full)) cursor = await beginRun(input);
  const counts: Record<string, number> = {};
  const notices: string[] = [];
  for (;;) {
    const page = await streamPage(input, cursor);
    for (const [name, count] of Object.entries(page.counts)) counts[name] = (counts[name] ?? 0) + count;
    notices.push(...page.notices);
    const ended = page.cursor.pending.length < cursor.pending.length;
    cursor = page.cursor;
    if (!ended || !page.hasMore || page.records.length > 0 || page.quarantined.length > 0) {
      return { ...page, counts, notices };
    }
  }
}

async function streamPage(input: StepInput, cursor: O365Cursor): Promise<StepResult> {
  const stream = cursor.pending[0] ?? "users";
  const notices: string[] = [];
  const counts: Record<string, number> = {};
  const add = (name: string, by = 1) => (counts[name] = (counts[name] ?? 0) + by);

  let planned = plan(stream, cursor.streams[stream] ?? { mode: "resync", known: "", added: "", removed: "", links: "" }, input);
  let result = await fetchDeltaPage(input.client, planned.url, input.accessToken, input.settings.pageSize, input.signal);
  if (result.kind === "expired") {
    // Discard the token and read the stream from scratch; its end reconciles the id sets.
    notices.push(`Microsoft 365 ${stream}: the delta token expired (${result.reason}); the stream was read again in full`);
    add(`resync.${stream}`);
    const state = planned.state;
    planned = plan(stream, { mode: "resync", known: state.known, added: "", removed: "", links: "" }, input);
    result = await fetchDeltaPage(input.client, planned.url, input.accessToken, input.settings.pageSize, input.signal);
    if (result.kind === "expired") throw new TransientError(`Graph refused a fresh ${stream} delta round (${result.reason})`);
  }
  if (result.kind === "no-mailbox") {
    // Nothing to read here; the stream keeps its state and is tried again next run (one request).
    notices.push(`Microsoft 365 ${stream}: the user has no Exchange Online mailbox (MailboxNotEnabledForRESTAPI); skipped`);
    add(`skipped.noMailbox`);
    const pending = cursor.pending.slice(1);
    return { cursor: { ...cursor, pending, full: pending.length > 0 && cursor.full }, stream, records: [], quarantined: [], hasMore: pending.length > 0, counts, notices };
  }
  let state = planned.state;

  const context: TransformContext = {
    domains: new Set(cursor.domains),
    includeSubjects: input.settings.includeSubjects,
    observedAt: input.now,
  };
  const byId = new Map<string, CanonicalRecord>();
  const quarantined: QuarantinedRecord[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  for (const raw of result.items) {
    const item = transformItem(stream, raw, context);
    switch (item.kind) {
      case "quarantined":
        quarantined.push(item.quarantined);
        break;
      case "skipped":
        add(`skipped.${item.reason}`);
        break;
      case "removed":
      case "change":
        (item.kind === "removed" ? removed : added).push(item.externalId);
        if (item.kind === "removed") add(`removed.${stream}`);
        for (const record of item.records) byId.set(`${record.kind}:${record.externalId}`, record);
        break;
    }
  }
  add("items", result.items.length);
  const appended = {
    added: [state.added, ...added].filter((part) => part !== "").join(" "),
    removed: [state.removed, ...removed].filter((part) => part !== "").join(" "),
  };

  let pending = cursor.pending;
  if (result.deltaLink !== undefined) {
    const { known, tombstones } = endOfRound(state.mode, idSet(state.known), idSet(appended.added), idSet(appended.removed));
    for (const externalId of tombstones) {
      // Id-set reconciliation: what the stream held and a full read did not see is gone at the source.
      const tombstone = tombstoneFor(stream, externalId, "deleted", input.now);
      byId.set(`${tombstone.kind}:${externalId}`, tombstone);
      add(`reconciled.${stream}`);
    }
    state = { mode: "delta", deltaLink: result.deltaLink, known: packIds(known), added: "", removed: "", links: "", ...(state.window ? { window: state.window } : {}) };
    pending = pending.slice(1);
  } else {
    const link = result.nextLink ?? "";
    const seenLinks = state.links === "" ? [] : state.links.split(" ");
    if (seenLinks.includes(hashId(link))) {
      throw new PagingLoopError("o365", `Graph handed out a ${stream} nextLink it had already given in this round: paging would loop`, {
        details: { stream, pages: seenLinks.length + 1 },
      });
    }
    state = { ...state, nextLink: link, ...appended, links: [...seenLinks, hashId(link)].join(" ") };
  }
  return {
    cursor: { ...cursor, pending, full: pending.length > 0 && cursor.full, streams: { ...cursor.streams, [stream]: state } },
    stream,
    records: [...byId.values()],
    quarantined,
    hasMore: pending.length > 0,
    counts,
    notices,
  };
}


/**
 * Folds a finished round into the ids the stream holds. A delta round edits them; a resync round replaces them and
 * tombstones what it did not see; a moved calendar window replaces them without tombstones (a meeting that left the
 * window still happened).
 */
export function endOfRound(
  mode: StreamState["mode"],
  known: ReadonlySet<string>,
  added: ReadonlySet<string>,
  removed: ReadonlySet<string>,
): { known: Set<string>; tombstones: string[] } {
  const next = new Set(mode === "delta" ? [...known, ...added] : added);
  for (const id of removed) next.delete(id);
  const tombstones = mode === "resync" ? [...known].filter((id) => !next.has(id) && !removed.has(id)) : [];
  return { known: next, tombstones };
}
