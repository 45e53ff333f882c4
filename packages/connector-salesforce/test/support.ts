/** What most tests start with: a sandbox, a connector configured like the worker's, and the connection's settings. */
import { afterEach } from "vitest";
import { SalesforceConnector, type SalesforceConnectorOptions } from "../src/connector.js";
import { SalesforceSettingsSchema, type SalesforceSettings, type SalesforceSettingsInput } from "../src/settings.js";
import { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from "../src/sandbox/index.js";

export const BINDING = { tenantId: "tenant-a", connectionId: "conn-1" } as const;
export const STATE_SECRET = "s".repeat(48);

const open: SalesforceSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
});

export interface Started {
  sandbox: SalesforceSandbox;
  connector: SalesforceConnector;
  settings: SalesforceSettings;
}

export async function start(
  sandboxOptions: SalesforceSandboxOptions = {},
  settings: SalesforceSettingsInput = {},
  connectorOptions: SalesforceConnectorOptions = {},
): Promise<Started> {
  const sandbox = await startSalesforceSandbox(sandboxOptions);
  open.push(sandbox);
  const connector = new SalesforceConnector({
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    sleep: async () => {},
    oauth: { clientId: sandbox.oauth.clientId, clientSecret: sandbox.oauth.clientSecret, stateSecret: STATE_SECRET },
    ...connectorOptions,
  });
  return { sandbox, connector, settings: SalesforceSettingsSchema.parse({ ...sandbox.settings(BINDING), ...settings }) };
}

/** Every page of a sync run from `cursor` until `hasMore` is false. */
export async function syncAll(
  { connector, sandbox, settings }: Started,
  cursor: string | null = null,
  options: { fullSync?: boolean; credentials?: Record<string, string> } = {},
) {
  const records = [];
  const quarantined = [];
  const counts: Record<string, number> = {};
  let next = cursor;
  let pages = 0;
  for (let hasMore = true; hasMore; ) {
    const page = await connector.sync(options.credentials ?? sandbox.credentials, next, {
      settings,
      ...(options.fullSync === undefined ? {} : { fullSync: options.fullSync }),
    });
    records.push(...page.records);
    quarantined.push(...(page.quarantined ?? []));
    for (const [name, value] of Object.entries(page.stats.counts ?? {})) counts[name] = (counts[name] ?? 0) + value;
    next = page.cursor;
    hasMore = page.hasMore;
    pages += 1;
    if (pages > 10_000) throw new Error("sync did not finish");
  }
  return { records, quarantined, counts, cursor: next, pages };
}
