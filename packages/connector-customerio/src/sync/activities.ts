/**
 * The workspace activity log, `GET /v1/activities`, newest first, `limit` ≤ 100, paged by `start=<next>`. The API has
 * no "since" filter, so an incremental run reads from the newest entry back until it passes its watermark (the
 * connector decides where to stop, see connector.ts); a first run reads to the end, which is about 30 days back.
 */
import { SchemaError, type HttpClient } from "@gtm-clarity/core";
import { ActivitiesPageSchema } from "../api-schema.js";

export const ACTIVITIES_PATH = "/v1/activities";
export const ACTIVITY_PAGE_SIZE = 100;

export interface ActivityPage {
  items: unknown[];
  next: string | null;
}

export async function fetchActivityPage(
  client: HttpClient,
  start: string | null,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<ActivityPage> {
  const page = await client.getJson(ACTIVITIES_PATH, ActivitiesPageSchema, {
    searchParams: { limit: options.limit ?? ACTIVITY_PAGE_SIZE, start: start ?? undefined },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (page.next !== null && page.next === start) {
    throw new SchemaError("Customer.io returned the start token it was given as next: paging would loop", [
      { path: "next", message: "repeats the request's start" },
    ]);
  }
  return { items: page.activities, next: page.next };
}

/** An entry's unix-seconds timestamp, or undefined when it has none that reads (then it cannot end a run). */
export function activityTimestamp(raw: unknown): number | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const value = (raw as Record<string, unknown>)["timestamp"];
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}
