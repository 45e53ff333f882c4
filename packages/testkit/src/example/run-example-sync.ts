/**
 * `pnpm demo`: runs the example connector against its loopback sandbox the way the worker will run any
 * connector: one page per `sync` call, looping while `hasMore`, then an incremental sync from the saved cursor.
 */
import { parseArgs } from "node:util";
import {
  connectorRegistry,
  createRedactingLogger,
  noopLogger,
  type CanonicalRecord,
  type Logger,
  type QuarantinedRecord,
} from "@gtm-clarity/core";
import { EXAMPLE_CONNECTOR_ID, ExampleConnector, startExampleSandbox } from "./index.js";

const USAGE = `Usage: pnpm demo [options]   (or: pnpm --filter @gtm-clarity/testkit example-sync -- [options])

Starts the example source's sandbox on 127.0.0.1, runs a full sync through the example connector page by page,
changes a few records in the sandbox, runs an incremental sync from the saved cursor, and prints a summary.

Options:
  --page-size <n>   rows per API page, 1-100 (default 25)
  --latency <ms>    sandbox delay per response, to watch the pages go by (default 15)
  --no-rate-limit   do not answer one page with 429 + Retry-After
  --verbose         print the connector's (redacted) log lines to stderr
  -h, --help        show this help
`;

const out = (line = "") => process.stdout.write(`${line}\n`);

interface RunTotals {
  label: string;
  pages: number;
  accounts: number;
  people: number;
  activities: number;
  quarantined: QuarantinedRecord[];
  requests: number;
  ms: number;
  cursor: string | null;
}

function countKinds(records: readonly CanonicalRecord[]) {
  const counts = { account: 0, person: 0, activity: 0 };
  for (const record of records) counts[record.kind] += 1;
  return counts;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join("  ");
  const [head, ...body] = rows;
  if (!head) return [];
  return [line(head), widths.map((width) => "-".repeat(width)).join("  "), ...body.map(line)];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    // `pnpm example-sync -- --verbose` hands the "--" through; drop it so the options after it still parse.
    args: process.argv.slice(2).filter((arg) => arg !== "--"),
    options: {
      "page-size": { type: "string" },
      latency: { type: "string" },
      "no-rate-limit": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const pageSize = Number(values["page-size"] ?? 25);
  const latencyMs = Number(values.latency ?? 15);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new Error("--page-size must be an integer from 1 to 100");
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error("--latency must be a number of milliseconds >= 0");

  const logger: Logger = values.verbose
    ? createRedactingLogger((entry) => process.stderr.write(`  [${entry.level}] ${entry.message} ${JSON.stringify(entry.fields)}\n`))
    : noopLogger;

  // The connector comes from the registry, as in the worker: importing ./index.js registered it.
  const connector = connectorRegistry.get(EXAMPLE_CONNECTOR_ID);
  const sandbox = await startExampleSandbox({
    latencyMs,
    ...(values["no-rate-limit"] ? { rateLimitOnce: false as const } : {}),
  });
  // A non-default page size needs a connector configured for it; the registered one uses the default.
  const syncing = pageSize === 25 ? connector : new ExampleConnector({ pageSize });

  try {
    out(`${connector.name} connector ${connector.version} -> sandbox ${sandbox.baseUrl}`);
    const seeded = sandbox.counts();
    out(`sandbox holds ${seeded.accounts} accounts, ${seeded.people} people, ${seeded.activities} activities`);
    const health = await syncing.healthCheck(sandbox.credentials);
    out(`health check: ${health.healthy ? "healthy" : `UNHEALTHY (${health.error ?? "no reason"})`} in ${health.latencyMs ?? "?"} ms`);
    out();

    const runSync = async (label: string, cursor: string | null): Promise<RunTotals> => {
      const totals: RunTotals = { label, pages: 0, accounts: 0, people: 0, activities: 0, quarantined: [], requests: 0, ms: 0, cursor };
      const started = performance.now();
      out(`${label} sync${cursor === null ? " (no cursor)" : " (from saved cursor)"}`);
      for (;;) {
        const page = await syncing.sync(sandbox.credentials, totals.cursor, { logger });
        totals.pages += 1;
        const kinds = countKinds(page.records);
        totals.accounts += kinds.account;
        totals.people += kinds.person;
        totals.activities += kinds.activity;
        totals.quarantined.push(...(page.quarantined ?? []));
        totals.requests += page.stats.requests ?? 0;
        totals.cursor = page.cursor;
        out(
          `  page ${String(totals.pages).padStart(2)}: +${String(kinds.account).padStart(2)} accounts ` +
            `+${String(kinds.person).padStart(2)} people +${String(kinds.activity).padStart(2)} activities` +
            `${page.quarantined?.length ? `, ${page.quarantined.length} quarantined` : ""}` +
            `  | running total ${totals.accounts + totals.people + totals.activities}` +
            `  | ${page.stats.requests ?? "?"} request(s)${page.hasMore ? "" : "  | done"}`,
        );
        if (!page.hasMore) break;
      }
      totals.ms = Math.round(performance.now() - started);
      return totals;
    };

    const full = await runSync("full", null);
    out();
    const added = sandbox.addActivity({ type: "meeting", subject: "Pricing review", duration_seconds: 2700 });
    const changed = sandbox.updatePerson("per_0002", { job_title: "Chief Revenue Officer" });
    out(`source changed: added activity ${added.id}, updated person ${changed.id}`);
    const incremental = await runSync("incremental", full.cursor);
    out();

    out("summary");
    for (const line of table([
      ["run", "pages", "accounts", "people", "activities", "quarantined", "requests", "ms"],
      ...[full, incremental].map((run) => [
        run.label,
        String(run.pages),
        String(run.accounts),
        String(run.people),
        String(run.activities),
        String(run.quarantined.length),
        String(run.requests),
        String(run.ms),
      ]),
    ])) {
      out(`  ${line}`);
    }
    out(`  sandbox: ${sandbox.requests} requests received, ${sandbox.rateLimited} answered 429 (retried by the client)`);
    for (const item of [...full.quarantined, ...incremental.quarantined]) {
      out(`  quarantined ${item.externalId ?? "(no id)"}: ${item.reasons.map((reason) => `${reason.path}: ${reason.message}`).join("; ")}`);
    }
    return 0;
  } finally {
    await sandbox.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`example sync failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
