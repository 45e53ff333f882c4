import type { CanonicalActivity, CanonicalRecord, Credentials, SyncOptions, SyncResult } from "@gtm-clarity/core";
import type { FathomConnector } from "../src/connector.js";
import type { FathomSettingsInput } from "../src/settings.js";
import { signWebhook, standardWebhooksSigner, type SignedWebhook } from "@gtm-clarity/testkit/sandbox";
import type { FathomSandbox } from "../src/sandbox/index.js";
import { fathomCursor, MEETINGS_STREAM, type CursorV1 } from "../src/cursor.js";

/** A connection to the sandbox as the worker holds one: secrets in the credentials, the rest in its settings. */
export interface SandboxConnection {
  credentials: Credentials;
  settings: FathomSettingsInput;
}

export function sandboxConnection(sandbox: FathomSandbox, settings: Omit<FathomSettingsInput, "baseUrl"> = {}): SandboxConnection {
  return { credentials: { apiKey: sandbox.apiKey }, settings: { baseUrl: sandbox.url, ...settings } };
}

/** One `sync` call on a connection, its settings passed as the worker passes them. */
export function syncPage(
  connector: FathomConnector,
  connection: SandboxConnection,
  cursor: string | null,
  options: Omit<SyncOptions<FathomSettingsInput>, "settings"> = {},
): Promise<SyncResult<CanonicalRecord>> {
  return connector.sync(connection.credentials, cursor, { ...options, settings: connection.settings });
}

/** Fast retries so fault tests take milliseconds, not seconds. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 } as const;

export interface SyncRunResult {
  pages: SyncResult<CanonicalRecord>[];
  cursor: string | null;
}

/** Calls sync until hasMore is false, as the worker does. */
export async function syncToEnd(
  connector: FathomConnector,
  connection: SandboxConnection,
  cursor: string | null = null,
  options: Omit<SyncOptions<FathomSettingsInput>, "settings"> = {},
  maxPages = 1_000,
): Promise<SyncRunResult> {
  const pages: SyncResult<CanonicalRecord>[] = [];
  let current = cursor;
  for (let n = 0; n < maxPages; n += 1) {
    const page = await syncPage(connector, connection, current, options);
    pages.push(page);
    current = page.cursor;
    if (!page.hasMore) return { pages, cursor: current };
  }
  throw new Error(`sync did not finish within ${maxPages} pages`);
}

export function activityIds(pages: readonly SyncResult<CanonicalRecord>[]): string[] {
  return pages.flatMap((page) =>
    page.records.filter((record): record is CanonicalActivity => record.kind === "activity").map((record) => record.externalId),
  );
}

/** A delivery signed as Fathom signs it (Standard Webhooks), by testkit's signer rather than core's. */
export function fathomDelivery(
  meeting: unknown,
  options: { secret: string; id?: string; timestamp?: number; now?: Date },
): SignedWebhook {
  const { secret, now, ...rest } = options;
  return signWebhook(standardWebhooksSigner(secret), meeting, { ...rest, ...(now === undefined ? {} : { clock: () => now.getTime() }) });
}

/**
 * A stored cursor seen as version 1 saw it (`idle` with the watermark, or `paging` with Fathom's next_cursor), so the
 * tests can state where a sync stands without spelling out the watermark cursor. `null` is a fresh `idle`.
 */
export function parseCursor(raw: string | null): CursorV1 {
  const stream = fathomCursor(0).parse(raw).streams[MEETINGS_STREAM];
  const watermark = stream?.watermark?.at ?? null;
  const run = stream?.run;
  if (run === null || run === undefined) return { v: 1, phase: "idle", watermark };
  return {
    v: 1,
    phase: "paging",
    watermark,
    createdAfter: run.since,
    pageCursor: run.position,
    highWater: run.highWater?.at ?? null,
  };
}
