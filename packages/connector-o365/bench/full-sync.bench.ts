/**
 * Full and incremental sync of several mailboxes at once against the sandbox. First an unpaced run (no budget on
 * either side) measures what this machine can serve at all; then the paced run, under Outlook's documented
 * per-mailbox rate, prints the request rate as a share of the allowed rate (and of that capacity), the most
 * requests a mailbox had in flight, 429s after the first window, and the requests an incremental sync with no
 * changes makes per stream.
 *
 *   pnpm --filter @gtm-clarity/connector-o365 bench                  10 mailboxes x 5,000 messages
 *   BENCH_SMOKE=1 pnpm --filter @gtm-clarity/connector-o365 bench    2 mailboxes x 300 messages (seconds)
 */
import type { Credentials } from "@gtm-clarity/core";
import { O365Connector } from "../src/connector.js";
import { startO365Sandbox, type O365Sandbox } from "../src/sandbox/index.js";
import { STREAM_NAMES } from "../src/sync/streams.js";

if (process.argv.includes("--help")) {
  console.log(
    "Usage: pnpm --filter @gtm-clarity/connector-o365 bench [--help] [--mailboxes N] [--messages N] [--page-size N]\n" +
      "Syncs N mailboxes (default 10) of N messages (default 5,000) and their calendars at once against the loopback\n" +
      "sandbox: an unpaced run for the machine's capacity, then a run under Outlook's per-mailbox rate (10,000 per\n" +
      "10 minutes, in a 6 s window), printing the request rate as a share of the allowed rate, in-flight requests per\n" +
      "mailbox, 429s after the first window and requests per stream of an incremental sync with no changes.\n" +
      "BENCH_SMOKE=1: 2 mailboxes x 300 messages.",
  );
  process.exit(0);
}

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer`);
  return value;
}
const smoke = process.env["BENCH_SMOKE"] === "1";
const MAILBOXES = flag("mailboxes", smoke ? 2 : 10);
const MESSAGES = flag("messages", smoke ? 300 : 5000);
/** Graph's own default page size for messages: small pages keep per-request CPU low on a shared machine. */
const PAGE_SIZE = flag("page-size", 10);
/** Outlook's documented rate per app and mailbox (10,000 requests per 10 minutes), in a 6 s window. */
const BUDGET = { requests: 100, windowMs: 6000 };
const accepted = new Date("2026-01-01T00:00:00Z");

interface Run {
  cursors: (string | null)[];
  requests: number[];
  records: number;
  busyMs: number[];
  elapsedMs: number;
  cpuMs: number;
}

async function setUp(paced: boolean): Promise<{ sandbox: O365Sandbox; connector: O365Connector; credentials: Credentials[] }> {
  const sandbox = await startO365Sandbox({
    usersPerTenant: MAILBOXES,
    messagesPerMailbox: MESSAGES,
    eventsPerMailbox: 40,
    rateLimit: paced ? BUDGET : false,
  });
  const connector = new O365Connector(paced ? { rateLimit: { requests: BUDGET.requests, windowMs: BUDGET.windowMs } } : { rateLimit: { requests: 1e9, windowMs: 1000 } });
  const credentials: Credentials[] = [];
  for (const user of sandbox.users.slice(0, MAILBOXES)) {
    sandbox.mailboxOf(user);
    credentials.push(await sandbox.connect(user));
  }
  return { sandbox, connector, credentials };
}

async function syncAll(
  setup: { sandbox: O365Sandbox; connector: O365Connector; credentials: Credentials[] },
  cursors: (string | null)[],
  label: string,
): Promise<Run> {
  const settings = { baseUrl: setup.sandbox.url, pageSize: PAGE_SIZE };
  let records = 0;
  let done = 0;
  const requests = setup.credentials.map(() => 0);
  const busyMs = setup.credentials.map(() => 0);
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  const next = await Promise.all(
    setup.credentials.map(async (credentials, index) => {
      let cursor = cursors[index] ?? null;
      const began = Date.now();
      for (;;) {
        const page = await setup.connector.sync(credentials, cursor, { settings, dpaAcceptedAt: accepted });
        records += page.records.length;
        requests[index] = (requests[index] ?? 0) + (page.stats.requests ?? 0);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      busyMs[index] = Date.now() - began;
      done += 1;
      process.stderr.write(`  ${label}: ${done}/${setup.credentials.length} mailboxes done\n`);
      return cursor;
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { cursors: next, requests, records, busyMs, elapsedMs: Date.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

console.log(`o365 bench: ${MAILBOXES} mailboxes x ${MESSAGES} messages (page size ${PAGE_SIZE}), budget ${BUDGET.requests} requests / ${BUDGET.windowMs} ms per mailbox`);

const unpacedSetup = await setUp(false);
const unpaced = await syncAll(unpacedSetup, unpacedSetup.credentials.map(() => null), "unpaced run");
await unpacedSetup.sandbox.close();
const capacity = sum(unpaced.requests) / (unpaced.elapsedMs / 1000);
console.log(
  `unpaced (baseline, same run): ${sum(unpaced.requests)} requests in ${(unpaced.elapsedMs / 1000).toFixed(2)} s = ${capacity.toFixed(1)}/s; ` +
    `CPU ${(unpaced.cpuMs / sum(unpaced.requests)).toFixed(1)} ms per request (connector and sandbox in one process)`,
);

const setup = await setUp(true);
const started = Date.now();
const full = await syncAll(setup, setup.credentials.map(() => null), "paced full sync");
const totalRequests = sum(full.requests);
const allowed = (BUDGET.requests / BUDGET.windowMs) * 1000;
const achieved = totalRequests / (full.elapsedMs / 1000);
const shares = full.requests.map((count, index) => count / ((full.busyMs[index] ?? 1) / 1000) / allowed);
console.log(`paced full sync: ${full.records} records, ${totalRequests} requests in ${(full.elapsedMs / 1000).toFixed(2)} s`);
console.log(
  `request rate per mailbox while it synced: ${pct(sum(shares) / shares.length)} of the allowed ${allowed.toFixed(1)}/s ` +
    `(min ${pct(Math.min(...shares))}, max ${pct(Math.max(...shares))}; target >= 90%)`,
);
console.log(
  `all mailboxes together: ${achieved.toFixed(1)}/s of ${(allowed * MAILBOXES).toFixed(0)}/s allowed = ${pct(achieved / (allowed * MAILBOXES))}; ` +
    `${pct(achieved / Math.min(capacity, allowed * MAILBOXES))} of what this machine could serve (min of allowed and unpaced)`,
);
console.log(`most requests in flight for one mailbox: ${setup.sandbox.stats().maxInFlightPerMailbox} (limit 4)`);
console.log(`429s: ${setup.sandbox.stats().rateLimited} in total; after the first window: ${setup.sandbox.rateLimitedAfter(started + BUDGET.windowMs)} (target 0)`);

const incremental = await syncAll(setup, full.cursors, "incremental sync");
const perStream = incremental.requests.map((count) => count / STREAM_NAMES.length);
console.log(
  `incremental sync, no changes: ${incremental.records} records, requests per stream per mailbox: ` +
    `${Math.min(...perStream).toFixed(2)}..${Math.max(...perStream).toFixed(2)} (target 1)`,
);
await setup.sandbox.close();
