import type { CanonicalRecord, Credentials, QuarantinedRecord, SyncResult } from "@gtm-clarity/core";
import type { DelivrConnector } from "../src/connector.js";
import type { DelivrSettingsInput } from "../src/settings.js";

export interface Run {
  records: CanonicalRecord[];
  quarantined: QuarantinedRecord[];
  pages: SyncResult[];
  cursor: string | null;
}

/** What the worker does: call `sync` until `hasMore` is false, carrying the cursor. */
export async function syncAll(
  connector: DelivrConnector,
  credentials: Credentials,
  settings: DelivrSettingsInput,
  cursor: string | null = null,
  fullSync = false,
): Promise<Run> {
  const run: Run = { records: [], quarantined: [], pages: [], cursor };
  for (let guard = 0; guard < 10_000; guard += 1) {
    const page = await connector.sync(credentials, run.cursor, { fullSync, settings });
    run.pages.push(page);
    run.records.push(...page.records);
    run.quarantined.push(...(page.quarantined ?? []));
    run.cursor = page.cursor;
    if (!page.hasMore) return run;
  }
  throw new Error("sync never finished");
}

/** Records keyed as the store keys them: what an upsert keeps. */
export function stored(records: readonly CanonicalRecord[]): Map<string, CanonicalRecord> {
  return new Map(records.map((record) => [`${record.kind}:${record.externalId}`, record]));
}

/** A connector that does not pace itself (the sandbox still rate-limits). */
export const FAST = { rateLimit: { respectHeaders: true }, retry: { baseDelayMs: 5, maxDelayMs: 50 } } as const;
