/**
 * The Salesforce connector against its sandbox at scale: a full sync of N records over four objects, an incremental
 * sync with no changes, and a writeback of updates. Prints requests against the targets, records per second
 * against a baseline measured in the same run (the same pages fetched with plain `fetch` and no processing), and the
 * share of the org's daily API allocation used. `--help` for options.
 */
import { parseArgs } from "node:util";
import type { CanonicalPerson } from "@gtm-clarity/core";
import { SalesforceConnector } from "../src/connector.js";
import type { SObjectName } from "../src/objects/index.js";
import { SalesforceSettingsSchema } from "../src/settings.js";
import { buildIncrementalQuery } from "../src/soql.js";
import { sandboxData, startSalesforceSandbox } from "../src/sandbox/index.js";

const HELP = `Salesforce connector benchmark: full sync, incremental sync with no changes, writeback.

Usage: pnpm --filter @gtm-clarity/connector-salesforce bench [-- --help]

Environment:
  BENCH_RECORDS  records in all, spread over Account, Contact, Lead and Task (default 100000)
  BENCH_WRITES   Contact updates to write back (default 10000)
  BENCH_SMOKE=1  quick mode: 2,000 records and 400 writes, to prove the benchmark runs
`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { help: { type: "boolean", default: false } },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const smoke = process.env["BENCH_SMOKE"] === "1";
const total = Number(process.env["BENCH_RECORDS"] ?? (smoke ? 2_000 : 100_000));
const writes = Number(process.env["BENCH_WRITES"] ?? (smoke ? 400 : 10_000));
const OBJECTS: SObjectName[] = ["Account", "Contact", "Lead", "Task"];
const perObject = Math.ceil(total / OBJECTS.length);
const DAILY_ALLOCATION = 100_000;
const log = (line: string) => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`  … ${line}\n`);

log(`Salesforce bench: ${perObject * OBJECTS.length} records over ${OBJECTS.join(", ")}; ${writes} writeback updates${smoke ? " (smoke)" : ""}`);
const counts = Object.fromEntries(
  (["Account", "Contact", "Lead", "Opportunity", "Task", "Event"] as const).map((object) => [object, OBJECTS.includes(object) ? perObject : 0]),
);
const sandbox = await startSalesforceSandbox({ data: sandboxData(counts), apiLimit: { max: DAILY_ALLOCATION } });
const connector = new SalesforceConnector({ sleep: async () => {} });
const settings = SalesforceSettingsSchema.parse({ loginUrl: sandbox.url, objects: OBJECTS });
const credentials = sandbox.credentials;

try {
  // Baseline: the connector's own queries, every page with plain fetch, bodies parsed, nothing else.
  const baselineStarted = performance.now();
  let baselineRecords = 0;
  for (const object of OBJECTS) {
    let url: string | null = `${sandbox.url}/services/data/v66.0/queryAll?q=${encodeURIComponent(buildIncrementalQuery(object, null))}`;
    while (url !== null) {
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${credentials.accessToken}`, "Sforce-Query-Options": "batchSize=2000" },
      });
      const page = (await response.json()) as { records: unknown[]; nextRecordsUrl?: string };
      baselineRecords += page.records.length;
      url = page.nextRecordsUrl === undefined ? null : `${sandbox.url}${page.nextRecordsUrl}`;
    }
  }
  const baselineRate = baselineRecords / ((performance.now() - baselineStarted) / 1000);
  sandbox.setApiUsage(0);
  const queriesBefore = sandbox.queries().length;
  const statsBefore = sandbox.stats();

  // Full sync.
  const started = performance.now();
  let cursor: string | null = null;
  let records = 0;
  let quarantined = 0;
  let requests = 0;
  let pages = 0;
  for (let hasMore = true; hasMore; ) {
    const page = await connector.sync(credentials, cursor, { settings });
    records += page.records.length;
    quarantined += page.quarantined?.length ?? 0;
    requests += page.stats.requests ?? 0;
    pages += 1;
    cursor = page.cursor;
    hasMore = page.hasMore;
    if (pages % 10 === 0) progress(`full sync: ${pages} pages, ${records} records`);
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = sandbox.stats();
  const lookups = sandbox.queries().slice(queriesBefore).filter((q) => q.includes("FROM Contact WHERE Email IN")).length;
  const reads = (stats["queries"] ?? 0) - (statsBefore["queries"] ?? 0) - lookups + ((stats["queryMore"] ?? 0) - (statsBefore["queryMore"] ?? 0));
  const readTarget = Math.ceil((perObject * OBJECTS.length) / 2000) + OBJECTS.length + 2;
  const usage = sandbox.apiUsage();
  log("");
  log(`full sync        ${records} records + ${quarantined} quarantined in ${pages} sync calls, ${seconds.toFixed(2)} s`);
  log(`  requests       ${requests} in all: ${reads} query pages (target ≤ ${readTarget}: ceil(N/2000) + 1 per object + 2) ${reads <= readTarget ? "OK" : "OVER"}`);
  log(`                 + ${lookups} Contact lookups for Lead matching (settings.leadContactMatching)`);
  log(`  records/s      ${Math.round(records / seconds)} (baseline, plain fetch of the same pages: ${Math.round(baselineRate)}; ratio ${(records / seconds / baselineRate).toFixed(2)})`);
  log(`  API usage      ${usage.used} of ${DAILY_ALLOCATION} daily requests (${((usage.used / DAILY_ALLOCATION) * 100).toFixed(3)}% of the allocation)`);

  // Incremental sync with no changes.
  const incrementalBefore = sandbox.stats();
  let incrementalRequests = 0;
  let incrementalRecords = 0;
  for (let hasMore = true; hasMore; ) {
    const page = await connector.sync(credentials, cursor, { settings });
    incrementalRequests += page.stats.requests ?? 0;
    incrementalRecords += page.records.length;
    cursor = page.cursor;
    hasMore = page.hasMore;
  }
  const incrementalQueries = (sandbox.stats()["queries"] ?? 0) - (incrementalBefore["queries"] ?? 0);
  log(`incremental      ${incrementalRecords} records, ${incrementalRequests} requests, ${incrementalQueries} queries (target: 1 per object = ${OBJECTS.length}) ${incrementalQueries <= OBJECTS.length ? "OK" : "OVER"}`);

  // Writeback of Contact updates, a few rows locked once so that per-record retries happen.
  const contacts = sandbox.records("Contact").filter((row) => row["IsDeleted"] !== true).slice(0, writes);
  const updates: CanonicalPerson[] = contacts.map((row, index) => ({
    kind: "person",
    externalId: row.Id,
    title: `Benchmark title ${index}`,
    properties: {},
    isDeleted: false,
  }));
  const locked = Math.min(20, updates.length);
  for (const row of contacts.slice(0, locked)) sandbox.lockRow(row.Id);
  const callsBefore = connector.pushStats.calls;
  const retriesBefore = connector.pushStats.lockRetries;
  const writeStarted = performance.now();
  const results = await connector.writeback.push(credentials, updates, { settings });
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  const calls = connector.pushStats.calls - callsBefore;
  const retries = connector.pushStats.lockRetries - retriesBefore;
  const ok = results.filter((result) => result.ok).length;
  const target = Math.ceil(updates.length / 200);
  log(`writeback        ${ok}/${updates.length} ok in ${writeSeconds.toFixed(2)} s (${Math.round(updates.length / writeSeconds)} records/s)`);
  log(`  calls          ${calls} Collections calls (target ≤ ${target} + retries; ${retries} records retried after UNABLE_TO_LOCK_ROW) ${calls - (retries > 0 ? 1 : 0) <= target ? "OK" : "OVER"}`);
} finally {
  await sandbox.close();
}
