/**
 * One page of the activity log, read against a sync window: where the run goes next, and the page's records. The
 * log is newest first with no "since" filter, so a run ends at the first entry older than the window (everything
 * after it was read by an earlier run) or when the API has no `next`.
 */
import type { WatermarkWindow } from "@gtm-clarity/core";
import { transformActivity } from "../transform/activity.js";
import type { TransformResult } from "../transform/record.js";
import { activityTimestamp, type ActivityPage } from "./activities.js";

/** Shown once per run whose activity stream starts from nothing (a first sync, or a full resync). */
export const HISTORY_NOTICE =
  "Customer.io's App API keeps about 30 days of activity history: this sync backfilled what the API still holds; " +
  "older activity cannot be pulled (reporting webhooks deliver everything from now on).";

export interface PageOutcome {
  results: TransformResult[];
  next: string | null;
  seen: { at: Date; id: string | null }[];
  counts: Record<string, number>;
  notices: string[];
}

type Window = WatermarkWindow<string, string>;

function sinceSeconds(window: Window): number | undefined {
  return window.since === null ? undefined : Date.parse(window.since) / 1000;
}

/** Where the run continues after `page`: its `next`, or null once the page reaches past the window. Cheap. */
export function activityNext(page: ActivityPage, window: Window): string | null {
  const since = sinceSeconds(window);
  if (since === undefined) return page.next;
  const passed = page.items.some((item) => {
    const timestamp = activityTimestamp(item);
    return timestamp !== undefined && timestamp < since;
  });
  return passed ? null : page.next;
}

/** Entries transformed between two yields to the event loop. */
const CHUNK = 20;

/**
 * The page's records. Transforming yields to the event loop every few entries, so that the request for the next page,
 * started just before, goes out and its answer comes in meanwhile, rather than after the whole page.
 */
export async function activityOutcome(page: ActivityPage, window: Window, next: string | null): Promise<PageOutcome> {
  const since = sinceSeconds(window);
  const results: TransformResult[] = [];
  const seen: PageOutcome["seen"] = [];
  let oldest: number | undefined;
  for (const [index, item] of page.items.entries()) {
    if (index > 0 && index % CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const timestamp = activityTimestamp(item);
    if (timestamp !== undefined) {
      if (since !== undefined && timestamp < since) continue;
      oldest = Math.min(oldest ?? timestamp, timestamp);
      seen.push({ at: new Date(timestamp * 1000), id: null });
    }
    results.push(transformActivity(item));
  }
  const backfill = window.watermark === null;
  const counts: Record<string, number> = { "activities.read": results.length };
  if (backfill) counts["backfill.activities"] = results.length;
  // Newest first, so the last page of a backfill holds its oldest entry: how far back the history went.
  if (backfill && next === null && oldest !== undefined) {
    counts["backfill.days"] = Math.ceil((Date.parse(window.until) / 1000 - oldest) / 86_400);
  }
  return { results, next, seen, counts, notices: backfill ? [HISTORY_NOTICE] : [] };
}
