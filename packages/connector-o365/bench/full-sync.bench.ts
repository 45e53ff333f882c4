/**
 * Full and incremental sync of several mailboxes against the sandbox, all mailboxes at once. Prints the request rate
 * as a share of the sandbox's allowed rate (Outlook's per-mailbox budget, scaled down to a 1 s window so the run
 * takes seconds), the most requests a mailbox had in flight, 429s after the first window, and the requests an
 * incremental sync with no changes makes per stream.
 *
 *   pnpm --filter @gtm-clarity/connector-o365 bench           10 mailboxes x 5,000 messages
 *   BENCH_SMOKE=1 pnpm --filter @gtm-clarity/connector-o365 bench   2 mailboxes x 300 messages (seconds)
 */
import type { Credentials } from "@gtm-clarity/core";
import { O365Connector } from "../src/connector.js";
import { startO365Sandbox } from "../src/sandbox/index.js";
import { STREAM_NAMES } from "../src/sync/streams.js";

if (process.argv.includes("--help")) {
  console.log(
    "Usage: pnpm --filter @gtm-clarity/connector-o365 bench [--help] [--mailboxes N] [--messages N]\n" +
      "Syncs 10 mailboxes of 5,000 messages (and their calendars) at once against the loopback sandbox and prints\n" +
      "the request rate as a share of the allowed rate, in-flight requests per mailbox, 429s after the first window\n" +
      "and requests per stream of an incremental sync with no changes. BENCH_SMOKE=1: 2 mailboxes x 300 messages.",
  );
  process.exit(0);
}

const smoke = process.env["BENCH_SMOKE"] === "1";
function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer`);
  return value;
}
const MAILBOXES = flag("mailboxes", smoke ? 2 : 10);
const MESSAGES = flag("messages", smoke ? 300 : 5000);
const BUDGET = { requests: 40, windowMs: 1000 };
const PAGE_SIZE = 50;
const accepted = new Date("2026-01-01T00:00:00Z");

const sandbox = await startO365Sandbox({
  usersPerTenant: MAILBOXES,
  messagesPerMailbox: MESSAGES,
  eventsPerMailbox: 40,
  rateLimit: BUDGET,
  latencyMs: 2,
});
const connector = new O365Connector({ rateLimit: { requests: BUDGET.requests, windowMs: BUDGET.windowMs } });
const settings = { baseUrl: sandbox.url, pageSize: PAGE_SIZE };
const users = sandbox.users.slice(0, MAILBOXES);
const credentials: Credentials[] = [];
for (const user of users) {
  sandbox.mailboxOf(user);
  credentials.push(await sandbox.connect(user));
}
console.log(`o365 bench: ${MAILBOXES} mailboxes x ${MESSAGES} messages, budget ${BUDGET.requests} requests / ${BUDGET.windowMs} ms per mailbox`);

async function syncAll(cursors: (string | null)[], label: string): Promise<{ cursors: (string | null)[]; requests: number[]; records: number }> {
  let records = 0;
  let done = 0;
  const requests = users.map(() => 0);
  const next = await Promise.all(
    users.map(async (_user, index) => {
      let cursor = cursors[index] ?? null;
      const creds = credentials[index];
      if (creds === undefined) throw new Error("no credentials");
      for (;;) {
        const page = await connector.sync(creds, cursor, { settings, dpaAcceptedAt: accepted });
        records += page.records.length;
        requests[index] = (requests[index] ?? 0) + (page.stats.requests ?? 0);
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      done += 1;
      process.stderr.write(`  ${label}: ${done}/${users.length} mailboxes done\n`);
      return cursor;
    }),
  );
  return { cursors: next, requests, records };
}

const started = Date.now();
const full = await syncAll(users.map(() => null), "full sync");
const elapsedMs = Date.now() - started;
const stats = sandbox.stats();
const totalRequests = full.requests.reduce((a, b) => a + b, 0);
const allowedPerSecond = (BUDGET.requests / BUDGET.windowMs) * 1000 * MAILBOXES;
const achieved = totalRequests / (elapsedMs / 1000);
console.log(`full sync: ${full.records} records, ${totalRequests} requests in ${(elapsedMs / 1000).toFixed(2)} s`);
console.log(`request rate: ${achieved.toFixed(1)}/s of ${allowedPerSecond.toFixed(0)}/s allowed = ${((achieved / allowedPerSecond) * 100).toFixed(1)}% (target >= 90%)`);
console.log(`most requests in flight for one mailbox: ${stats.maxInFlightPerMailbox} (limit 4)`);
console.log(`429s: ${stats.rateLimited} in total; after the first window: ${sandbox.rateLimitedAfter(started + BUDGET.windowMs)} (target 0)`);

const incremental = await syncAll(full.cursors, "incremental sync");
const perStream = incremental.requests.map((count) => count / STREAM_NAMES.length);
console.log(
  `incremental sync, no changes: ${incremental.records} records, requests per stream per mailbox: ` +
    `${Math.min(...perStream).toFixed(2)}..${Math.max(...perStream).toFixed(2)} (target 1)`,
);
await sandbox.close();
