/**
 * `worker writeback enqueue|list|drain`. Defined here, registered by ../cli.ts beside the other commands; the same
 * option tables give the parser its configuration and `--help` its text.
 */
import { readFile } from "node:fs/promises";
import { redactString } from "@gtm-clarity/core";
import { OUTBOX_STATUSES, type OutboxEntry, type OutboxStatus } from "@gtm-clarity/store";
import { openApp, type OpenedApp } from "../app.js";
import { storePort } from "../activities/store-port.js";
import type { OptionDef } from "../cli-options.js";
import { InputError } from "../connection-input.js";
import { connectorRegistry } from "../connectors.js";
import { renderTable } from "../demo/table.js";
import { createWritebackDrainer, type WritebackDrainer } from "./activities.js";
import { parseChanges } from "./change-input.js";
import type { DrainTotals } from "./drain.js";
import { temporalClientConfig, TemporalClientConfigError, type TemporalClientConfig } from "../temporal/client.js";
import { startWritebackDrains } from "./temporal-start.js";

type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface WritebackCommand {
  summary: string;
  notes?: readonly string[];
  options: readonly OptionDef[];
  run(values: Values, positionals: string[]): Promise<number>;
}

const str = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === "string" && value !== "" ? value : undefined;
};

function required(values: Values, name: string): string {
  const value = str(values, name);
  if (value === undefined) throw new InputError(`--${name} is required (see --help)`);
  return value;
}

function positiveInt(values: Values, name: string, fallback: number): number {
  const raw = str(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name} must be a positive whole number`);
  return n;
}

const TENANT: OptionDef = { name: "tenant", short: "t", type: "string", value: "<id>", required: true, description: "tenant" };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

/** The in-process drainer, each drain inside the connection's vendor budget like the Temporal activity. */
export function drainerFor(app: OpenedApp): WritebackDrainer {
  const drainer = createWritebackDrainer({ store: storePort(app.store), outbox: app.store.outbox, connectors: connectorRegistry, logger: app.logger });
  return { supports: drainer.supports, drain: (target, options) => app.budgetScope(target, () => drainer.drain(target, options)) };
}

export function formatDrainTotals(totals: DrainTotals): string {
  return `${totals.confirmed} confirmed, ${totals.failed} failed, ${totals.retried} to retry later (${totals.batches} batches)`;
}

function entryRow(entry: OutboxEntry): string[] {
  return [
    entry.id,
    entry.connectionId.slice(0, 8),
    `${entry.kind}:${entry.externalId}`,
    entry.status,
    String(entry.attempts),
    entry.status === "queued" && entry.attempts > 0 ? entry.nextAttemptAt.toISOString() : "",
    (entry.settledAt ?? entry.updatedAt).toISOString(),
    entry.error ? redactString(entry.error).slice(0, 70) : "",
  ];
}

export const writebackCommands: Record<string, WritebackCommand> = {
  "writeback enqueue": {
    summary: "Queue canonical changes to write back to a connection's source (JSON from --file or standard input).",
    notes: [
      "Input: one change or a JSON array of them. A change is a canonical record, e.g.",
      '  {"kind":"person","externalId":"0035g00000AbCdE","title":"CFO"}',
      'or {"changeId":"<uuid>","record":{...}}: enqueueing the same changeId again queues nothing new.',
      "Every change is checked first; one invalid change refuses the whole input, listing each issue.",
      "Changes to one record are pushed in the order queued. Push them with `worker writeback drain` (add --temporal to",
      "have the Temporal workers do it), or leave them to the connection's next succeeded sync: `worker sync`, or under",
      "Temporal the syncConnection workflow, which starts drainWriteback when the outbox holds changes.",
    ],
    options: [
      TENANT,
      { name: "connection", short: "c", type: "string", value: "<id>", required: true, description: "connection whose source receives the changes" },
      { name: "file", short: "f", type: "string", value: "PATH", description: "read the changes from this file (default: standard input)" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const connectionId = required(values, "connection");
      const file = str(values, "file");
      if (file === undefined && process.stdin.isTTY) throw new InputError("give --file, or pipe the changes on standard input");
      const changes = parseChanges(file === undefined ? await readStdin() : await readFile(file, "utf8"));
      const app = await openApp();
      try {
        const connection = await app.store.getConnection({ tenantId, connectionId });
        if (!drainerFor(app).supports(connection.connectorId)) {
          throw new InputError(`connector "${connection.connectorId}" cannot write back to its source; nothing was queued`);
        }
        const ids: string[] = [];
        for (const change of changes) {
          const entry = await app.store.outbox.enqueue({ tenantId, connectionId, record: change.record, ...(change.changeId ? { changeId: change.changeId } : {}) });
          ids.push(entry.id);
        }
        console.log(`Queued ${ids.length} change${ids.length === 1 ? "" : "s"} for connection ${connectionId}.`);
        for (const id of ids) console.log(`  ${id}`);
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "writeback list": {
    summary: "Writeback changes, oldest first: queued, sent, confirmed, or failed with the source's reason.",
    options: [
      TENANT,
      { name: "connection", short: "c", type: "string", value: "<id>", description: "only this connection's changes" },
      { name: "status", type: "string", value: OUTBOX_STATUSES.join("|"), description: "only changes in this status" },
      { name: "limit", type: "string", value: "N", description: "at most N changes (default 100)" },
      { name: "json", type: "boolean", description: "as JSON lines (with the records)" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const status = str(values, "status");
      if (status !== undefined && !(OUTBOX_STATUSES as readonly string[]).includes(status)) {
        throw new InputError(`--status must be one of ${OUTBOX_STATUSES.join(", ")}`);
      }
      const limit = positiveInt(values, "limit", 100);
      const app = await openApp();
      try {
        const connectionId = str(values, "connection");
        const entries = await app.store.outbox.list({
          tenantId,
          limit: Math.min(limit, 10_000),
          ...(connectionId ? { connectionId } : {}),
          ...(status ? { status: status as OutboxStatus } : {}),
        });
        if (values["json"] === true) {
          for (const entry of entries) console.log(JSON.stringify(entry));
        } else {
          console.log(renderTable(["id", "connection", "record", "status", "attempts", "next attempt", "updated", "error"], entries.map(entryRow)));
        }
        return 0;
      } finally {
        await app.close();
      }
    },
  },

  "writeback drain": {
    summary: "Push a connection's due writeback changes to its source now, in batches, and report the outcome.",
    notes: [
      "Changes waiting out a retry backoff stay queued for a later drain; `writeback list --status queued` shows when.",
      "Exit status: 0 when the drain ran (per-change failures are listed by `writeback list --status failed`),",
      "1 when the connection cannot write (credentials refused, disabled, connector without writeback).",
      "--temporal: start the connection's drainWriteback workflow (id writeback:{tenant}:{connection}) on the Temporal",
      "workers instead, and return once it started; a drain already running there is reported and left to finish. Needs",
      "TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TASK_QUEUE, as for `worker start`).",
    ],
    options: [
      TENANT,
      { name: "connection", short: "c", type: "string", value: "<id>", description: "the connection to drain" },
      { name: "all", type: "boolean", description: "every active connection of the tenant whose connector writes back" },
      { name: "max-batches", type: "string", value: "N", description: "stop after N batches of up to 200 changes" },
      { name: "temporal", type: "boolean", description: "start the drainWriteback workflow on the Temporal workers instead" },
    ],
    async run(values) {
      const tenantId = required(values, "tenant");
      const connectionId = str(values, "connection");
      if ((connectionId === undefined) === (values["all"] !== true)) throw new InputError("give --connection or --all");
      const maxBatches = str(values, "max-batches") === undefined ? undefined : positiveInt(values, "max-batches", 1);
      const temporal = values["temporal"] === true ? temporalConfig(maxBatches) : undefined;
      const app = await openApp();
      try {
        const drainer = drainerFor(app);
        const targets = connectionId
          ? [connectionId]
          : (await app.store.listConnections({ tenantId, status: "active" })).filter((c) => drainer.supports(c.connectorId)).map((c) => c.id);
        if (temporal) {
          for (const id of targets) {
            const connection = await app.store.getConnection({ tenantId, connectionId: id });
            if (!drainer.supports(connection.connectorId)) throw new InputError(`connector "${connection.connectorId}" cannot write back to its source`);
          }
          const started = await startWritebackDrains(temporal, targets.map((id) => ({ tenantId, connectionId: id })));
          for (const [index, start] of started.entries()) {
            const what = start.outcome === "started" ? `started (run ${start.runId ?? "?"})` : "already running: it drains what is due";
            console.log(`${targets[index] ?? ""}: drainWriteback ${start.workflowId} ${what}`);
          }
          return 0;
        }
        for (const id of targets) {
          const totals = await drainer.drain({ tenantId, connectionId: id }, maxBatches === undefined ? {} : { maxBatches });
          const counts = await app.store.outbox.counts({ tenantId, connectionId: id });
          console.log(`${id}: ${formatDrainTotals(totals)}; now ${counts.queued} queued, ${counts.failed} failed in all`);
        }
        return 0;
      } finally {
        await app.close();
      }
    },
  },
};

/** `--temporal`: the client configuration, checked before anything is opened. */
function temporalConfig(maxBatches: number | undefined): TemporalClientConfig {
  if (maxBatches !== undefined) throw new InputError("--max-batches applies to an in-process drain, not to --temporal");
  try {
    return temporalClientConfig(process.env);
  } catch (error) {
    if (error instanceof TemporalClientConfigError) throw new InputError(`--temporal: ${error.message}`);
    throw error;
  }
}

export const WRITEBACK_SUBCOMMANDS = ["enqueue", "list", "drain"];
