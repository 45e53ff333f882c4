/**
 * commitPage throughput against the physical limit: the same rows loaded with COPY on the same engine.
 *
 *   pnpm --filter @gtm-clarity/store bench [-- --records 200000 --page-size 1000 --engines pglite,pg]
 *
 * For each engine: a fresh database (PGlite in memory or a temp folder; on the server a new database that is
 * dropped afterwards), one tenant with two connections. Rows are COPYed into one connection first, then committed
 * page by page with commitPage into the other (so commitPage runs against the bigger table: the ratio is
 * conservative), then the same pages are committed again (all unchanged). COPY time counts only the COPY statements;
 * CSV building is excluded, so COPY is the server's raw ingest limit. commitPage time is everything the worker pays:
 * validation, dedupe, hashing, the transaction, the cursor.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createKeyRing } from "@gtm-clarity/core";
import pg from "pg";
import { createPgDriver, createPgliteDriver, openStore, type SqlDriver } from "../src/index.js";
import { prepareRecords } from "../src/prepare.js";
import { DEFAULT_LIMITS } from "../src/store.js";

const HELP = `Usage: pnpm --filter @gtm-clarity/store bench [-- options]

Measures commitPage throughput (records/s) beside raw COPY throughput of the same rows, per engine.

Options:
  --records N         activity records to load (default 200000)
  --page-size N       records per commitPage call (default 1000)
  --engines LIST      comma-separated: pglite,pg (default both)
  --database-url URL  server for the pg engine; a fresh database is created on it and dropped afterwards
                      (default: $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
  --pglite-dir DIR    PGlite data folder: "memory" (default) or "tmp" for a temporary folder on disk
  -h, --help          show this help
`;

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "200000" },
    "page-size": { type: "string", default: "1000" },
    engines: { type: "string", default: "pglite,pg" },
    "database-url": { type: "string" },
    "pglite-dir": { type: "string", default: "memory" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const total = Number(values.records);
const pageSize = Number(values["page-size"]);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(pageSize) || pageSize < 1) {
  console.error("--records and --page-size must be positive integers");
  process.exit(2);
}
const engines = values.engines.split(",").map((engine) => engine.trim());
const serverUrl = values["database-url"] ?? process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

const TENANT = "bench-tenant";
const keyRing = createKeyRing(randomBytes(32).toString("hex"));

/** A realistic activity: a meeting with a handful of source extras (~600 bytes as JSON). */
function activity(i: number) {
  const day = new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000);
  return {
    kind: "activity",
    externalId: `act-${i.toString().padStart(8, "0")}`,
    type: i % 3 === 0 ? "meeting" : i % 3 === 1 ? "email_sent" : "page_view",
    channel: i % 3 === 0 ? "video" : i % 3 === 1 ? "email" : "web",
    occurredAt: day.toISOString(),
    durationSeconds: (i % 90) * 60,
    subject: `Quarterly business review #${i} with the Acme Corp buying committee`,
    direction: "outbound",
    personExternalId: `person-${i % 5000}`,
    accountExternalId: `account-${i % 800}`,
    remoteCreatedAt: day.toISOString(),
    remoteUpdatedAt: new Date(day.getTime() + 3_600_000).toISOString(),
    properties: {
      recordingUrl: `https://video.example.com/recordings/${i}`,
      attendees: [`rep${i % 40}@seller.example`, `buyer${i % 900}@acme.example`],
      sentiment: (i % 100) / 100,
      tags: ["qbr", i % 2 === 0 ? "renewal" : "expansion"],
      source: { system: "bench", shard: i % 16 },
    },
  };
}

function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString("en-US")} records/s`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** resourceUsage().maxRSS is in KiB and is the peak so far for the whole process. */
function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function progress(label: string, done: number, seconds: number) {
  if (!process.stderr.isTTY && done !== total && done % (pageSize * 20) !== 0) return;
  const line = `  ${label}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${formatRate(done / seconds)})`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}   ` : `${line}\n`);
  if (process.stderr.isTTY && done === total) process.stderr.write("\n");
}

/** CSV for COPY into `records`, from the same prepared rows commitPage writes. */
function csvField(value: string | null): string {
  if (value === null) return "";
  return `"${value.replace(/"/g, '""')}"`;
}

async function copyRows(driver: SqlDriver, connectionId: string): Promise<number> {
  const chunk = 20_000;
  let elapsed = 0;
  for (let offset = 0; offset < total; offset += chunk) {
    const raw = Array.from({ length: Math.min(chunk, total - offset) }, (_, k) => activity(offset + k));
    const { records } = prepareRecords(raw, DEFAULT_LIMITS);
    const csv = records
      .map((r) =>
        [
          TENANT,
          connectionId,
          r.kind,
          csvField(r.externalId),
          r.contentHash,
          r.remoteCreatedAt ?? "",
          r.remoteUpdatedAt ?? "",
          r.occurredAt ?? "",
          r.isDeleted ? "t" : "f",
          csvField(r.data),
          csvField(r.properties),
        ].join(","),
      )
      .join("\n");
    const t0 = performance.now();
    await driver.copyFrom(
      `COPY records (tenant_id, connection_id, kind, external_id, content_hash, remote_created_at, remote_updated_at,
                     occurred_at, is_deleted, data, properties) FROM STDIN WITH (FORMAT csv)`,
      `${csv}\n`,
    );
    elapsed += performance.now() - t0;
    progress("COPY", offset + raw.length, elapsed / 1000);
  }
  return elapsed / 1000;
}

interface EngineResult {
  engine: string;
  copyRate: number;
  commitRate: number;
  recommitRate: number;
  rss: number;
}

async function benchEngine(engine: string): Promise<EngineResult> {
  let driver: SqlDriver;
  let cleanup = async () => {};
  if (engine === "pglite") {
    if (values["pglite-dir"] === "tmp") {
      const dir = mkdtempSync(join(tmpdir(), "store-bench-"));
      driver = await createPgliteDriver({ dataDir: dir });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      driver = await createPgliteDriver({ dataDir: "memory://" });
    }
  } else if (engine === "pg") {
    const database = `store_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    driver = createPgDriver({ databaseUrl: url.toString(), max: 4 });
    cleanup = async () => {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await dropper.end();
    };
  } else {
    throw new Error(`unknown engine ${engine}`);
  }

  try {
    const store = await openStore({ driver, keyRing });
    await store.createTenant({ tenantId: TENANT });
    const copyTarget = await store.createConnection({
      tenantId: TENANT,
      connectorId: "bench",
      connectorVersion: "0.0.0",
      credentials: { apiKey: "bench" },
    });
    const commitTarget = await store.createConnection({
      tenantId: TENANT,
      connectorId: "bench",
      connectorVersion: "0.0.0",
      credentials: { apiKey: "bench" },
    });

    console.log(`\n[${engine}] ${total.toLocaleString("en-US")} activity records, pages of ${pageSize}`);
    const copySeconds = await copyRows(driver, copyTarget.id);
    const copyRate = total / copySeconds;

    const commitAll = async (label: string, expect: "created" | "unchanged") => {
      const run = await store.startRun({ tenantId: TENANT, connectionId: commitTarget.id });
      const started = performance.now();
      for (let offset = 0; offset < total; offset += pageSize) {
        const records = Array.from({ length: Math.min(pageSize, total - offset) }, (_, k) => activity(offset + k));
        const result = await store.commitPage({
          tenantId: TENANT,
          connectionId: commitTarget.id,
          runId: run.id,
          records,
          cursor: `offset:${offset + records.length}`,
        });
        if (result[expect] !== records.length) {
          throw new Error(`${label}: expected ${records.length} ${expect}, got ${JSON.stringify(result)}`);
        }
        progress(label, offset + records.length, (performance.now() - started) / 1000);
      }
      const seconds = (performance.now() - started) / 1000;
      await store.finishRun({ tenantId: TENANT, runId: run.id, status: "succeeded" });
      return total / seconds;
    };
    const commitRate = await commitAll("commitPage (new)", "created");
    const rss = peakRss();
    const recommitRate = await commitAll("commitPage (same pages again)", "unchanged");
    await store.close();
    return { engine, copyRate, commitRate, recommitRate, rss };
  } finally {
    await driver.close();
    await cleanup();
  }
}

const results: EngineResult[] = [];
for (const engine of engines) {
  try {
    results.push(await benchEngine(engine));
  } catch (error) {
    console.error(`[${engine}] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

console.log("\nengine   COPY                 commitPage (new)     ratio   re-commit (unchanged)  peak RSS");
for (const r of results) {
  console.log(
    `${r.engine.padEnd(8)} ${formatRate(r.copyRate).padEnd(20)} ${formatRate(r.commitRate).padEnd(20)} ` +
      `${((r.commitRate / r.copyRate) * 100).toFixed(0).padStart(4)}%   ${formatRate(r.recommitRate).padEnd(22)} ${mib(r.rss)}`,
  );
}
const server = results.find((r) => r.engine === "pg");
if (server) {
  const ratio = server.commitRate / server.copyRate;
  console.log(`\nreal server: commitPage reaches ${(ratio * 100).toFixed(0)}% of COPY (target >= 40%)`);
}
console.log("peak RSS is the process peak after the commitPage (new) phase, COPY phase included.");
