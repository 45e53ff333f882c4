/**
 * `pnpm --filter @gtm-clarity/worker bench:sync`: end-to-end sync throughput of a large Fathom sandbox into real
 * PostgreSQL and into PGlite, each beside the same run's pull-only throughput (fetch + parse + transform, no store)
 * and store-only throughput (commitPage of pre-fetched pages), as ratios; with the peak RSS of every measured
 * process, and the peak RSS of an end-to-end sync of 10x the records, which should stay flat (pages stream through:
 * nothing grows with the size of the source).
 *
 * Every measurement runs in its own child process (this file with --child), so peak RSS is that phase's alone; the
 * sandbox lives in the parent.
 *
 * Options: see HELP below (`pnpm bench:sync -- --help`).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createKeyRing,
  noopLogger,
  parseConnectorSettings,
  type CanonicalRecord,
  type ConnectorDocument,
  type Credentials,
  type QuarantinedRecord,
} from "@gtm-clarity/core";
import { fathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { createPgDriver, openStore, type Store } from "@gtm-clarity/store";
import { storePort, type SyncStore } from "../src/activities/store-port.js";
import { createSyncActivities } from "../src/activities/sync-activities.js";
import { renderTable } from "../src/demo/table.js";
import { runSyncs } from "../src/runner/runner.js";
import { createThreadFetcher, fetchThreadsFrom } from "../src/fetching/thread-fetcher.js";
import type { PageFetcher } from "../src/fetching/page-fetcher.js";
import { createFathomConnection, fastFathom, lookup, TEST_KEY } from "../test/support/fixtures.js";

const FAST_CONNECTORS = new URL("../test/support/fast-connectors.ts", import.meta.url);

type Phase = "pull" | "store" | "e2e";

interface ChildTask {
  phase: Phase;
  sandboxUrl: string;
  /** The sandbox's credentials (secret inputs), as its descriptor gives them. */
  credentials: Credentials;
  /** "pglite:<dir>" or a postgres:// URL. */
  target: string;
}

interface ChildResult {
  phase: Phase;
  records: number;
  pages: number;
  /** Store phase: only the commits are timed (the pages were pulled beforehand). */
  seconds: number;
  peakRssMb: number;
  /** Heap still in use after a full GC at the end: what the process actually retained. */
  retainedHeapMb: number;
  /**
   * E2e phase: seconds the same run spent fetching pages and committing them (each summed over its calls). With
   * the prefetch the two overlap, so the run should take about the larger of them; unlike the ratios against the
   * other phases, this one cannot be skewed by the machine's load changing between phases.
   */
  fetchSeconds?: number;
  commitSeconds?: number;
  /**
   * CPU seconds the whole machine spent while the phase was timed (every process: this one, the sandbox, the
   * database server), from /proc/stat; undefined where there is none. Over `seconds`, how many cores were busy.
   */
  machineCpuSeconds?: number;
}

/** Busy CPU seconds of the whole machine so far (Linux), to tell a phase's CPU demand from its waiting. */
function machineBusySeconds(): number | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return undefined;
  }
}

/** BENCH_SMOKE=1: tiny defaults, so a check can run the benchmark as the README writes it. */
const SMOKE = process.env["BENCH_SMOKE"] === "1";
const DEFAULT_MEETINGS = SMOKE ? 100 : 20_000;
const DEFAULT_SCALE = SMOKE ? 2 : 10;
const DEFAULT_ROUNDS = SMOKE ? 1 : 3;
const DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres";

const HELP = `Usage: pnpm bench:sync [-- options]   (or pnpm --filter @gtm-clarity/worker bench:sync [-- options])

End-to-end sync throughput of a Fathom sandbox into PGlite and into PostgreSQL, beside pull-only and store-only
throughput of the same pages, with the peak RSS of each measured process; then an end-to-end sync of --scale times
the records, whose peak RSS should stay flat.

Options:
  --meetings N   meetings in the sandbox (default ${DEFAULT_MEETINGS.toLocaleString("en-US")}); 20,000 make about 77k records
  --scale K      size factor of the memory run (default ${DEFAULT_SCALE})
  --rounds N     runs of each phase, taking turns; each phase's fastest counts (default ${DEFAULT_ROUNDS})
  --skip-scale   no memory run at K times the size
  --skip-pglite  no PGlite runs
  --skip-pg      no PostgreSQL runs (skipped anyway, visibly, when the server does not answer)
  --pg URL       PostgreSQL server; a fresh database is created on it and dropped afterwards
                 (default ${DEFAULT_PG})
  --cpu-prof DIR write a V8 CPU profile of every phase's process and of its fetch threads into DIR/<phase>
                 (open them in Chrome DevTools; profiling slows the phases, so its figures are not comparable)
  -h, --help     show this help

The e2e phases fetch pages in a fetch thread, as the worker does; FETCH_THREADS=0 measures them fetched on the main
thread instead.

BENCH_SMOKE=1 only proves the benchmark runs (the README check sets it): the defaults become --meetings 100
--scale 2 --rounds 1, and the figures mean nothing.
`;

const self = fileURLToPath(import.meta.url);
const keyRing = createKeyRing(TEST_KEY);
process.env["CONNECTOR_ENCRYPTION_KEY"] = TEST_KEY;

async function openTarget(target: string): Promise<Store> {
  return target.startsWith("pglite:")
    ? openStore({ dataDir: target.slice("pglite:".length), keyRing })
    : openStore({ databaseUrl: target, keyRing });
}

async function newConnection(store: Store, task: ChildTask): Promise<{ tenantId: string; connectionId: string }> {
  const tenantId = `bench-${randomUUID().slice(0, 8)}`;
  await store.createTenant({ tenantId });
  const connectionId = await createFathomConnection(store, fastFathom(), { settings: () => ({ baseUrl: task.sandboxUrl }), credentials: task.credentials }, tenantId);
  return { tenantId, connectionId };
}

interface Page {
  records: CanonicalRecord[];
  documents: ConnectorDocument[];
  quarantined: QuarantinedRecord[];
  cursor: string | null;
}

/** Pulls every page through the connector (HTTP, JSON parse, zod, transform), keeping them when asked to. */
async function pullAll(task: ChildTask, keep: boolean): Promise<{ pages: Page[]; records: number; count: number }> {
  const connector = fastFathom();
  const { credentials } = task;
  const settings = parseConnectorSettings(connector, { baseUrl: task.sandboxUrl });
  const pages: Page[] = [];
  let cursor: string | null = null;
  let records = 0;
  let count = 0;
  for (;;) {
    const page = await connector.sync(credentials, cursor, { settings });
    records += page.records.length;
    count += 1;
    if (keep) pages.push({ records: page.records, documents: page.documents ?? [], quarantined: page.quarantined ?? [], cursor: page.cursor });
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { pages, records, count };
}

function cpuSince(before: number | undefined): { machineCpuSeconds?: number } {
  const after = machineBusySeconds();
  return before === undefined || after === undefined ? {} : { machineCpuSeconds: after - before };
}

async function child(task: ChildTask): Promise<Omit<ChildResult, "retainedHeapMb">> {
  const peak = () => Math.round(process.resourceUsage().maxRSS / 1024);
  if (task.phase === "pull") {
    const busy = machineBusySeconds();
    const started = performance.now();
    const { records, count } = await pullAll(task, false);
    return { phase: "pull", records, pages: count, seconds: (performance.now() - started) / 1000, peakRssMb: peak(), ...cpuSince(busy) };
  }
  const store = await openTarget(task.target);
  try {
    const target = await newConnection(store, task);
    if (task.phase === "store") {
      const { pages, records } = await pullAll(task, true);
      const run = await store.startRun({ ...target, fullRefresh: false });
      const busy = machineBusySeconds();
      const started = performance.now();
      for (const page of pages) {
        await store.commitPage({ ...target, runId: run.id, records: page.records, documents: page.documents, quarantined: page.quarantined, cursor: page.cursor });
      }
      const seconds = (performance.now() - started) / 1000;
      return { phase: "store", records, pages: pages.length, seconds, peakRssMb: peak(), ...cpuSince(busy) };
    }
    let fetchMs = 0;
    let commitMs = 0;
    const port = storePort(store);
    const timedPort: SyncStore = {
      ...port,
      commitPage: async (page) => {
        const began = performance.now();
        try {
          return await port.commitPage(page);
        } finally {
          commitMs += performance.now() - began;
        }
      },
    };
    // As the worker runs it: pages fetched in a fetch thread (which loads the same fast connector) while the page
    // before commits here. FETCH_THREADS=0 measures the single-threaded pipeline instead.
    const threads = createThreadFetcher({ logger: noopLogger, connectorsModule: FAST_CONNECTORS, exportName: "fastConnectors", threads: fetchThreadsFrom(process.env) });
    const fetcher: PageFetcher = {
      fetch: async (...args) => {
        const began = performance.now();
        try {
          return await threads.fetch(...args);
        } finally {
          fetchMs += performance.now() - began;
        }
      },
      warm: () => threads.warm(),
      close: () => threads.close(),
    };
    // A worker starts its fetch threads once, with the process; like opening the store, that is not the sync's time.
    await fetcher.warm();
    const activities = createSyncActivities({ store: timedPort, connectors: lookup(fastFathom()), fetcher });
    const busy = machineBusySeconds();
    const started = performance.now();
    const [result] = await runSyncs({ activities, targets: [target] }).finally(() => fetcher.close());
    if (result?.status !== "succeeded") throw new Error(`sync ${result?.status}: ${result?.error?.message ?? ""}`);
    return {
      phase: "e2e",
      records: result.counters.records,
      pages: result.counters.pages,
      seconds: (performance.now() - started) / 1000,
      peakRssMb: peak(),
      fetchSeconds: fetchMs / 1000,
      commitSeconds: commitMs / 1000,
      ...cpuSince(busy),
    };
  } finally {
    await store.close();
  }
}

/** `--cpu-prof DIR`: each phase's process (and its fetch threads) writes a CPU profile under DIR/<phase>. */
let cpuProfileDir: string | undefined;

function runChild(task: ChildTask): Promise<ChildResult> {
  const profile = cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${join(cpuProfileDir, task.phase)}`];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...profile, "--expose-gc", "--import", "tsx", self, "--child", JSON.stringify(task)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, DATABASE_URL: "" },
    });
    let out = "";
    proc.stdout.on("data", (c: Buffer) => (out += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`bench child (${task.phase}) exited ${code}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as ChildResult);
    });
  });
}

async function withFreshPgDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `gtm_bench_${Date.now()}`;
  const admin = createPgDriver({ databaseUrl: adminUrl, max: 1 });
  await admin.exec(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await fn(url.toString());
  } finally {
    await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.close();
  }
}

const rate = (r: ChildResult) => r.records / r.seconds;

/**
 * The CPU the machine spent on the pull-only and the store-only phase, beside what it spent end to end, and the
 * ceiling that puts on e2e/store here: both halves' CPU has to fit on this machine's cores in the e2e run, so it
 * cannot take less than (pull CPU + store CPU) / cores, however well the halves overlap.
 */
function cpuColumn(r: Partial<Record<Phase, ChildResult>>): string {
  const { pull, store, e2e } = r;
  if (pull?.machineCpuSeconds === undefined || store?.machineCpuSeconds === undefined || e2e?.machineCpuSeconds === undefined) return "";
  const floor = Math.max(store.seconds, pull.seconds, (pull.machineCpuSeconds + store.machineCpuSeconds) / availableParallelism());
  return `${pull.machineCpuSeconds.toFixed(1)} + ${store.machineCpuSeconds.toFixed(1)} / ${e2e.machineCpuSeconds.toFixed(1)} (${(store.seconds / floor).toFixed(2)})`;
}
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Why the server does not answer, or undefined when it does. */
async function pgUnreachable(adminUrl: string): Promise<string | undefined> {
  const admin = createPgDriver({ databaseUrl: adminUrl, max: 1 });
  try {
    await admin.exec("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      // `pnpm bench:sync -- --skip-scale` hands the "--" through; no option value here starts with "-", so drop it.
      args: process.argv.slice(2).filter((arg) => arg !== "--"),
      options: {
        child: { type: "string" },
        meetings: { type: "string" },
        scale: { type: "string" },
        rounds: { type: "string" },
        "skip-pg": { type: "boolean" },
        "skip-scale": { type: "boolean" },
        "skip-pglite": { type: "boolean" },
        pg: { type: "string" },
        "cpu-prof": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.child) {
    const result = await child(JSON.parse(values.child) as ChildTask);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const retainedHeapMb = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
    process.stdout.write(`${JSON.stringify({ ...result, retainedHeapMb })}\n`);
    return 0;
  }
  cpuProfileDir = values["cpu-prof"];
  let meetings: number;
  let scale: number;
  let rounds: number;
  try {
    meetings = positiveInteger("meetings", values.meetings, DEFAULT_MEETINGS);
    scale = positiveInteger("scale", values.scale, DEFAULT_SCALE);
    rounds = positiveInteger("rounds", values.rounds, DEFAULT_ROUNDS);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const pgAdmin = values.pg ?? DEFAULT_PG;
  let skipPg = values["skip-pg"] === true;
  if (!skipPg) {
    const why = await pgUnreachable(pgAdmin);
    if (why !== undefined) {
      console.error(`bench: PostgreSQL SKIPPED: no server answers at ${new URL(pgAdmin).host} (${why}); pass --pg URL`);
      skipPg = true;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "gtm-bench-"));
  const rows: string[][] = [];
  const lines: string[] = [];

  /**
   * Each phase `rounds` times, the phases taking turns (pull, store, e2e, pull, ...), keeping each phase's fastest
   * round: on a shared machine a phase that happened to run while someone else's build did would otherwise decide
   * a ratio; the best of several turns is what each phase can do here and now.
   */
  const measure = async (label: string, target: (name: string) => Promise<string> | string, size: number, phases: Phase[], turns = rounds) => {
    const sandbox = await fathomSandbox.start({ size, seed: 11, rateLimit: false });
    try {
      const results: Partial<Record<Phase, ChildResult>> = {};
      for (let round = 1; round <= turns; round += 1) {
        for (const phase of phases) {
          console.error(`bench: ${label} ${phase} (${fmt(size)} meetings), round ${round} of ${turns}…`);
          const result = await runChild({ phase, sandboxUrl: sandbox.url, credentials: sandbox.credentials, target: await target(`${phase}-${round}`) });
          const best = results[phase];
          if (!best || result.seconds < best.seconds) results[phase] = result;
        }
      }
      return results;
    } finally {
      await sandbox.close();
    }
  };

  try {
    const report = (label: string, r: Partial<Record<Phase, ChildResult>>) => {
      const e2e = r.e2e;
      if (!e2e) return;
      const pull = r.pull;
      const store = r.store;
      rows.push([
        label,
        fmt(e2e.records),
        fmt(e2e.pages),
        e2e.seconds.toFixed(1),
        fmt(rate(e2e)),
        fmt(e2e.peakRssMb),
        fmt(e2e.retainedHeapMb),
        pull ? fmt(rate(pull)) : "",
        pull ? (rate(e2e) / rate(pull)).toFixed(2) : "",
        store ? fmt(rate(store)) : "",
        store ? (rate(e2e) / rate(store)).toFixed(2) : "",
        [pull, store].filter(Boolean).map((x) => fmt(x?.peakRssMb ?? 0)).join(" / "),
        e2e.fetchSeconds !== undefined && e2e.commitSeconds !== undefined
          ? `${e2e.fetchSeconds.toFixed(1)} / ${e2e.commitSeconds.toFixed(1)} (${(Math.max(e2e.fetchSeconds, e2e.commitSeconds) / e2e.seconds).toFixed(2)})`
          : "",
        cpuColumn(r),
      ]);
      // As it happens, so an interrupted run still leaves its figures.
      console.error(`bench: ${label}: ${JSON.stringify(r)}`);
    };

    const pglite = values["skip-pglite"]
      ? {}
      : await measure("pglite", (turn) => `pglite:${join(dir, `pglite-${turn}`)}`, meetings, ["pull", "store", "e2e"]);
    report("PGlite", pglite);

    let pg: Partial<Record<Phase, ChildResult>> | undefined;
    if (!skipPg) {
      pg = await withFreshPgDatabase(pgAdmin, (url) => measure("postgres", () => url, meetings, ["pull", "store", "e2e"]));
      report("PostgreSQL", pg);
    }

    const memoryLine = (name: string, base: ChildResult, big: ChildResult) =>
      `${name}: peak RSS ${fmt(base.peakRssMb)} MB at ${fmt(base.records)} records, ${fmt(big.peakRssMb)} MB at ` +
      `${fmt(big.records)} (x${(big.peakRssMb / base.peakRssMb).toFixed(2)}); heap after GC ${fmt(base.retainedHeapMb)} MB vs ` +
      `${fmt(big.retainedHeapMb)} MB`;
    if (!values["skip-scale"]) {
      if (!values["skip-pglite"]) {
        const big = await measure(`pglite x${scale}`, () => `pglite:${join(dir, "pglite-scale")}`, meetings * scale, ["e2e"], 1);
        report(`PGlite x${scale}`, big);
        if (big.e2e && pglite.e2e) lines.push(memoryLine("PGlite", pglite.e2e, big.e2e));
      }
      if (!skipPg) {
        const bigPg = await withFreshPgDatabase(pgAdmin, (url) => measure(`postgres x${scale}`, () => url, meetings * scale, ["e2e"], 1));
        report(`PostgreSQL x${scale}`, bigPg);
        if (bigPg.e2e && pg?.e2e) lines.push(memoryLine("PostgreSQL", pg.e2e, bigPg.e2e));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(
    renderTable(
      ["store", "records", "pages", "seconds", "e2e rec/s", "peak RSS MB", "heap after GC MB", "pull-only rec/s", "e2e/pull", "store-only rec/s", "e2e/store", "pull/store RSS MB", "in-run fetch / commit s (max/e2e)", "machine CPU s pull + store / e2e (ceiling)"],
      rows,
    ),
  );
  console.log("");
  for (const line of lines) console.log(line);
  console.log(
    "e2e: sandbox -> connector -> validation -> prepareCommit (in the fetch thread) -> commitPrepared (one transaction per page) via the in-process runner; " +
      "pull-only: the same pages fetched, parsed and transformed, nothing stored; store-only: the same pages committed from memory (commitPage); " +
      "in-run fetch / commit: the e2e run's own time fetching and committing (they overlap: fetches run ahead of the commits, in a fetch thread), " +
      "and the larger of them over the run's wall time (1.00: the run took exactly as long as its slower half); " +
      "machine CPU: CPU seconds of every process on the machine (sandbox and database server included) during the timed part of each phase, " +
      "and the ceiling that sets on e2e/store here: the e2e run cannot take less than the pull's and the store's CPU over the cores.",
  );
  console.log(`Each figure is its phase's fastest of ${rounds} round(s), the phases taking turns; the x${scale} runs are one round.`);
  return 0;
}

process.exitCode = await main();
