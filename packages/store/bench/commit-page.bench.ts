/**
 * commitPage throughput against the physical limit: the same rows loaded with COPY on the same engine.
 *
 *   pnpm --filter @gtm-clarity/store bench [-- --records 200000 --page-size 1000 --engines pglite,pg]
 *
 * Each engine runs in its own child process (so peak RSS is that engine's alone) on a fresh database: PGlite in a
 * temp folder (or in memory); on the server a new database, dropped afterwards. One tenant, two connections.
 * The load alternates in rounds of 20,000 rows: COPY a round into one connection, then commit the same rows page
 * by page with commitPage into the other. Both tables grow alike and both phases see the same machine load, so the
 * ratio holds up on a busy machine. Finally every page is committed again (all unchanged).
 *
 * Timed: COPY statements only (CSV building excluded: COPY is the server's raw ingest limit), and commitPage calls
 * only (generating the synthetic records is the benchmark's cost). commitPage time is everything a worker pays:
 * validation, dedupe, hashing, the transaction, the cursor and run counters.
 *
 * COPY: pg uses COPY ... FROM STDIN through pg's Submittable API (no pg-copy-streams); PGlite uses
 * COPY ... FROM '/dev/blob' with the `blob` query option.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createKeyRing, validateCanonicalRecord } from "@gtm-clarity/core";
import pg from "pg";
import { createPgDriver, createPgliteDriver, DEFAULT_LIMITS, openStore, type SqlDriver } from "../src/index.js";

const HELP = `Usage: pnpm --filter @gtm-clarity/store bench [-- options]

Measures commitPage throughput (records/s) beside raw COPY throughput of the same rows, per engine, with peak RSS.

Options:
  --records N         activity records to load (default 200000)
  --page-size N       records per commitPage call (default 1000)
  --batch-size N      records per upsert statement inside commitPage (default: the store's, ${DEFAULT_LIMITS.batchSize})
  --engines LIST      comma-separated: pglite,pg (default both)
  --database-url URL  server for the pg engine; a fresh database is created on it and dropped afterwards
                      (default: $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test)
  --pglite-dir DIR    PGlite storage: "tmp" (default) for a temporary folder on disk, as apps run it, or "memory"
                      (in-memory; its COPY from /dev/blob slows down as the database grows, so the ratio is moot)
  -h, --help          show this help

BENCH_SMOKE=1 only proves the benchmark runs (the README check sets it): the defaults become --records 2000
--page-size 200, and the figures mean nothing.
`;

/** BENCH_SMOKE=1: tiny defaults, so a check can run the benchmark as the README writes it in seconds. */
const SMOKE = process.env["BENCH_SMOKE"] === "1";

// `pnpm run bench -- --flag` hands the script a literal "--"; no option value here starts with "-", so drop it.
const argv = process.argv.slice(2).filter((arg) => arg !== "--");

const { values } = parseArgs({
  args: argv,
  options: {
    records: { type: "string", default: SMOKE ? "2000" : "200000" },
    "page-size": { type: "string", default: SMOKE ? "200" : "1000" },
    "batch-size": { type: "string", default: String(DEFAULT_LIMITS.batchSize) },
    engines: { type: "string", default: "pglite,pg" },
    "database-url": { type: "string" },
    "pglite-dir": { type: "string", default: "tmp" },
    /** Internal: run one engine and print its result as JSON on the last stdout line. */
    child: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const total = Number(values.records);
const pageSize = Number(values["page-size"]);
const batchSize = Number(values["batch-size"]);
for (const [name, value] of [["--records", total], ["--page-size", pageSize], ["--batch-size", batchSize]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer`);
    process.exit(2);
  }
}
const serverUrl = values["database-url"] ?? process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
const ROUND = 20_000;
const TENANT = "bench-tenant";

interface EngineResult {
  engine: string;
  copyRate: number;
  commitRate: number;
  recommitRate: number;
  rss: number;
}

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

const formatRate = (perSecond: number) => `${Math.round(perSecond).toLocaleString("en-US")} records/s`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function progress(label: string, done: number, seconds: number) {
  const line = `  ${label}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} (${formatRate(done / seconds)})`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}   ` : `${line}\n`);
}

function csvField(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** The rows commitPage writes for records [from, to), as CSV for COPY into `records` (not timed). */
function csvFor(from: number, to: number, connectionId: string): string {
  const lines: string[] = [];
  for (let i = from; i < to; i += 1) {
    const validation = validateCanonicalRecord(activity(i));
    if (!validation.ok) throw new Error("benchmark record is invalid");
    const { properties, ...data } = validation.record;
    const json = JSON.stringify(validation.record);
    lines.push(
      [
        TENANT,
        connectionId,
        data.kind,
        csvField(data.externalId),
        createHash("sha256").update(json).digest("hex"),
        data.remoteCreatedAt?.toISOString() ?? "",
        data.remoteUpdatedAt?.toISOString() ?? "",
        data.kind === "activity" ? data.occurredAt.toISOString() : "",
        data.isDeleted ? "t" : "f",
        csvField(JSON.stringify(data)),
        csvField(JSON.stringify(properties)),
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

const COPY_SQL = `COPY records (tenant_id, connection_id, kind, external_id, content_hash, remote_created_at,
  remote_updated_at, occurred_at, is_deleted, data, properties) FROM STDIN WITH (FORMAT csv)`;

async function openEngine(engine: string): Promise<{ driver: SqlDriver; cleanup: () => Promise<void> }> {
  if (engine === "pglite") {
    if (values["pglite-dir"] === "tmp") {
      const dir = mkdtempSync(join(tmpdir(), "store-bench-"));
      const driver = await createPgliteDriver({ dataDir: dir });
      return { driver, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    }
    if (values["pglite-dir"] === "memory") {
      return { driver: await createPgliteDriver({ dataDir: "memory://" }), cleanup: async () => undefined };
    }
    throw new Error(`--pglite-dir must be "tmp" or "memory", not "${values["pglite-dir"]}"`);
  }
  if (engine === "pg") {
    const database = `store_bench_${randomBytes(4).toString("hex")}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return {
      driver: createPgDriver({ databaseUrl: url.toString(), max: 4 }),
      cleanup: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    };
  }
  throw new Error(`unknown engine "${engine}" (expected pglite or pg)`);
}

async function benchEngine(engine: string): Promise<EngineResult> {
  const { driver, cleanup } = await openEngine(engine);
  try {
    const store = await openStore({
      driver,
      keyRing: createKeyRing(randomBytes(32).toString("hex")),
      limits: { batchSize },
    });
    await store.createTenant({ tenantId: TENANT });
    const connection = () =>
      store.createConnection({ tenantId: TENANT, connectorId: "bench", connectorVersion: "0.0.0", credentials: { k: "v" } });
    const copyTarget = await connection();
    const commitTarget = await connection();

    const commitPages = async (runId: string, from: number, to: number, expect: "created" | "unchanged") => {
      let elapsed = 0;
      for (let offset = from; offset < to; offset += pageSize) {
        const records = Array.from({ length: Math.min(pageSize, to - offset) }, (_, k) => activity(offset + k));
        const started = performance.now();
        const result = await store.commitPage({
          tenantId: TENANT,
          connectionId: commitTarget.id,
          runId,
          records,
          cursor: `offset:${offset + records.length}`,
        });
        elapsed += performance.now() - started;
        if (result[expect] !== records.length) {
          throw new Error(`expected ${records.length} ${expect}, got ${JSON.stringify(result)}`);
        }
      }
      return elapsed;
    };

    process.stderr.write(`\n[${engine}] ${total.toLocaleString("en-US")} activity records, pages of ${pageSize}\n`);
    const load = await store.startRun({ tenantId: TENANT, connectionId: commitTarget.id });
    let copyMs = 0;
    let commitMs = 0;
    for (let from = 0; from < total; from += ROUND) {
      const to = Math.min(total, from + ROUND);
      const csv = csvFor(from, to, copyTarget.id);
      const started = performance.now();
      await driver.copyFrom(COPY_SQL, csv);
      copyMs += performance.now() - started;
      commitMs += await commitPages(load.id, from, to, "created");
      progress(`COPY ${formatRate((to / copyMs) * 1000)} | commitPage`, to, commitMs / 1000);
    }
    process.stderr.write("\n");
    await store.finishRun({ tenantId: TENANT, runId: load.id, status: "succeeded" });
    const rss = process.resourceUsage().maxRSS * 1024;

    const again = await store.startRun({ tenantId: TENANT, connectionId: commitTarget.id });
    let recommitMs = 0;
    for (let from = 0; from < total; from += ROUND) {
      const to = Math.min(total, from + ROUND);
      recommitMs += await commitPages(again.id, from, to, "unchanged");
      progress("commitPage, same pages again", to, recommitMs / 1000);
    }
    process.stderr.write("\n");
    await store.finishRun({ tenantId: TENANT, runId: again.id, status: "succeeded" });
    await store.close();
    return {
      engine,
      copyRate: (total / copyMs) * 1000,
      commitRate: (total / commitMs) * 1000,
      recommitRate: (total / recommitMs) * 1000,
      rss,
    };
  } finally {
    await driver.close();
    await cleanup();
  }
}

/** Runs one engine in a child process and reads its JSON result; progress goes straight to our stderr. */
function runChild(engine: string): Promise<EngineResult> {
  const args = [
    "--import",
    "tsx",
    fileURLToPath(import.meta.url),
    "--child",
    engine,
    "--records",
    String(total),
    "--page-size",
    String(pageSize),
    "--batch-size",
    String(batchSize),
    "--database-url",
    serverUrl,
    "--pglite-dir",
    values["pglite-dir"],
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) return reject(new Error(`${engine} benchmark failed: ${error.message}`));
      const last = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(last) as EngineResult);
      } catch {
        reject(new Error(`${engine} benchmark printed no result`));
      }
    });
    child.stderr?.pipe(process.stderr);
  });
}

/** Whether the server for the pg engine answers at all; a machine without one skips that engine, visibly. */
async function serverReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

if (values.child !== undefined) {
  const result = await benchEngine(values.child);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const results: EngineResult[] = [];
  for (const engine of values.engines.split(",").map((name) => name.trim())) {
    const unreachable = engine === "pg" ? await serverReachable() : undefined;
    if (unreachable !== undefined) {
      const target = new URL(serverUrl);
      console.error(`[pg] SKIPPED: no PostgreSQL server at ${target.host} (${unreachable}); set DATABASE_URL or --database-url`);
      continue;
    }
    try {
      results.push(await runChild(engine));
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    }
  }
  console.log(
    `\n${total.toLocaleString("en-US")} activity records, pages of ${pageSize}, upsert batches of ${batchSize}\n`,
  );
  console.log("engine   COPY                 commitPage (new)     ratio   commitPage (unchanged)  peak RSS");
  for (const r of results) {
    console.log(
      `${r.engine.padEnd(8)} ${formatRate(r.copyRate).padEnd(20)} ${formatRate(r.commitRate).padEnd(20)} ` +
        `${((r.commitRate / r.copyRate) * 100).toFixed(0).padStart(4)}%   ${formatRate(r.recommitRate).padEnd(23)} ${mib(r.rss)}`,
    );
  }
  const server = results.find((r) => r.engine === "pg");
  if (server) {
    const ratio = server.commitRate / server.copyRate;
    console.log(`\nreal server: commitPage reaches ${(ratio * 100).toFixed(0)}% of COPY (target >= 40%)`);
  }
  console.log("peak RSS: each engine's own process, at the end of the load (PGlite runs inside that process).");
}
