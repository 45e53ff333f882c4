/**
 * A full sync of a large sandbox data set, without client-side pacing: pages, records per second, HTTP requests.
 * `pnpm bench`; BENCH_RECORDS sets the records per kind (default 2,000).
 */
import { parseArgs } from "node:util";
import { O365Connector } from "../src/connector.js";
import { sandboxData, startO365Sandbox } from "../src/sandbox/index.js";
import { STREAM_KINDS } from "../src/streams.js";

const HELP = `Full sync of a large Microsoft 365 sandbox data set: pages, records per second, HTTP requests.

Usage: pnpm --filter @gtm-clarity/connector-o365 bench [-- --help]

BENCH_RECORDS sets the records per kind (default 2,000); BENCH_SMOKE=1 makes it 20, to prove the benchmark runs.
`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { help: { type: "boolean", default: false } },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const binding = { tenantId: "bench", connectionId: "bench" };
const count = Number(process.env["BENCH_RECORDS"] ?? (process.env["BENCH_SMOKE"] === "1" ? 20 : 2_000));
const sandbox = await startO365Sandbox({
  data: sandboxData(Object.fromEntries(STREAM_KINDS.map((kind) => [kind, count]))),
  pageSize: 100,
  rateLimit: false,
  rateLimitOnRequests: [],
});
try {
  const connector = new O365Connector({ rateLimit: { respectHeaders: true } });
  const started = performance.now();
  let cursor: string | null = null;
  let pages = 0;
  let records = 0;
  let requests = 0;
  for (;;) {
    const page = await connector.sync(sandbox.credentials, cursor, { settings: sandbox.settings(binding) });
    pages += 1;
    records += page.records.length + (page.quarantined?.length ?? 0);
    requests += page.stats.requests ?? 0;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    records,
    pages,
    requests,
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: Math.round(records / seconds),
  };
  console.log(JSON.stringify(summary));
} finally {
  await sandbox.close();
}
