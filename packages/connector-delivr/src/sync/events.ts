/**
 * Reads one page of visitor events: `GET /api/v{1,2}/events` with the scope, the window, `offset` + `limit`, and the
 * resolved-only filter when set. Rows stay `unknown` (the transform validates each); the page is checked against
 * the window here, since only paging knows the window.
 */
import { createHash } from "node:crypto";
import { nextPosition, offsetPaging, SchemaError, type HttpClient } from "@gtm-clarity/core";
import { DelivrEventsPageSchema, type DelivrEventsPage } from "../api-schema.js";
import { readField } from "../events/fields.js";
import { isRecord, readEpochMs } from "../events/values.js";
import type { DelivrSettings, EventScope } from "../settings.js";
import { inWindow, windowParams, type EventWindow } from "./windows.js";

export interface EventsPage {
  /** Rows inside the window (or with no readable time: the transform quarantines those). */
  rows: unknown[];
  /** Rows the server sent for this window whose time lies outside it: dropped, never stored twice. */
  outside: number;
  /** True when this was the window's last page. */
  last: boolean;
  /** Where the window's next page starts (meaningless when `last`). */
  nextOffset: number;
  /** A fingerprint of the page's first row: a server that ignores `offset` sends the same page again. */
  fingerprint: string | null;
}

export interface EventsQuery {
  scope: EventScope;
  window: EventWindow;
  offset: number;
  /** The previous page's fingerprint in this window, if any. */
  previous?: string | null | undefined;
  settings: Pick<DelivrSettings, "eventsApi" | "pageSize" | "resolvedOnly">;
  signal?: AbortSignal | undefined;
}

export function eventsPath(version: DelivrSettings["eventsApi"]): string {
  return version === "v2" ? "/api/v2/events" : "/api/v1/events";
}

export async function fetchEventsPage(client: HttpClient, query: EventsQuery): Promise<EventsPage> {
  const { scope, window, offset, settings } = query;
  const page = await client.getJson(eventsPath(settings.eventsApi), DelivrEventsPageSchema, {
    searchParams: {
      [scope.param]: scope.id,
      ...windowParams(window),
      offset,
      limit: settings.pageSize,
      ...(settings.eventsApi === "v2" ? { source: "pixel" } : {}),
      ...(settings.resolvedOnly ? { filter: "resolved:eq:true" } : {}),
    },
    ...(query.signal === undefined ? {} : { signal: query.signal }),
  });
  const rows: unknown[] = [];
  let outside = 0;
  for (const row of page.rows) {
    const ms = isRecord(row) ? readEpochMs(readField(row, "timestamp")) : undefined;
    if (ms !== undefined && !inWindow(ms, window)) outside += 1;
    else rows.push(row);
  }
  const first = page.rows[0];
  const fingerprint = first === undefined ? null : createHash("sha256").update(JSON.stringify(first)).digest("hex").slice(0, 32);
  if (offset > 0 && fingerprint !== null && fingerprint === query.previous) {
    throw new SchemaError("Delivr.ai returned the same page for a later offset: it ignored `offset`, paging would loop", [
      { path: "offset", message: `offset ${offset} served the rows of the previous page` },
    ]);
  }
  const step = nextPosition(eventsPaging(settings.pageSize), page, offset);
  return { rows, outside, last: step.done, nextOffset: step.next ?? offset, fingerprint };
}

/** Core's offset paging (Delivr's own case): a short page ends, or `total` when sent. */
export function eventsPaging(limit: number) {
  return offsetPaging<DelivrEventsPage>({ limit, count: (page) => page.rows.length, total: (page) => page.total });
}
