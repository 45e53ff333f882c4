/**
 * One `sync` page: streams take turns (core's watermark cursor), each step is one request, and the state advances
 * after every step, so the page can end after any of them. Visits walk [since, until) window by window, each window
 * offset by offset; intent lists the audiences completed since its watermark, then reads them one by one.
 */
import { ConfigError, type CanonicalRecord, type HttpClient, type QuarantinedRecord, type WatermarkWindow } from "@gtm-clarity/core";
import { delivrCursor, type DelivrCursorState, type IntentPosition, type VisitsPosition } from "../cursor.js";
import { eventScope, type DelivrSettings, type StreamName } from "../settings.js";
import { fetchEventsPage } from "./events.js";
import { fetchAudienceMembers, listAudiences, transformIntentRow, type Topic } from "./intent.js";
import { transformVisitorEvent, type ValidationMemo } from "./transform.js";
import { HOUR_MS, windowAt } from "./windows.js";

type Position = VisitsPosition | IntentPosition;
type Window = WatermarkWindow<StreamName, Position>;

export interface SyncLoopInput {
  api: HttpClient;
  settings: DelivrSettings;
  enabled: readonly StreamName[];
  cursor: string | null;
  fullSync: boolean;
  now: Date;
  /** Requests this page may make. */
  requestBudget: number;
  taxonomy: (signal: AbortSignal | undefined) => Promise<Map<string, Topic>>;
  signal?: AbortSignal | undefined;
}

export interface SyncLoopPage {
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
  cursor: string;
  hasMore: boolean;
  counts: Record<string, number>;
  notices: string[];
}

interface Step {
  next: Position | null;
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
  /** The run's end, passed on its last step so that the watermark becomes it. */
  seen: string[];
}

const DAY_MS = 24 * HOUR_MS;

/** A run's fixed bounds: a first run (or a full one) reads `backfillDays`; an incremental one starts `lookback` early. */
function withRunBounds(window: Window, settings: DelivrSettings): Window {
  if (window.position !== null) return window;
  const untilMs = Date.parse(window.until);
  const sinceMs =
    window.since === null
      ? untilMs - settings.backfillDays * DAY_MS
      : Date.parse(window.since) - settings.lookbackMinutes * 60_000;
  return { ...window, since: new Date(Math.min(sinceMs, untilMs)).toISOString() };
}

export async function runSyncLoop(input: SyncLoopInput): Promise<SyncLoopPage> {
  const { settings, enabled } = input;
  let state: DelivrCursorState = delivrCursor.parse(input.cursor);
  const page: SyncLoopPage = { records: [], quarantined: [], cursor: "", hasMore: true, counts: {}, notices: [] };
  const count = (name: string, by = 1) => {
    page.counts[name] = (page.counts[name] ?? 0) + by;
  };
  let requests = 0;
  for (;;) {
    const stream = delivrCursor.nextStream(state, enabled);
    const window = withRunBounds(delivrCursor.begin(state, stream, { fullSync: input.fullSync, now: input.now }), settings);
    const step = stream === "visits" ? await visitsStep(input, window, count) : await intentStep(input, window, count);
    requests += 1;
    page.records.push(...step.records);
    page.quarantined.push(...step.quarantined);
    const advanced = delivrCursor.advance(state, window, { next: step.next, seen: step.seen, enabled });
    state = advanced.state;
    page.hasMore = advanced.hasMore;
    if (!advanced.hasMore || requests >= input.requestBudget || page.records.length >= settings.pageSize) break;
  }
  if ((page.counts["outsideWindow"] ?? 0) > 0) {
    page.notices.push(
      `Delivr.ai returned ${page.counts["outsideWindow"]} event(s) outside the requested time window; they were skipped here and read in their own window`,
    );
  }
  page.records = latestPerKey(page.records);
  page.cursor = delivrCursor.serialize(state);
  return page;
}

/**
 * One record per (kind, externalId) in a page, the latest read winning: a company's people and account come with
 * every visit, and the store need not upsert them once per visit.
 */
function latestPerKey(records: readonly CanonicalRecord[]): CanonicalRecord[] {
  const byKey = new Map<string, CanonicalRecord>();
  for (const record of records) byKey.set(`${record.kind}\u0000${record.externalId}`, record);
  return [...byKey.values()];
}

async function visitsStep(input: SyncLoopInput, window: Window, count: (name: string, by?: number) => void): Promise<Step> {
  const { settings } = input;
  const scope = eventScope(settings);
  if (scope === undefined) throw new ConfigError("Delivr.ai visitor events need a scope: set pixelId, projectId or organizationId");
  const sinceMs = Date.parse(window.since ?? window.until);
  const untilMs = Date.parse(window.until);
  const position = window.position?.stream === "visits" ? window.position : { stream: "visits" as const, windowStartMs: sinceMs, offset: 0 };
  if (position.windowStartMs >= untilMs) return { next: null, records: [], quarantined: [], seen: [window.until] };
  const eventWindow = windowAt(position.windowStartMs, untilMs, settings.windowHours * HOUR_MS);
  if (position.offset === 0) count("windows");
  const fetched = await fetchEventsPage(input.api, {
    scope,
    window: eventWindow,
    offset: position.offset,
    previous: position.previous,
    settings,
    signal: input.signal,
  });
  count("events", fetched.rows.length);
  if (fetched.outside > 0) count("outsideWindow", fetched.outside);
  const records: CanonicalRecord[] = [];
  const quarantined: QuarantinedRecord[] = [];
  const memo: ValidationMemo = new Map();
  for (const row of fetched.rows) {
    const out = transformVisitorEvent(row, scope.id, memo);
    records.push(...out.records);
    quarantined.push(...out.quarantined);
  }
  if (!fetched.last) {
    return {
      next: { stream: "visits", windowStartMs: position.windowStartMs, offset: fetched.nextOffset, previous: fetched.fingerprint },
      records,
      quarantined,
      seen: [],
    };
  }
  if (eventWindow.endMs >= untilMs) return { next: null, records, quarantined, seen: [window.until] };
  return { next: { stream: "visits", windowStartMs: eventWindow.endMs, offset: 0 }, records, quarantined, seen: [] };
}

async function intentStep(input: SyncLoopInput, window: Window, count: (name: string, by?: number) => void): Promise<Step> {
  const { settings } = input;
  if (window.position?.stream !== "intent") {
    const sinceMs = window.full ? null : Date.parse(window.since ?? window.until);
    const { audiences, truncated } = await listAudiences(input.api, settings.projectId, sinceMs, input.signal);
    count("audiences", audiences.length);
    if (audiences.length === 0) return { next: null, records: [], quarantined: [], seen: [window.until] };
    const endAtMs = truncated ? (audiences.at(-1)?.updatedAtMs ?? null) : null;
    return { next: { stream: "intent", audiences, index: 0, offset: 0, endAtMs }, records: [], quarantined: [], seen: [] };
  }
  const position = window.position;
  // A run that could not hold every new audience ends at the last one it read; the next run starts there.
  const end = position.endAtMs === null || position.endAtMs === undefined ? window.until : new Date(position.endAtMs).toISOString();
  const audience = position.audiences[position.index];
  if (audience === undefined) return { next: null, records: [], quarantined: [], seen: [end] };
  const topics = await input.taxonomy(input.signal);
  const members = await fetchAudienceMembers(input.api, audience, position.offset, settings.pageSize, input.signal);
  count("audienceMembers", members.rows.length);
  const records: CanonicalRecord[] = [];
  const quarantined: QuarantinedRecord[] = [];
  for (const row of members.rows) {
    const out = transformIntentRow(row, audience, topics);
    records.push(...out.records);
    quarantined.push(...out.quarantined);
  }
  if (!members.last) return { next: { ...position, offset: position.offset + members.rows.length }, records, quarantined, seen: [] };
  if (position.index + 1 >= position.audiences.length) return { next: null, records, quarantined, seen: [end] };
  return { next: { ...position, index: position.index + 1, offset: 0 }, records, quarantined, seen: [] };
}
