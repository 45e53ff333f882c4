/**
 * One Temporal schedule per connection, through the Schedules API (never cron workflows).
 *
 * - id `sync:{tenantId}:{connectionId}`, and the same value as the started workflow's id prefix (the server appends
 *   the action time), so a connection's runs are easy to find;
 * - overlap SKIP: a sync still running when the next one is due is not doubled; single-flight comes from the
 *   policy, not from the id;
 * - jitter plus a stable per-connection offset, so a thousand tenants on a 15-minute interval do not all hit their
 *   sources (and our database) at :00;
 * - create-or-update is idempotent: creating an existing schedule updates it in place.
 */
import { createHash } from "node:crypto";
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleClient,
  type ScheduleOptions,
  type ScheduleUpdateOptions,
} from "@temporalio/client";
import { syncWorkflowId } from "../sync-policy.js";
import type { SyncConnectionInput } from "./workflows.js";

export const SYNC_WORKFLOW_TYPE = "syncConnection";
const SCHEDULE_PREFIX = "sync:";

export interface ConnectionSchedule {
  tenantId: string;
  connectionId: string;
  connectorId?: string;
  /** Minutes between syncs; defaults to the scheduler's `defaultIntervalMinutes`. */
  intervalMinutes?: number;
  /** A schedule exists but takes no action, e.g. while the connection needs re-authentication. */
  paused?: boolean;
  note?: string;
}

export interface SyncSchedulerOptions {
  taskQueue: string;
  defaultIntervalMinutes?: number;
  /** Random delay added to each action, in seconds. Default: a tenth of the interval, at most 5 minutes. */
  jitterSeconds?: number;
  /** How late a missed action may still run after an outage. */
  catchupWindowMinutes?: number;
}

export type UpsertOutcome = "created" | "updated";

export interface ReconcileReport {
  created: string[];
  updated: string[];
  deleted: string[];
}

export class SyncScheduler {
  readonly #schedules: ScheduleClient;
  readonly #options: Required<Omit<SyncSchedulerOptions, "jitterSeconds">> & { jitterSeconds?: number };

  constructor(schedules: ScheduleClient, options: SyncSchedulerOptions) {
    this.#schedules = schedules;
    this.#options = {
      taskQueue: options.taskQueue,
      defaultIntervalMinutes: options.defaultIntervalMinutes ?? 15,
      catchupWindowMinutes: options.catchupWindowMinutes ?? 10,
      ...(options.jitterSeconds === undefined ? {} : { jitterSeconds: options.jitterSeconds }),
    };
  }

  static scheduleId(tenantId: string, connectionId: string): string {
    return syncWorkflowId(tenantId, connectionId);
  }

  /** The full desired state of a connection's schedule (what create sends, and what update replaces). */
  desired(schedule: ConnectionSchedule): ScheduleOptions {
    const { tenantId, connectionId } = schedule;
    const interval = Math.max(1, Math.round(schedule.intervalMinutes ?? this.#options.defaultIntervalMinutes));
    const intervalSeconds = interval * 60;
    const jitter = this.#options.jitterSeconds ?? Math.min(300, Math.floor(intervalSeconds / 10));
    const args: [SyncConnectionInput] = [{ tenantId, connectionId, trigger: "schedule" }];
    const memo = { tenantId, connectionId, ...(schedule.connectorId ? { connectorId: schedule.connectorId } : {}) };
    return {
      scheduleId: SyncScheduler.scheduleId(tenantId, connectionId),
      spec: {
        intervals: [{ every: `${interval}m`, offset: `${stableOffsetSeconds(`${tenantId}:${connectionId}`, intervalSeconds)}s` }],
        jitter: `${jitter}s`,
      },
      action: {
        type: "startWorkflow",
        workflowType: SYNC_WORKFLOW_TYPE,
        workflowId: SyncScheduler.scheduleId(tenantId, connectionId),
        taskQueue: this.#options.taskQueue,
        args,
        memo,
      },
      policies: {
        overlap: ScheduleOverlapPolicy.SKIP,
        catchupWindow: `${this.#options.catchupWindowMinutes}m`,
        pauseOnFailure: false,
      },
      memo,
      state: {
        paused: schedule.paused ?? false,
        ...(schedule.note ? { note: schedule.note } : {}),
      },
    };
  }

  /** Creates the schedule, or replaces an existing one's spec, action, policies and paused state. */
  async upsert(schedule: ConnectionSchedule): Promise<UpsertOutcome> {
    const options = this.desired(schedule);
    try {
      await this.#schedules.create(options);
      return "created";
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
    const update: ScheduleUpdateOptions = {
      spec: options.spec,
      action: options.action,
      ...(options.policies ? { policies: options.policies } : {}),
      state: { paused: options.state?.paused ?? false, ...(options.state?.note ? { note: options.state.note } : {}) },
    };
    await this.#schedules.getHandle(options.scheduleId).update(() => update);
    return "updated";
  }

  async pause(tenantId: string, connectionId: string, note: string): Promise<void> {
    await this.#schedules.getHandle(SyncScheduler.scheduleId(tenantId, connectionId)).pause(note);
  }

  async unpause(tenantId: string, connectionId: string, note = "resumed"): Promise<void> {
    await this.#schedules.getHandle(SyncScheduler.scheduleId(tenantId, connectionId)).unpause(note);
  }

  /** Runs a sync now; overlap SKIP still applies, so a sync already running is not doubled. */
  async trigger(tenantId: string, connectionId: string): Promise<void> {
    await this.#schedules.getHandle(SyncScheduler.scheduleId(tenantId, connectionId)).trigger(ScheduleOverlapPolicy.SKIP);
  }

  /** Deletes the schedule; false when there was none. */
  async delete(tenantId: string, connectionId: string): Promise<boolean> {
    try {
      await this.#schedules.getHandle(SyncScheduler.scheduleId(tenantId, connectionId)).delete();
      return true;
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return false;
      throw error;
    }
  }

  /** Ids of every sync schedule in the namespace. */
  async listIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const summary of this.#schedules.list()) {
      if (summary.scheduleId.startsWith(SCHEDULE_PREFIX)) ids.push(summary.scheduleId);
    }
    return ids.sort();
  }

  /**
   * Makes the schedules match `connections` exactly: upserts each, deletes sync schedules of removed ones.
   * With `onlyTenants`, deletion is limited to those tenants' schedules (the others are not in `connections`).
   */
  async reconcile(
    connections: readonly ConnectionSchedule[],
    options: { onlyTenants?: readonly string[] } = {},
  ): Promise<ReconcileReport> {
    const report: ReconcileReport = { created: [], updated: [], deleted: [] };
    const wanted = new Set<string>();
    for (const connection of connections) {
      const id = SyncScheduler.scheduleId(connection.tenantId, connection.connectionId);
      wanted.add(id);
      report[(await this.upsert(connection)) === "created" ? "created" : "updated"].push(id);
    }
    const scope = options.onlyTenants ? new Set(options.onlyTenants) : undefined;
    for (const id of await this.listIds()) {
      if (wanted.has(id)) continue;
      const parsed = parseScheduleId(id);
      if (scope && (!parsed || !scope.has(parsed.tenantId))) continue;
      try {
        await this.#schedules.getHandle(id).delete();
        report.deleted.push(id);
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
    return report;
  }
}

/** `sync:{tenantId}:{connectionId}` back to its parts (tenant ids may contain ':'; connection ids do not). */
export function parseScheduleId(id: string): { tenantId: string; connectionId: string } | undefined {
  if (!id.startsWith(SCHEDULE_PREFIX)) return undefined;
  const rest = id.slice(SCHEDULE_PREFIX.length);
  const at = rest.lastIndexOf(":");
  if (at <= 0 || at === rest.length - 1) return undefined;
  return { tenantId: rest.slice(0, at), connectionId: rest.slice(at + 1) };
}

/** A phase within the interval derived from the connection's id: stable across deploys, spread across tenants. */
export function stableOffsetSeconds(key: string, intervalSeconds: number): number {
  const digest = createHash("sha256").update(key).digest();
  return digest.readUInt32BE(0) % Math.max(1, intervalSeconds);
}
