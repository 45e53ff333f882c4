/** Shared test set-up: a sandbox, a connector wired to it, a recording fetch, and a loop that drains a sync run. */
import { createMemoryLogger, type Credentials, type SyncResult } from "@gtm-clarity/core";
import { O365Connector, type O365ConnectorOptions } from "../src/connector.js";
import { startO365Sandbox, type O365Sandbox, type O365SandboxOptions } from "../src/sandbox/index.js";
import type { O365SettingsInput } from "../src/settings.js";

export const ACCEPTED = new Date("2026-01-01T00:00:00Z");

export interface SentRequest {
  url: string;
  headers: Headers;
}

/** Global fetch, recording every request (the connector's own and MSAL's). */
export function recordingFetch(sent: SentRequest[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, headers: request.headers });
    return fetch(request);
  };
}

export interface Harness {
  sandbox: O365Sandbox;
  connector: O365Connector;
  credentials: Credentials;
  sent: SentRequest[];
  logger: ReturnType<typeof createMemoryLogger>;
  settings: O365SettingsInput;
}

export async function harness(
  sandboxOptions: O365SandboxOptions = {},
  connectorOptions: O365ConnectorOptions = {},
  settings: Partial<O365SettingsInput> = {},
): Promise<Harness> {
  const sandbox = await startO365Sandbox(sandboxOptions);
  const sent: SentRequest[] = [];
  const logger = createMemoryLogger();
  const connector = new O365Connector({
    fetch: recordingFetch(sent),
    retry: { baseDelayMs: 10, maxDelayMs: 200 },
    oauth: sandbox.oauthOptions(),
    logger,
    ...connectorOptions,
  });
  return { sandbox, connector, credentials: sandbox.credentials, sent, logger, settings: { baseUrl: sandbox.url, pageSize: 20, ...settings } };
}

/** Runs `sync` until `hasMore` is false; returns every page. */
export async function drain(h: Harness, cursor: string | null = null, options: { fullSync?: boolean; credentials?: Credentials } = {}): Promise<SyncResult[]> {
  const pages: SyncResult[] = [];
  let current = cursor;
  for (let i = 0; i < 1000; i += 1) {
    const page = await h.connector.sync(options.credentials ?? h.credentials, current, {
      settings: h.settings,
      dpaAcceptedAt: ACCEPTED,
      logger: h.logger,
      ...(options.fullSync ? { fullSync: true } : {}),
    });
    pages.push(page);
    current = page.cursor;
    if (!page.hasMore) return pages;
  }
  throw new Error("sync did not finish in 1000 pages");
}

export const lastCursor = (pages: readonly SyncResult[]): string | null => pages.at(-1)?.cursor ?? null;
export const records = (pages: readonly SyncResult[]) => pages.flatMap((page) => page.records);
