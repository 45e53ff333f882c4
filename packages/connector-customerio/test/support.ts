import type { CanonicalRecord, Credentials, SyncOptions, SyncResult } from "@gtm-clarity/core";
import { customerIoSigner, signWebhook, type SignedWebhook } from "@gtm-clarity/testkit/sandbox";
import type { CustomerioConnector } from "../src/connector.js";
import type { CustomerioSandbox } from "../src/sandbox/index.js";
import type { CustomerioSettingsInput } from "../src/settings.js";
import type { TransformResult } from "../src/transform/record.js";

export const binding = { tenantId: "tenant-a", connectionId: "connection-1" };

/** A connection to the sandbox as the worker holds one: the key in the credentials, the base URL in the settings. */
export interface SandboxConnection {
  credentials: Credentials;
  settings: CustomerioSettingsInput;
}

export function sandboxConnection(sandbox: CustomerioSandbox, settings: Omit<CustomerioSettingsInput, "baseUrl"> = {}): SandboxConnection {
  return { credentials: sandbox.credentials, settings: { ...sandbox.settings(binding), ...settings } };
}

/** Fast retries, so fault tests take milliseconds. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 20 } as const;

export async function syncToEnd(
  connector: CustomerioConnector,
  connection: SandboxConnection,
  cursor: string | null = null,
  options: Omit<SyncOptions<CustomerioSettingsInput>, "settings"> = {},
  maxPages = 500,
): Promise<{ pages: SyncResult<CanonicalRecord>[]; cursor: string | null; records: CanonicalRecord[] }> {
  const pages: SyncResult<CanonicalRecord>[] = [];
  let current = cursor;
  for (let n = 0; n < maxPages; n += 1) {
    const page = await connector.sync(connection.credentials, current, { ...options, settings: connection.settings });
    pages.push(page);
    current = page.cursor;
    if (!page.hasMore) return { pages, cursor: current, records: pages.flatMap((item) => item.records) };
  }
  throw new Error(`sync did not finish within ${maxPages} pages`);
}

/** A delivery signed as Customer.io signs it, by testkit's independent signer (not core's verifier). */
export function cioDelivery(body: unknown, options: { secret: string; timestamp?: number }): SignedWebhook {
  return signWebhook(customerIoSigner(options.secret), body, options.timestamp === undefined ? {} : { timestamp: options.timestamp });
}

export function record(result: TransformResult): CanonicalRecord {
  if (!result.ok) throw new Error(`quarantined: ${JSON.stringify(result.quarantined.reasons)}`);
  return result.record;
}

export function quarantinedOf(result: TransformResult) {
  if (result.ok) throw new Error("expected the record to be quarantined");
  return result.quarantined;
}
