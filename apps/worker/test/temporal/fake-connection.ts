/**
 * A fake Temporal `ConnectionLike` that records every gRPC request and keeps schedules in memory, enough for
 * the real `Client` to create, describe, update, patch, list and delete schedules with no server. It also starts
 * workflows: a start under an id still in `running` is refused as the server refuses it (ALREADY_EXISTS, for the
 * default FAIL conflict policy); delete an id from `running` to let its workflow "complete".
 * It relies on the request shapes of the pinned SDK version (1.24.0).
 */
import type { ConnectionLike } from "@temporalio/client";

export interface RecordedCall {
  method: string;
  request: Record<string, unknown>;
}

/** gRPC status codes the client maps to typed errors. */
const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;

class FakeGrpcError extends Error {
  readonly metadata = { get: (): unknown[] => [] };
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${details}`);
  }
}

interface StoredSchedule {
  schedule: Record<string, unknown> & { state?: Record<string, unknown> };
  memo: unknown;
}

export function createFakeConnection(): ConnectionLike & {
  calls: RecordedCall[];
  schedules: Map<string, StoredSchedule>;
  running: Map<string, string>;
} {
  const calls: RecordedCall[] = [];
  const schedules = new Map<string, StoredSchedule>();
  /** Workflow id -> run id of the executions still running. */
  const running = new Map<string, string>();
  let runs = 0;
  // Real responses carry Long timestamps; the SDK treats a falsy `seconds` as Long zero, so the epoch needs no Long.
  const epoch = () => ({ seconds: 0, nanos: 0 });

  const handlers: Record<string, (req: Record<string, unknown>) => unknown> = {
    createSchedule(req) {
      const id = String(req["scheduleId"]);
      if (schedules.has(id)) throw new FakeGrpcError(ALREADY_EXISTS, "schedule already exists");
      // Stored as sent (no structuredClone: it would strip the Long prototypes the SDK decodes with).
      schedules.set(id, { schedule: { ...(req["schedule"] as StoredSchedule["schedule"]) }, memo: req["memo"] });
      return { conflictToken: new Uint8Array() };
    },
    describeSchedule(req) {
      const stored = schedules.get(String(req["scheduleId"]));
      if (!stored) throw new FakeGrpcError(NOT_FOUND, "schedule not found");
      return { schedule: { ...stored.schedule }, memo: stored.memo, info: { createTime: epoch() } };
    },
    updateSchedule(req) {
      const stored = schedules.get(String(req["scheduleId"]));
      if (!stored) throw new FakeGrpcError(NOT_FOUND, "schedule not found");
      stored.schedule = { ...(req["schedule"] as StoredSchedule["schedule"]) };
      return {};
    },
    patchSchedule(req) {
      const stored = schedules.get(String(req["scheduleId"]));
      if (!stored) throw new FakeGrpcError(NOT_FOUND, "schedule not found");
      const patch = (req["patch"] ?? {}) as { pause?: string; unpause?: string };
      if (patch.pause) stored.schedule.state = { ...stored.schedule.state, paused: true, notes: patch.pause };
      if (patch.unpause) stored.schedule.state = { ...stored.schedule.state, paused: false, notes: patch.unpause };
      return {};
    },
    deleteSchedule(req) {
      if (!schedules.delete(String(req["scheduleId"]))) throw new FakeGrpcError(NOT_FOUND, "schedule not found");
      return {};
    },
    startWorkflowExecution(req) {
      const id = String(req["workflowId"]);
      if (running.has(id)) throw new FakeGrpcError(ALREADY_EXISTS, "workflow execution already started");
      runs += 1;
      const runId = `00000000-0000-4000-8000-${String(runs).padStart(12, "0")}`;
      running.set(id, runId);
      return { runId, started: true };
    },
    listSchedules() {
      return { schedules: [...schedules.keys()].map((scheduleId) => ({ scheduleId, info: {} })), nextPageToken: new Uint8Array() };
    },
  };

  const workflowService = new Proxy(
    {},
    {
      get(_target, method) {
        if (typeof method !== "string") return undefined;
        return async (request: Record<string, unknown>) => {
          calls.push({ method, request });
          const handler = handlers[method];
          if (!handler) throw new Error(`fake connection: ${method} not implemented`);
          return handler(request);
        };
      },
    },
  ) as ConnectionLike["workflowService"];

  return {
    calls,
    schedules,
    running,
    workflowService,
    operatorService: new Proxy({}, {}) as ConnectionLike["operatorService"],
    plugins: [],
    close: async () => undefined,
    ensureConnected: async () => undefined,
    withDeadline: (_deadline, fn) => fn(),
    withMetadata: (_metadata, fn) => fn(),
    withAbortSignal: (_signal, fn) => fn(),
  };
}
