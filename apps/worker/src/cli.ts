/**
 * `worker`: the GTM Clarity sync worker. Every command has --help.
 *
 *   start                      run the Temporal worker (production)
 *   sync                       sync connections in-process, no Temporal (embedded default)
 *   connections add|list|remove
 *   runs list
 *   schedules sync             one Temporal schedule per connection
 *   connectors                 the deployed connectors and their versions
 *   demo                       the end-to-end demo against loopback sandboxes
 *   writeback enqueue|list|drain  canonical changes pushed back to a source (./writeback/cli-commands.ts)
 */
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { isConnectorError, redactString, type CanonicalRecord, type Connector } from "@gtm-clarity/core";
import type { Connection, Store } from "@gtm-clarity/store";
import { openApp, logLevelFrom } from "./app.js";
import { HELP_OPTION, optionsHelp, parseArgsOptions, usageLine, type OptionDef } from "./cli-options.js";
import { connect, oauthOnlyMessage, secretsMode } from "./connect.js";
import { InputError, secretsFromFlags, secretsNote, settingOptions, settingsFromFlags } from "./connection-input.js";
import { connectorRegistry, deployedConnectors } from "./connectors.js";
import { runDemo } from "./demo/demo.js";
import { renderTable } from "./demo/table.js";
import { formatCount, ProgressDisplay } from "./runner/progress.js";
import { runSyncs, type RunnerTarget } from "./runner/runner.js";
import { formatCounts, statsLines } from "./runner/run-stats.js";
import { closeStaleRuns } from "./runner/stale-runs.js";
import { drainerFor, WRITEBACK_SUBCOMMANDS, writebackCommands } from "./writeback/cli-commands.js";

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

interface Command {
  summary: string;
  /** Prose after the option list (environment, examples); options are described only in `options`. */
  notes?: readonly string[];
  /** The command's options; `--help` is added to every command. */
  options: readonly OptionDef[];
  /** Options and notes that depend on the arguments (a connector's settings), added before parsing. */
  extend?(args: readonly string[]): { options: readonly OptionDef[]; notes: readonly string[] };
  run(values: Values, positionals: string[]): Promise<number>;
}

const tenantOption = (description: string): OptionDef => ({
  name: "tenant",
  short: "t",
  type: "string",
  value: "<id>",
  required: true,
  description,
});

class UsageError extends Error {}

/** Errors whose message says it all: configuration, an unreachable Temporal, a missing schedule. */
const KNOWN_ERRORS = new Set(["WorkerConfigError", "TransportError", "ScheduleNotFoundError", "ServiceError"]);

function str(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function required(values: Values, name: string): string {
  const value = str(values, name);
  if (value === undefined || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

function list(values: Values, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

function positiveInt(values: Values, name: string, fallback: number): number {
  const raw = str(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number`);
  return n;
}

/** Graceful Ctrl-C: the first stops at the next page boundary, the second aborts the page in flight. */
function interruptHandling(progress?: ProgressDisplay): { stop: AbortController; abort: AbortController; dispose(): void } {
  const stop = new AbortController();
  const abort = new AbortController();
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) {
      stop.abort(signal);
      const message = "Stopping after the current page (Ctrl-C again to abort it; nothing is half-written either way)…";
      if (progress) progress.notice(message);
      else console.error(message);
    } else if (count === 2) {
      abort.abort(signal);
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    stop,
    abort,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

function connectionRow(c: Connection): string[] {
  return [c.id, c.connectorId, c.connectorVersion, c.status, c.lastError ? redactString(c.lastError).slice(0, 60) : "", c.createdAt.toISOString()];
}

async function resolveTargets(store: Store, tenantId: string, connectionIds: string[], all: boolean): Promise<RunnerTarget[]> {
  if (all) {
    const connections = await store.listConnections({ tenantId, status: "active" });
    return connections.map((c) => ({ tenantId, connectionId: c.id, label: `${c.connectorId}:${c.id.slice(0, 8)}` }));
  }
  if (connectionIds.length === 0) throw new UsageError("--connection is required (or --all)");
  const targets: RunnerTarget[] = [];
  for (const connectionId of connectionIds) {
    const c = await store.getConnection({ tenantId, connectionId });
    targets.push({ tenantId, connectionId, label: `${c.connectorId}:${c.id.slice(0, 8)}` });
  }
  return targets;
}

/** The deployed connector `id`, or a usage error listing those deployed. */
function deployedConnector(id: string): Connector<CanonicalRecord> {
  if (!connectorRegistry.has(id)) {
    throw new UsageError(`connector "${id}" is not deployed here (deployed: ${deployedConnectors().map((c) => c.id).join(", ")})`);
  }
  return connectorRegistry.get(id);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

/** Asks on the terminal with echo off: what is typed never reaches the screen or the scrollback. */
async function promptHidden(name: string): Promise<string> {
  process.stderr.write(`${name}: `);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    return await new Promise<string>((resolve) => rl.question("", resolve));
  } finally {
    rl.close();
    process.stderr.write("\n");
  }
}

const ADD_OPTIONS: readonly OptionDef[] = [
  tenantOption("tenant (created if missing)"),
  { name: "connector", type: "string", value: "<id>", required: true, description: "a deployed connector (see `worker connectors`); with --help, also lists its settings and secrets" },
  { name: "setting", type: "string", multiple: true, value: "name=value", description: "a setting of the connector, typed and checked by its settings schema" },
  { name: "settings-json", type: "string", value: "JSON", description: "settings as one JSON object (--setting and setting flags win)" },
  { name: "secret-env", type: "string", multiple: true, value: "name=VAR", description: "read secret <name> from environment variable VAR (kept out of argv and shell history)" },
  { name: "secret-stdin", type: "string", value: "name", description: "read secret <name> from standard input" },
  { name: "secret", type: "string", multiple: true, value: "name=value", description: "a secret given in argv, where other users and shell history see it: prefer --secret-env" },
  { name: "api-key-env", type: "string", value: "VAR", description: "same as --secret-env apiKey=VAR" },
  { name: "id", type: "string", value: "<uuid>", description: "connection id (default: random)" },
];

const ADD_OPTION_NAMES: ReadonlySet<string> = new Set([...ADD_OPTIONS, HELP_OPTION].map((def) => def.name));

/** The value of `--connector` among raw arguments (before the connector's own flags are known). */
function connectorArgument(args: readonly string[]): string | undefined {
  const at = args.findIndex((arg) => arg === "--connector" || arg.startsWith("--connector="));
  if (at < 0) return undefined;
  const arg = args[at] ?? "";
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[at + 1];
}

const commands: Record<string, Command> = {
  start: {
    summary: "Run the Temporal worker (production): polls TASK_QUEUE and runs syncConnection workflows and the sync activities.",
    notes: [
      "Environment (validated at boot):",
      "  TEMPORAL_ADDRESS          host:port of the Temporal frontend (required)",
      "  TEMPORAL_NAMESPACE        default: default",
      "  TEMPORAL_API_KEY          Temporal Cloud API key (implies TLS); TEMPORAL_TLS=true|false to force",
      "  TASK_QUEUE                default: gtm-sync",
      "  DATABASE_URL              postgres://... shared by every worker (required)",
      "  CONNECTOR_ENCRYPTION_KEY  64 hex chars (required); CONNECTOR_ENCRYPTION_PREVIOUS_KEYS for rotation",
      "  WORKFLOW_BUNDLE_PATH      prebuilt bundle; default dist/workflow-bundle.js (pnpm build:workflows)",
      "  SHUTDOWN_GRACE_TIME       how long in-flight pages may finish on SIGTERM; default 30s",
      "  MAX_CONCURRENT_ACTIVITIES default 20; MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND (same on every worker)",
    ],
    options: [{ name: "dev", type: "boolean", description: "bundle the workflow code at boot when no prebuilt bundle exists" }],
    async run(values) {
      const { buildWorkerOptions } = await import("./temporal/worker-options.js");
      const { runTemporalWorker } = await import("./temporal/worker.js");
      const config = buildWorkerOptions(process.env);
      let app: Awaited<ReturnType<typeof openApp>> | undefined;
      try {
        await runTemporalWorker({
          config,
          activities: async () => {
            app = await openApp({ databaseUrl: config.databaseUrl, logLevel: logLevelFrom(process.env, "info") });
            await closeStaleRuns(app.store, app.logger);
            return app.activities;
          },
          allowSourceBundle: values["dev"] === true,
          onState: (state) => console.error(`worker: ${state}`),
        });
      } finally {
        await app?.close();
      }
      return 0;
    },
  },

  sync: {
    summary: "Sync connections in-process (no Temporal): the same activities as the worker, with live progress on stderr.",
    notes: [
      "Give --connection (one or more) or --all.",
      "Ctrl-C stops cleanly at the next page boundary; a second Ctrl-C aborts the page in flight.",
      "Data: DATABASE_URL, or PGlite in .data/pglite (key from CONNECTOR_ENCRYPTION_KEY or .data/encryption.key).",
      "Exit status: 0 all succeeded, 1 a sync failed, 130 stopped by Ctrl-C.",
    ],
    options: [
      tenantOption("tenant"),
      { name: "connection", short: "c", type: "string", multiple: true, value: "<id>", description: "connection to sync" },
      { name: "all", type: "boolean", description: "every active connection of the tenant" },
      { name: "full", type: "boolean", description: "read everything again (and tombstone what the source no longer has)" },
      { name: "concurrency", type: "string", value: "N", description: "connections synced in parallel (default 4)" },
      { name: "quiet", short: "q", type: "boolean", description: "no progress display" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const concurrency = positiveInt(values, "concurrency", 4);
      const progress = new ProgressDisplay({ silent: values["quiet"] === true });
      const app = await openApp({ logDestination: (line) => progress.log(line) });
      const signals = interruptHandling(progress);
      try {
        await closeStaleRuns(app.store, app.logger);
        const targets = await resolveTargets(app.store, tenantId, list(values, "connection"), values["all"] === true);
        if (targets.length === 0) {
          console.error(`No active connections for tenant ${tenantId}.`);
          return 0;
        }
        const results = await runSyncs({
          activities: app.activities,
          targets,
          concurrency,
          fullSync: values["full"] === true,
          trigger: "cli",
          progress,
          stop: signals.stop.signal,
          abort: signals.abort.signal,
          writeback: drainerFor(app),
        });
        const rows = results.map((r) => [
          targets.find((t) => t.connectionId === r.connectionId)?.label ?? r.connectionId,
          r.status,
          formatCount(r.counters.pages),
          formatCount(r.counters.records),
          formatCount(r.counters.quarantined),
          (r.durationMs / 1000).toFixed(2),
          r.error ? `${r.error.type}: ${r.error.message}`.slice(0, 80) : "",
        ]);
        console.log(renderTable(["connection", "status", "pages", "records", "quarantined", "seconds", "error"], rows));
        for (const r of results) {
          for (const line of statsLines(targets.find((t) => t.connectionId === r.connectionId)?.label ?? r.connectionId, r.counters)) console.log(line);
        }
        if (results.some((r) => r.status === "failed")) return 1;
        if (signals.stop.signal.aborted || results.some((r) => r.status === "cancelled")) return 130;
        return 0;
      } finally {
        signals.dispose();
        await app.close();
      }
    },
  },

  "connections add": {
    summary: "Create a connection: checks the settings and secrets with the connector's schemas, authenticates against the source, stores the credentials encrypted.",
    notes: [
      "Secrets the connector requires and that were not given are asked for, without echo, when standard input is a terminal.",
      "Secrets are never printed, logged or stored as given: the store keeps what the connector's authenticate returns, encrypted",
      "and bound to this tenant and connection. An OAuth connector connects through the web app's OAuth flow (apps/web).",
      "Example: FATHOM_API_KEY=... worker connections add -t acme --connector fathom --secret-env apiKey=FATHOM_API_KEY --include-transcript",
    ],
    options: ADD_OPTIONS,
    extend(args) {
      const id = connectorArgument(args);
      if (id === undefined || !connectorRegistry.has(id)) return { options: [], notes: [] };
      const connector = connectorRegistry.get(id);
      return { options: settingOptions(connector, ADD_OPTION_NAMES), notes: secretsNote(connector) };
    },
    async run(values) {
      const tenantId = required(values, "tenant");
      const connector = deployedConnector(required(values, "connector"));
      if (secretsMode(connector) === "oauth") throw new UsageError(oauthOnlyMessage(connector));
      const connectionId = str(values, "id") ?? randomUUID();
      // Only the connector's own setting flags: a setting named like a fixed option is reachable with --setting only.
      const flags: Record<string, string | boolean | undefined> = {};
      for (const { name } of settingOptions(connector, ADD_OPTION_NAMES)) {
        const value = values[name];
        if (typeof value === "string" || typeof value === "boolean") flags[name] = value;
      }
      const settings = settingsFromFlags(connector, { json: str(values, "settings-json"), pairs: list(values, "setting"), flags });
      const keyEnv = str(values, "api-key-env");
      const secretStdin = str(values, "secret-stdin");
      const secrets = await secretsFromFlags(connector, {
        env: [...list(values, "secret-env"), ...(keyEnv === undefined ? [] : [`apiKey=${keyEnv}`])],
        argv: list(values, "secret"),
        stdin: secretStdin,
        environment: process.env,
        readStdin,
        ...(process.stdin.isTTY && secretStdin === undefined ? { prompt: promptHidden } : {}),
      });
      const app = await openApp();
      try {
        const connected = await connect({ tenantId, connectionId, connector, settings, secrets });
        await app.store.createTenant({ tenantId });
        const connection = await app.store.createConnection({
          tenantId,
          connectionId,
          connectorId: connector.id,
          connectorVersion: connector.version,
          settings: connected.settings,
          credentials: connected.credentials,
        });
        console.log(`Created connection ${connection.id} (${connector.id}@${connector.version}) for tenant ${tenantId}.`);
        console.log(`Sync it: worker sync --tenant ${tenantId} --connection ${connection.id}`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "connections list": {
    summary: "List a tenant's connections with their status.",
    options: [
      tenantOption("tenant"),
      { name: "connector", type: "string", value: "<id>", description: "only this connector's connections" },
      { name: "status", type: "string", value: "active|needs_reauth|disabled|dpa_required", description: "only connections in this status" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const status = str(values, "status");
      if (status !== undefined && !["active", "needs_reauth", "disabled", "dpa_required"].includes(status)) {
        throw new UsageError("--status must be active, needs_reauth, disabled or dpa_required");
      }
      const app = await openApp();
      try {
        const connector = str(values, "connector");
        const connections = await app.store.listConnections({
          tenantId,
          ...(connector ? { connectorId: connector } : {}),
          ...(status ? { status: status as Connection["status"] } : {}),
        });
        console.log(renderTable(["id", "connector", "version", "status", "last error", "created"], connections.map(connectionRow)));
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "connections remove": {
    summary: "Delete a connection with its records, documents, cursors and runs. Run `schedules sync` afterwards.",
    options: [
      tenantOption("tenant"),
      { name: "connection", short: "c", type: "string", value: "<id>", required: true, description: "the connection to delete" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const connectionId = required(values, "connection");
      const app = await openApp();
      try {
        await app.store.deleteConnection({ tenantId, connectionId });
        console.log(`Removed connection ${connectionId} of tenant ${tenantId}.`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "runs list": {
    summary: "Sync runs, newest first: status, connector version, pages, records, timing, error.",
    options: [
      tenantOption("tenant"),
      { name: "connection", short: "c", type: "string", value: "<id>", description: "only this connection's runs" },
      { name: "limit", type: "string", value: "N", description: "at most N runs (default 20)" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const limit = positiveInt(values, "limit", 20);
      const app = await openApp();
      try {
        const connectionId = str(values, "connection");
        const connections = connectionId
          ? [await app.store.getConnection({ tenantId, connectionId })]
          : await app.store.listConnections({ tenantId });
        const runs = (
          await Promise.all(
            connections.map(async (c) =>
              (await app.store.listRuns({ tenantId, connectionId: c.id, limit })).map((run) => ({ run, connector: c.connectorId })),
            ),
          )
        )
          .flat()
          .sort((a, b) => b.run.startedAt.getTime() - a.run.startedAt.getTime())
          .slice(0, limit);
        console.log(
          renderTable(
            ["started", "connector", "version", "connection", "full", "status", "pages", "new", "changed", "same", "quarantined", "seconds", "error", "counts"],
            runs.map(({ run, connector }) => [
              run.startedAt.toISOString(),
              connector,
              run.connectorVersion,
              run.connectionId.slice(0, 8),
              run.fullRefresh ? "yes" : "",
              run.status,
              formatCount(run.pages),
              formatCount(run.created),
              formatCount(run.updated),
              formatCount(run.unchanged),
              formatCount(run.quarantined),
              run.finishedAt ? ((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(2) : "",
              run.error ? redactString(run.error).slice(0, 60) : "",
              formatCounts(run.counts),
            ]),
          ),
        );
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "schedules sync": {
    summary: "Make Temporal schedules match the tenants' connections: one per connection, paused while it needs attention.",
    notes: [
      "Creates or updates `sync:{tenant}:{connection}` for every connection of each --tenant (overlap SKIP, jitter,",
      "a stable per-connection offset), pauses those that need re-authentication or are disabled, and deletes",
      "schedules of that tenant whose connection is gone. Without --tenant: every tenant's connections, listed by the",
      "maintenance role (ids, connector, tenant and status only), and every orphaned sync schedule is deleted.",
      "Needs TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TASK_QUEUE, as for `worker start`).",
    ],
    options: [
      { ...tenantOption("tenant to reconcile (default: every tenant)"), multiple: true },
      { name: "interval", type: "string", value: "N", description: "minutes between syncs (default 15)" },
      { name: "dry-run", type: "boolean", description: "print the schedules that would be written, touch nothing" },
    ],
    async run(values) {
      const tenants = list(values, "tenant");
      const intervalMinutes = positiveInt(values, "interval", 15);
      const { SyncScheduler } = await import("./temporal/scheduler.js");
      const app = await openApp();
      try {
        // Scheduling needs ids and statuses, never credentials: across tenants that is all the maintenance role sees.
        const connections =
          tenants.length === 0
            ? await app.store.maintenance.listConnections()
            : (await Promise.all(tenants.map((tenantId) => app.store.listConnections({ tenantId })))).flat();
        const wanted = connections.map((c) => ({
          tenantId: c.tenantId,
          connectionId: c.id,
          connectorId: c.connectorId,
          intervalMinutes,
          paused: c.status !== "active",
          ...(c.status !== "active" ? { note: `connection ${c.status}` } : {}),
        }));
        if (values["dry-run"] === true) {
          console.log(renderTable(["schedule", "every", "paused"], wanted.map((w) => [SyncScheduler.scheduleId(w.tenantId, w.connectionId), `${intervalMinutes}m`, w.paused ? "yes" : ""])));
          return 0;
        }
        const { connectTemporal, temporalClientConfig, TemporalClientConfigError } = await import("./temporal/client.js");
        let temporal;
        try {
          temporal = temporalClientConfig(process.env);
        } catch (error) {
          if (error instanceof TemporalClientConfigError) throw new UsageError(`${error.message} (use --dry-run to preview without Temporal)`);
          throw error;
        }
        const { Client } = await import("@temporalio/client");
        const connection = await connectTemporal(temporal);
        try {
          const client = new Client({ connection, namespace: temporal.namespace });
          const scheduler = new SyncScheduler(client.schedule, { taskQueue: temporal.taskQueue, defaultIntervalMinutes: intervalMinutes });
          const report = await scheduler.reconcile(wanted, tenants.length === 0 ? {} : { onlyTenants: tenants });
          console.log(`created ${report.created.length}, updated ${report.updated.length}, deleted ${report.deleted.length}`);
          for (const id of report.deleted) console.log(`  deleted ${id}`);
        } finally {
          await connection.close();
        }
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  connectors: {
    summary: "The connectors this worker deploys, with the versions it carries (recorded on every sync run).",
    options: [{ name: "json", type: "boolean", description: "as JSON" }],
    async run(values) {
      const deployed = deployedConnectors();
      if (values["json"] === true) console.log(JSON.stringify(deployed, null, 2));
      else console.log(renderTable(["id", "name", "version"], deployed.map((c) => [c.id, c.name, c.version])));
      return 0;
    },
  },

  demo: {
    summary: "End-to-end demo with no configuration: sandboxes on loopback, a demo tenant, a full then an incremental sync into PGlite.",
    notes: ["Creates .data/encryption.key (mode 0600) the first time if CONNECTOR_ENCRYPTION_KEY is not set. Safe to run again."],
    options: [
      { name: "size", type: "string", value: "N", description: "source size per connector, in its sandbox's main unit (default 200)" },
      { name: "data-dir", type: "string", value: "DIR", description: "PGlite folder (default .data/pglite at the repo root)" },
    ],
    async run(values) {
      const progress = new ProgressDisplay();
      const signals = interruptHandling(progress);
      try {
        const dataDir = str(values, "data-dir");
        await runDemo({
          size: positiveInt(values, "size", 200),
          progress,
          stop: signals.stop.signal,
          ...(dataDir ? { dataDir } : {}),
        });
        return signals.stop.signal.aborted ? 130 : 0;
      } finally {
        signals.dispose();
      }
    },
  },

  ...writebackCommands,
};

const groups: Record<string, string[]> = {
  connections: ["add", "list", "remove"],
  runs: ["list"],
  schedules: ["sync"],
  writeback: WRITEBACK_SUBCOMMANDS,
};

function topLevelHelp(): string {
  const lines = ["Usage: worker <command> [options]   (worker <command> --help for details)", "", "Commands:"];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${name.padEnd(20)} ${command.summary}`);
  return lines.join("\n");
}

/** The command's table with `--help` and, given the arguments, what they add (a connector's settings). */
function optionTable(command: Command, args: readonly string[]): { options: OptionDef[]; notes: string[] } {
  const extra = command.extend?.(args) ?? { options: [], notes: [] };
  return { options: [...command.options, ...extra.options, HELP_OPTION], notes: [...(command.notes ?? []), ...extra.notes] };
}

function commandHelp(name: string, command: Command, args: readonly string[] = []): string {
  const { options, notes } = optionTable(command, args);
  return [
    `Usage: ${usageLine(name, options)}`,
    "",
    command.summary,
    "",
    optionsHelp(options),
    ...(notes.length > 0 ? ["", ...notes] : []),
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  // `pnpm <script> -- --flag` hands the "--" through (after any arguments the script itself names, as in
  // `demo -- --help`). No command here takes an argument that starts with "-", so a "--" means nothing: drop it.
  const [first, second, ...rest] = argv.filter((arg) => arg !== "--");
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    console.log(topLevelHelp());
    return first === undefined ? 1 : 0;
  }
  let name = first;
  let args = [second, ...rest].filter((a): a is string => a !== undefined);
  const group = groups[first];
  if (group) {
    if (second === undefined || second === "--help" || second === "-h" || !group.includes(second)) {
      console.log(group.map((sub) => commandHelp(`${first} ${sub}`, commands[`${first} ${sub}`] as Command)).join("\n\n"));
      return second === "--help" || second === "-h" ? 0 : 1;
    }
    name = `${first} ${second}`;
    args = rest;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${first}".\n\n${topLevelHelp()}`);
    return 1;
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    const { options } = optionTable(command, args);
    parsed = parseArgs({ args, options: parseArgsOptions(options), allowPositionals: false, strict: true }) as {
      values: Values;
      positionals: string[];
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(name, command, args)}`);
    return 1;
  }
  if (parsed.values["help"] === true) {
    console.log(commandHelp(name, command, args));
    return 0;
  }
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${commandHelp(name, command, args)}`);
      return 1;
    }
    if (error instanceof InputError) {
      console.error(error.message);
      return 1;
    }
    // Known errors print as one line; anything else keeps its stack (redacted) for a bug report.
    const known = error instanceof Error && (isConnectorError(error) || KNOWN_ERRORS.has(error.name));
    const message = error instanceof Error ? (known ? `${error.name}: ${error.message}` : (error.stack ?? error.message)) : String(error);
    console.error(redactString(message));
    return 1;
  }
}

let epipeGuarded = false;

/**
 * A reader that stops early (`worker connectors | head -1`) closes the pipe: the next write fails with EPIPE, which
 * Node raises as an unhandled stream error. Nothing is left to say to a reader that left, so exit quietly.
 */
export function exitQuietlyOnClosedPipe(): void {
  if (epipeGuarded) return;
  epipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  exitQuietlyOnClosedPipe();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
