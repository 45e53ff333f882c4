/**
 * A 90-day backfill of visitor events against the sandbox (SYNTHETIC data): windows and requests made against the
 * minimum (windows × pages), records per second beside a raw-fetch baseline of the same pages in the same run, and
 * how many events were stored twice or lost (the target is 0 and 0).
 */
import { parseArgs } from "node:util";
import type { CanonicalRecord } from "@gtm-clarity/core";
import { DelivrConnector } from "../src/connector.js";
import { SANDBOX_PIXEL, startDelivrSandbox } from "../src/sandbox/index.js";
import { HOUR_MS, windowParams, windowsBetween } from "../src/sync/windows.js";

const HELP = `90-day Delivr.ai backfill against the sandbox (synthetic data).

Usage: pnpm --filter @gtm-clarity/connector-delivr bench [-- --help]

Prints windows and Events API requests made against the minimum (windows x pages), records/s beside a raw fetch of
the same pages, and events stored twice or lost (target 0 and 0).

Environment:
  BENCH_EVENTS     visitor events over the 90 days (default 30000)
  BENCH_PAGE_SIZE  events per request (default 300, Delivr's default)
  BENCH_SMOKE=1    quick mode: 900 events, pages of 50
The connector's own pacing (10 requests/s, Delivr publishes no limit) is off here so that the figures measure the
connector; with it, a backfill takes at least requests / 10 seconds.
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
const events = Number(process.env["BENCH_EVENTS"] ?? (smoke ? 900 : 30_000));
const pageSize = Number(process.env["BENCH_PAGE_SIZE"] ?? (smoke ? 50 : 300));
const DAYS = 90;
const anchorMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
const untilMs = anchorMs + 1;
const sinceMs = untilMs - DAYS * 24 * HOUR_MS;
const windowMs = 25 * HOUR_MS;

const sandbox = await startDelivrSandbox({ anchorMs, days: DAYS, events, accounts: 40, visitorsPerAccount: 6, rateLimit: false, rateLimitOnRequests: [] });
const binding = { tenantId: "bench", connectionId: "bench" };
const settings = { ...sandbox.settings(binding), streams: ["visits" as const], backfillDays: DAYS, pageSize, lookbackMinutes: 0 };

try {
  // The source's truth: valid events of the pixel in [since, until), keyed by (visitor, time).
  const source = sandbox.data.events.filter(
    (row) => row["pixel_id"] === SANDBOX_PIXEL && typeof row["timestamp"] === "number" && row["timestamp"] >= sinceMs && row["timestamp"] < untilMs,
  );
  const key = (visitor: unknown, at: number) => `${String(visitor)}@${at}`;
  const windows = windowsBetween(sinceMs, untilMs, windowMs);
  const minimum = windows.reduce((sum, window) => {
    const n = source.filter((row) => Number(row["timestamp"]) >= window.startMs && Number(row["timestamp"]) < window.endMs).length;
    return sum + Math.max(1, Math.ceil(n / pageSize));
  }, 0);

  // Baseline: the same windows and pages with plain fetch + JSON.parse, no transform.
  const headers = { "x-api-key": sandbox.auth.apiKey, "x-api-secret": sandbox.auth.apiSecret };
  let rawRows = 0;
  const rawStarted = performance.now();
  for (const window of windows) {
    for (let offset = 0; ; offset += pageSize) {
      const { start_ms, end_ms } = windowParams(window);
      const url = `${sandbox.url}/api/v1/events?pixel_id=${SANDBOX_PIXEL}&start_ms=${start_ms}&end_ms=${end_ms}&offset=${offset}&limit=${pageSize}`;
      const body = (await (await fetch(url, { headers })).json()) as { data: unknown[] };
      rawRows += body.data.length;
      if (body.data.length < pageSize) break;
    }
  }
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  const requestsBefore = sandbox.eventRequests().length;

  const connector = new DelivrConnector({ rateLimit: { respectHeaders: true }, now: () => new Date(untilMs) });
  const emitted: CanonicalRecord[] = [];
  let quarantined = 0;
  let cursor: string | null = null;
  let pages = 0;
  let windowsMade = 0;
  const started = performance.now();
  for (;;) {
    const page = await connector.sync(sandbox.credentials, cursor, { settings });
    pages += 1;
    emitted.push(...page.records);
    quarantined += page.quarantined?.length ?? 0;
    windowsMade += page.stats.counts?.["windows"] ?? 0;
    cursor = page.cursor;
    if (pages % 10 === 0) process.stderr.write(`  ${pages} pages, ${windowsMade}/${windows.length} windows, ${emitted.length} records\n`);
    if (!page.hasMore) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const requests = sandbox.eventRequests().length - requestsBefore;

  // What an upsert by (kind, externalId) keeps, and which source events it holds.
  const ids = new Map<string, Set<string>>();
  const emissions = new Map<string, number>();
  for (const record of emitted) {
    if (record.kind !== "activity") continue;
    const event = key(record.properties["visitorId"], record.occurredAt.getTime());
    ids.set(event, (ids.get(event) ?? new Set()).add(record.externalId));
    emissions.set(event, (emissions.get(event) ?? 0) + 1);
  }
  const storedTwice = [...ids.values()].filter((set) => set.size > 1).length;
  const readTwice = [...emissions.values()].filter((n) => n > 1).length;
  const lost = source.filter((row) => !ids.has(key(row["visitor_id"], Number(row["timestamp"])))).length;

  const summary = {
    days: DAYS,
    events: source.length,
    pageSize,
    windows: windowsMade,
    windowsMinimum: windows.length,
    requests,
    requestsMinimum: minimum,
    requestsOverMinimum: Number((requests / minimum).toFixed(3)),
    syncPages: pages,
    records: emitted.length,
    quarantined,
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: Math.round(emitted.length / seconds),
    eventsPerSecond: Math.round(source.length / seconds),
    rawFetchRowsPerSecond: Math.round(rawRows / rawSeconds),
    connectorVsRawFetch: Number((source.length / seconds / (rawRows / rawSeconds)).toFixed(3)),
    storedTwice,
    readTwice,
    lost,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (storedTwice !== 0 || lost !== 0) process.exitCode = 1;
} finally {
  await sandbox.close();
}
