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
 */
import { randomUUID } from "node:crypto";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { encryptApiKey, isConnectorError, redactString } from "@gtm-clarity/core";
import type { Connection, Store } from "@gtm-clarity/store";
import { openApp, logLevelFrom } from "./app.js";
import { connectorRegistry, deployedConnectors } from "./connectors.js";
import { runDemo } from "./demo/demo.js";
import { renderTable } from "./demo/table.js";
import { formatCount, ProgressDisplay } from "./runner/progress.js";
import { runSyncs, type RunnerTarget } from "./runner/runner.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

interface Command {
  usage: string;
  summary: string;
  details?: string;
  options: Options;
  run(values: Values, positionals: string[]): Promise<number>;
}

const help: Options = { help: { type: "boolean", short: "h" } };
const tenantOption: Options = { tenant: { type: "string", short: "t" } };

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

const WHOLE_NUMBER = /^\d+$/;

/** `--setting` values: true/false and whole numbers are typed, anything else stays a string. */
function typedSetting(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  return WHOLE_NUMBER.test(raw) ? Number(raw) : raw;
}

const commands: Record<string, Command> = {
  start: {
    usage: "worker start [--dev]",
    summary: "Run the Temporal worker (production): polls TASK_QUEUE and runs syncConnection workflows and the sync activities.",
    details: [
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
      "Options:",
      "  --dev   bundle the workflow code at boot when no prebuilt bundle exists",
    ].join("\n"),
    options: { ...help, dev: { type: "boolean" } },
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
    usage: "worker sync --tenant <id> (--connection <id>... | --all) [--full] [--concurrency N] [--quiet]",
    summary: "Sync connections in-process (no Temporal): the same activities as the worker, with live progress on stderr.",
    details: [
      "Options:",
      "  -t, --tenant <id>       tenant (required)",
      "  -c, --connection <id>   connection to sync; repeat for several",
      "      --all               every active connection of the tenant",
      "      --full              read everything again (and tombstone what the source no longer has)",
      "      --concurrency N     connections synced in parallel (default 4)",
      "      --quiet             no progress display",
      "Ctrl-C stops cleanly at the next page boundary; a second Ctrl-C aborts the page in flight.",
      "Data: DATABASE_URL, or PGlite in .data/pglite (key from CONNECTOR_ENCRYPTION_KEY or .data/encryption.key).",
      "Exit status: 0 all succeeded, 1 a sync failed, 130 stopped by Ctrl-C.",
    ].join("\n"),
    options: {
      ...help,
      ...tenantOption,
      connection: { type: "string", short: "c", multiple: true },
      all: { type: "boolean" },
      full: { type: "boolean" },
      concurrency: { type: "string" },
      quiet: { type: "boolean", short: "q" },
    },
    async run(values) {
      const tenantId = required(values, "tenant");
      const concurrency = positiveInt(values, "concurrency", 4);
      const progress = new ProgressDisplay({ silent: values["quiet"] === true });
      const app = await openApp({ logDestination: (line) => progress.log(line) });
      const signals = interruptHandling(progress);
      try {
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
    usage: "worker connections add --tenant <id> --connector <id> [--api-key-env VAR] [--setting key=value]... [--settings-json JSON]",
    summary: "Create a connection: authenticates against the source, stores the credentials encrypted.",
    details: [
      "Options:",
      "  -t, --tenant <id>        tenant (created if missing)",
      "      --connector <id>     a deployed connector (see `worker connectors`)",
      "      --api-key-env VAR    read the source's API key from this environment variable (never from argv,",
      "                           which other users can see); stored as settings.encryptedApiKey, bound to this",
      "                           tenant and connection",
      "      --setting key=value  a non-secret setting (repeatable); values true/false/numbers are typed",
      "      --settings-json      settings as one JSON object",
      "      --id <uuid>          connection id (default: random)",
      "Example: FATHOM_API_KEY=... worker connections add -t acme --connector fathom --api-key-env FATHOM_API_KEY",
    ].join("\n"),
    options: {
      ...help,
      ...tenantOption,
      connector: { type: "string" },
      "api-key-env": { type: "string" },
      setting: { type: "string", multiple: true },
      "settings-json": { type: "string" },
      id: { type: "string" },
    },
    async run(values) {
      const tenantId = required(values, "tenant");
      const connectorId = required(values, "connector");
      if (!connectorRegistry.has(connectorId)) {
        throw new UsageError(`connector "${connectorId}" is not deployed here (deployed: ${deployedConnectors().map((c) => c.id).join(", ")})`);
      }
      const connector = connectorRegistry.get(connectorId);
      const connectionId = str(values, "id") ?? randomUUID();
      const settings: Record<string, unknown> = {};
      const json = str(values, "settings-json");
      if (json !== undefined) Object.assign(settings, JSON.parse(json) as Record<string, unknown>);
      for (const pair of list(values, "setting")) {
        const at = pair.indexOf("=");
        if (at < 1) throw new UsageError(`--setting expects key=value, got "${pair}"`);
        const raw = pair.slice(at + 1);
        settings[pair.slice(0, at)] = typedSetting(raw);
      }
      const app = await openApp();
      try {
        const keyEnv = str(values, "api-key-env");
        if (keyEnv !== undefined) {
          const apiKey = process.env[keyEnv];
          if (!apiKey) throw new UsageError(`environment variable ${keyEnv} is empty`);
          settings["encryptedApiKey"] = encryptApiKey(apiKey, { tenantId, connectionId });
        }
        const { credentials } = await connector.authenticate({ tenantId, connectionId, settings });
        await app.store.createTenant({ tenantId });
        const connection = await app.store.createConnection({
          tenantId,
          connectionId,
          connectorId,
          connectorVersion: connector.version,
          settings,
          credentials,
        });
        console.log(`Created connection ${connection.id} (${connectorId}@${connector.version}) for tenant ${tenantId}.`);
        console.log(`Sync it: worker sync --tenant ${tenantId} --connection ${connection.id}`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "connections list": {
    usage: "worker connections list --tenant <id> [--connector <id>] [--status active|needs_reauth|disabled]",
    summary: "List a tenant's connections with their status.",
    options: { ...help, ...tenantOption, connector: { type: "string" }, status: { type: "string" } },
    async run(values) {
      const tenantId = required(values, "tenant");
      const status = str(values, "status");
      if (status !== undefined && !["active", "needs_reauth", "disabled"].includes(status)) {
        throw new UsageError("--status must be active, needs_reauth or disabled");
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
    usage: "worker connections remove --tenant <id> --connection <id>",
    summary: "Delete a connection with its records, documents, cursors and runs. Run `schedules sync` afterwards.",
    options: { ...help, ...tenantOption, connection: { type: "string", short: "c" } },
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
    usage: "worker runs list --tenant <id> [--connection <id>] [--limit N]",
    summary: "Sync runs, newest first: status, connector version, pages, records, timing, error.",
    options: { ...help, ...tenantOption, connection: { type: "string", short: "c" }, limit: { type: "string" } },
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
            ["started", "connector", "version", "connection", "full", "status", "pages", "new", "changed", "same", "quarantined", "seconds", "error"],
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
    usage: "worker schedules sync --tenant <id>... [--interval MINUTES] [--dry-run]",
    summary: "Make Temporal schedules match the tenants' connections: one per connection, paused while it needs attention.",
    details: [
      "Creates or updates `sync:{tenant}:{connection}` for every connection of each --tenant (overlap SKIP, jitter,",
      "a stable per-connection offset), pauses those that need re-authentication or are disabled, and deletes",
      "schedules of that tenant whose connection is gone. Needs TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TASK_QUEUE).",
      "Options:",
      "  -t, --tenant <id>     tenant to reconcile (repeatable)",
      "      --interval N      minutes between syncs (default 15)",
      "      --dry-run         print the schedules that would be written, touch nothing",
    ].join("\n"),
    options: { ...help, tenant: { type: "string", short: "t", multiple: true }, interval: { type: "string" }, "dry-run": { type: "boolean" } },
    async run(values) {
      const tenants = list(values, "tenant");
      if (tenants.length === 0) throw new UsageError("--tenant is required (repeat it for several tenants)");
      const intervalMinutes = positiveInt(values, "interval", 15);
      const { SyncScheduler } = await import("./temporal/scheduler.js");
      const app = await openApp();
      try {
        const wanted = [];
        for (const tenantId of tenants) {
          for (const c of await app.store.listConnections({ tenantId })) {
            wanted.push({
              tenantId,
              connectionId: c.id,
              connectorId: c.connectorId,
              intervalMinutes,
              paused: c.status !== "active",
              ...(c.status !== "active" ? { note: `connection ${c.status}` } : {}),
            });
          }
        }
        if (values["dry-run"] === true) {
          console.log(renderTable(["schedule", "every", "paused"], wanted.map((w) => [SyncScheduler.scheduleId(w.tenantId, w.connectionId), `${intervalMinutes}m`, w.paused ? "yes" : ""])));
          return 0;
        }
        const address = process.env["TEMPORAL_ADDRESS"];
        if (!address) throw new UsageError("TEMPORAL_ADDRESS is not set (use --dry-run to preview without Temporal)");
        const { Client, Connection: TemporalConnection } = await import("@temporalio/client");
        const connection = await TemporalConnection.connect({ address });
        try {
          const client = new Client({ connection, namespace: process.env["TEMPORAL_NAMESPACE"] ?? "default" });
          const scheduler = new SyncScheduler(client.schedule, { taskQueue: process.env["TASK_QUEUE"] ?? "gtm-sync", defaultIntervalMinutes: intervalMinutes });
          const report = await scheduler.reconcile(wanted, { onlyTenants: tenants });
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
    usage: "worker connectors [--json]",
    summary: "The connectors this worker deploys, with the versions it carries (recorded on every sync run).",
    options: { ...help, json: { type: "boolean" } },
    async run(values) {
      const deployed = deployedConnectors();
      if (values["json"] === true) console.log(JSON.stringify(deployed, null, 2));
      else console.log(renderTable(["id", "name", "version"], deployed.map((c) => [c.id, c.name, c.version])));
      return 0;
    },
  },

  demo: {
    usage: "worker demo [--size N] [--data-dir DIR]",
    summary: "End-to-end demo with no configuration: sandboxes on loopback, a demo tenant, a full then an incremental sync into PGlite.",
    details: [
      "Creates .data/encryption.key (mode 0600) the first time if CONNECTOR_ENCRYPTION_KEY is not set. Safe to run again.",
      "Options:",
      "  --size N        source size per connector (Fathom: meetings; default 200)",
      "  --data-dir DIR  PGlite folder (default .data/pglite at the repo root)",
    ].join("\n"),
    options: { ...help, size: { type: "string" }, "data-dir": { type: "string" } },
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
};

const groups: Record<string, string[]> = {
  connections: ["add", "list", "remove"],
  runs: ["list"],
  schedules: ["sync"],
};

function topLevelHelp(): string {
  const lines = ["Usage: worker <command> [options]   (worker <command> --help for details)", "", "Commands:"];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${name.padEnd(20)} ${command.summary}`);
  return lines.join("\n");
}

function commandHelp(name: string, command: Command): string {
  return [`Usage: ${command.usage}`, "", command.summary, ...(command.details ? ["", command.details] : [])].join("\n");
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
    parsed = parseArgs({ args, options: command.options, allowPositionals: false, strict: true }) as {
      values: Values;
      positionals: string[];
    };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${commandHelp(name, command)}`);
    return 1;
  }
  if (parsed.values["help"] === true) {
    console.log(commandHelp(name, command));
    return 0;
  }
  try {
    return await command.run(parsed.values, parsed.positionals);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${commandHelp(name, command)}`);
      return 1;
    }
    // Known errors print as one line; anything else keeps its stack (redacted) for a bug report.
    const known = error instanceof Error && (isConnectorError(error) || KNOWN_ERRORS.has(error.name));
    const message = error instanceof Error ? (known ? `${error.name}: ${error.message}` : (error.stack ?? error.message)) : String(error);
    console.error(redactString(message));
    return 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
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
