/**
 * `worker demo`: the README's main job. With no configuration at all it creates an encryption key for the local
 * data folder (once), starts every deployed connector's sandbox on loopback, creates a demo tenant with one
 * connection per connector, runs a full sync and then an incremental one in-process into PGlite, and prints what
 * happened. Running it again is safe: the same tenant and connections are reused and re-pointed at the new sandboxes.
 */
import { createHash } from "node:crypto";
import { isNotFoundError, type Logger } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import type { FaultSpec, RunningSandbox } from "@gtm-clarity/testkit/sandbox";
import { z } from "zod";
import { logLevelFrom, openApp, type AppOptions } from "../app.js";
import { connect, secretsMode } from "../connect.js";
import { connectorRegistry, deployedConnectors, sandboxes as deployedSandboxes, type DeployedSandbox } from "../connectors.js";
import { ProgressDisplay, formatCount } from "../runner/progress.js";
import { runSyncs, type RunnerTarget } from "../runner/runner.js";
import type { SyncLoopResult } from "../runner/sync-loop.js";
import { renderTable } from "./table.js";
import { pushTitleChanges, readBack } from "./writeback-round-trip.js";

export const DEMO_TENANT = "demo";
/** Same seed, same source data and credentials: a second demo run finds nothing new in its full sync. */
export const DEMO_SEED = 7;
/** The DPA text the demo tenant accepts, so DPA-gated connectors run. */
const DEMO_DPA_VERSION = "demo";
/** Items the incremental sync finds at each source. */
const NEW_ITEMS = 3;
/**
 * Two malformed items, armed once the connection is made (so only the full sync's first two pages see them): the
 * summary shows them quarantined with reasons, never silently dropped.
 */
const DEMO_FAULTS: readonly FaultSpec[] = [
  { fault: { kind: "malformed-item", position: 3 } },
  { fault: { kind: "malformed-item", position: 0 }, after: 1 },
];

/** A sandbox's settings for a connection: an object of named settings, whatever the connector. */
const SandboxSettings = z.record(z.string(), z.unknown());

export interface DemoOptions extends Pick<AppOptions, "dataDir" | "env"> {
  /** Source size per connector (Fathom: meetings). Default 200. */
  size?: number;
  concurrency?: number;
  out?: NodeJS.WritableStream;
  progress?: ProgressDisplay;
  /** Aborts between pages (Ctrl-C). */
  stop?: AbortSignal;
}

export interface DemoConnectionSummary {
  connectorId: string;
  version: string;
  connectionId: string;
  recordsByKind: Record<string, number>;
  documents: number;
  full: RunFigures;
  incremental: RunFigures;
}

export interface RunFigures {
  status: string;
  pages: number;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  requests: number;
  seconds: number;
}

export interface DemoResult {
  dataDir: string;
  keySource: string;
  keyCreated: boolean;
  connections: DemoConnectionSummary[];
  skipped: string[];
  /** One line per writeback round trip (connector, record, outcome at the source, read back or not). */
  writeback: string[];
}

/** A stable UUID per (tenant, connector): the demo finds its connections again on the next run. */
export function demoConnectionId(connectorId: string): string {
  const hex = createHash("sha256").update(`gtm-demo:${DEMO_TENANT}:${connectorId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Creates the demo connection, or re-points the existing one at this run's sandbox (a new port every run). */
async function upsertDemoConnection(
  store: Store,
  deployed: DeployedSandbox,
  sandbox: RunningSandbox<unknown>,
  logger: Logger,
  dpaAcceptedAt: Date | null,
): Promise<string> {
  const connectorId = deployed.descriptor.connectorId;
  const connector = connectorRegistry.get(connectorId);
  const connectionId = demoConnectionId(connectorId);
  const binding = { tenantId: DEMO_TENANT, connectionId };
  const given = SandboxSettings.parse(sandbox.settings(binding));
  // The same path as `worker connections add`: settings and secrets checked by the connector's own schemas.
  // An OAuth connector's sandbox hands over the tokens of a consent it gave itself, and names its app registration.
  const oauth = secretsMode(connector) === "oauth";
  if (oauth && sandbox.oauthEnv) Object.assign(process.env, sandbox.oauthEnv());
  const { settings, credentials } = await connect({
    ...binding,
    connector,
    settings: { ...given, ...deployed.demoSettings },
    ...(oauth ? { oauthTokens: sandbox.credentials } : { secrets: sandbox.credentials }),
    dpaAcceptedAt,
  });
  try {
    await store.getConnection(binding);
    await store.updateConnection({ ...binding, settings, connectorVersion: connector.version });
    await store.updateCredentials({ ...binding, credentials, status: "active" });
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    await store.createConnection({ ...binding, connectorId, connectorVersion: connector.version, settings, credentials });
    logger.info("demo connection created", { connectionId, connectorId });
  }
  return connectionId;
}

async function figures(store: Store, result: SyncLoopResult, requests: number): Promise<RunFigures> {
  const run = result.runId ? await store.getRun({ tenantId: result.tenantId, runId: result.runId }) : undefined;
  return {
    status: result.status,
    pages: result.counters.pages,
    records: result.counters.records,
    created: run?.created ?? 0,
    updated: run?.updated ?? 0,
    unchanged: run?.unchanged ?? 0,
    quarantined: run?.quarantined ?? result.counters.quarantined,
    requests,
    seconds: result.durationMs / 1000,
  };
}

async function countByKind(store: Store, connectionId: string): Promise<{ byKind: Record<string, number>; documents: number }> {
  return store.withTenant(DEMO_TENANT, async (tx) => {
    const kinds = await tx.query<{ kind: string; n: number }>(
      "SELECT kind, count(*)::int AS n FROM records WHERE connection_id = $1 AND NOT is_deleted GROUP BY kind ORDER BY kind",
      [connectionId],
    );
    const docs = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM documents WHERE connection_id = $1", [connectionId]);
    return { byKind: Object.fromEntries(kinds.rows.map((row) => [row.kind, row.n])), documents: docs.rows[0]?.n ?? 0 };
  });
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? process.stdout;
  const say = (line = "") => out.write(`${line}\n`);
  const progressDisplay = options.progress ?? new ProgressDisplay();
  const app = await openApp({
    createKey: true,
    // Quarantine and the like show in the summary; only errors interrupt the progress line.
    logLevel: logLevelFrom(options.env ?? process.env, "error"),
    logDestination: (line) => progressDisplay.log(line),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...(options.env ? { env: options.env } : {}) });
  const sandboxes = new Map<string, RunningSandbox<unknown>>();
  try {
    say(`GTM Clarity demo: data in ${app.location}`);
    say(
      app.key.created
        ? `Created an encryption key for this data folder at ${app.key.source} (mode 0600). Keep it: credentials stored here need it.`
        : `Using the encryption key from ${app.key.source}.`,
    );

    const skipped: string[] = [];
    const reasons: string[] = [];
    const described = new Map<string, DeployedSandbox>();
    for (const { id } of deployedConnectors()) {
      const deployed = deployedSandboxes.find((entry) => entry.descriptor.connectorId === id);
      if (!deployed) {
        skipped.push(id);
        reasons.push(`${id} (no sandbox)`);
        continue;
      }
      const running = await deployed.descriptor.start({ seed: DEMO_SEED, size: options.size ?? 200 });
      // An OAuth-only connector runs here only when its sandbox names its app registration (the web app connects it
      // through a consent page otherwise).
      if (secretsMode(connectorRegistry.get(id)) === "oauth" && running.oauthEnv === undefined) {
        await running.close();
        skipped.push(id);
        reasons.push(`${id} (OAuth only)`);
        continue;
      }
      described.set(id, deployed);
      sandboxes.set(id, running);
    }
    await app.store.createTenant({ tenantId: DEMO_TENANT, name: "Demo tenant" });
    // Microsoft 365 may run only for a tenant that accepted the data processing agreement: the demo tenant does.
    const tenant = [...described.keys()].some((id) => connectorRegistry.get(id).requiresDpa === true)
      ? await app.store.acceptDpa({ tenantId: DEMO_TENANT, version: DEMO_DPA_VERSION })
      : await app.store.getTenant({ tenantId: DEMO_TENANT });
    const targets: (RunnerTarget & { connectorId: string })[] = [];
    for (const [connectorId, sandbox] of sandboxes) {
      const deployed = described.get(connectorId);
      if (!deployed) continue;
      const connectionId = await upsertDemoConnection(app.store, deployed, sandbox, app.logger, tenant.dpaAcceptedAt);
      for (const fault of DEMO_FAULTS) sandbox.faults.arm(fault);
      targets.push({ tenantId: DEMO_TENANT, connectionId, label: connectorId, connectorId });
      say(`${connectorId}: sandbox at ${sandbox.url}, connection ${connectionId}`);
    }
    if (reasons.length > 0) say(`Skipped: ${reasons.join(", ")}`);

    const pass = async (fullSync: boolean) => {
      const before = new Map([...sandboxes].map(([id, s]) => [id, s.stats().requests]));
      const progress = progressDisplay;
      const results = await runSyncs({
        activities: app.activities,
        targets,
        fullSync,
        trigger: "demo",
        concurrency: options.concurrency ?? 4,
        progress,
        ...(options.stop ? { stop: options.stop } : {}),
      });
      return results.map((result, index) => {
        const id = targets[index]?.connectorId ?? "";
        return { result, requests: (sandboxes.get(id)?.stats().requests ?? 0) - (before.get(id) ?? 0) };
      });
    };

    say("\nFull sync…");
    const full = await pass(true);
    say("Writeback: a title change per writeback-capable connection, through the outbox…");
    const trips = await pushTitleChanges(app, targets);
    for (const sandbox of sandboxes.values()) await sandbox.addNewData(NEW_ITEMS);
    say("Incremental sync (a few new items at each source)…");
    const incremental = await pass(false);
    const writeback = await readBack(app, trips);

    const connections: DemoConnectionSummary[] = [];
    for (const [index, target] of targets.entries()) {
      const f = full[index];
      const i = incremental[index];
      if (!f || !i) continue;
      const counts = await countByKind(app.store, target.connectionId);
      connections.push({
        connectorId: target.connectorId,
        version: f.result.connectorVersion ?? connectorRegistry.get(target.connectorId).version,
        connectionId: target.connectionId,
        recordsByKind: counts.byKind,
        documents: counts.documents,
        full: await figures(app.store, f.result, f.requests),
        incremental: await figures(app.store, i.result, i.requests),
      });
    }
    say();
    say(renderSummary(connections));
    for (const line of writeback) say(line);
    say();
    say("Next: `worker runs list --tenant demo`, `worker connections list --tenant demo`, or run the demo again.");
    return { dataDir: app.location, keySource: app.key.source, keyCreated: app.key.created, connections, skipped, writeback };
  } finally {
    for (const sandbox of sandboxes.values()) await sandbox.close();
    await app.close();
  }
}

const plural = (kind: string) => (kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : `${kind}s`);

const rate = (records: number, seconds: number) => (seconds > 0 ? formatCount(Math.round(records / seconds)) : "-");

export function renderSummary(connections: readonly DemoConnectionSummary[]): string {
  const kinds = [...new Set(connections.flatMap((c) => Object.keys(c.recordsByKind)))].sort();
  const rows: string[][] = [];
  for (const c of connections) {
    const kindCells = kinds.map((kind) => formatCount(c.recordsByKind[kind] ?? 0));
    for (const [label, run] of [
      ["full", c.full],
      ["incremental", c.incremental],
    ] as const) {
      rows.push([
        label === "full" ? `${c.connectorId}@${c.version}` : "",
        label,
        run.status,
        ...(label === "full" ? kindCells : kinds.map(() => "")),
        label === "full" ? formatCount(c.documents) : "",
        formatCount(run.quarantined),
        formatCount(run.pages),
        formatCount(run.requests),
        formatCount(run.records),
        `${formatCount(run.created)}/${formatCount(run.updated)}/${formatCount(run.unchanged)}`,
        run.seconds.toFixed(2),
        rate(run.records, run.seconds),
      ]);
    }
  }
  const table = renderTable(
    [
      "connector",
      "sync",
      "status",
      ...kinds.map(plural),
      "documents",
      "quarantined",
      "pages",
      "requests",
      "records read",
      "new/changed/same",
      "seconds",
      "records/s",
    ],
    rows,
  );
  const notes = connections.map((c) => {
    const share = c.full.records > 0 ? (100 * c.incremental.records) / c.full.records : 0;
    return (
      `${c.connectorId}: the incremental sync read ${formatCount(c.incremental.records)} records in ${c.incremental.pages} page(s) ` +
      `(${share.toFixed(1)}% of the full sync's ${formatCount(c.full.records)}) and wrote ` +
      `${formatCount(c.incremental.created + c.incremental.updated)}; the rest was already stored.`
    );
  });
  return [table, "", ...notes].join("\n");
}
