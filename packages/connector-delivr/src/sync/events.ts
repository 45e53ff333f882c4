/**
 * Reads one page of visitor events: `GET /api/v{1,2}/events` with the scope, the window, `offset` + `limit`, and the
 * resolved-only filter when set. Rows stay `unknown` (the transform validates each); the page is checked against
 * the window here, since only paging knows the window.
 */
import type { HttpClient } from "@gtm-clarity/core";
import { DelivrEventsPageSchema } from "../api-schema.js";
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
  /** Rows the server sent (before the window check): the next offset moves by this. */
  received: number;
}

export interface EventsQuery {
  scope: EventScope;
  window: EventWindow;
  offset: number;
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
  const received = page.rows.length;
  const last = received < settings.pageSize || (page.total !== undefined && offset + received >= page.total);
  return { rows, outside, last, received };
}
