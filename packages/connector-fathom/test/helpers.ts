import type { CanonicalActivity, CanonicalRecord, Credentials, SyncOptions, SyncResult } from "@gtm-clarity/core";
import type { FathomConnector } from "../src/connector.js";
import type { FathomSettingsInput } from "../src/settings.js";
import { signWebhook, standardWebhooksSigner, type SignedWebhook } from "@gtm-clarity/testkit/sandbox";
import type { FathomSandbox } from "../src/sandbox/index.js";

export function sandboxCredentials(
  sandbox: FathomSandbox,
  extra: Partial<Record<"includeTranscript" | "includeSummary" | "includeActionItems" | "includeCrmMatches" | "lookbackMinutes", string>> = {},
): Credentials {
  return { apiKey: sandbox.apiKey, baseUrl: sandbox.url, ...extra };
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
  credentials: Credentials,
  cursor: string | null = null,
  options: SyncOptions<FathomSettingsInput> = {},
  maxPages = 1_000,
): Promise<SyncRunResult> {
  const pages: SyncResult<CanonicalRecord>[] = [];
  let current = cursor;
  for (let n = 0; n < maxPages; n += 1) {
    const page = await connector.sync(credentials, current, options);
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
