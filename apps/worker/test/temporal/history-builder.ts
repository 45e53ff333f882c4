/**
 * Builds Temporal workflow histories by hand, in the proto-JSON form `temporal workflow show --output json`
 * writes, so replay tests can script a workflow's life without a server.
 *
 * The first WorkflowTaskCompleted carries `sdkMetadata` flags exactly as a real 1.24 worker writes them. Without
 * core flag 1 (IdAndTypeDeterminismChecks) replay silently skips the activity id/type checks.
 */

export interface HistoryEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  [attributes: string]: unknown;
}

export interface HistoryJson {
  events: HistoryEvent[];
}

export interface FailureSpec {
  message: string;
  type: string;
  nonRetryable: boolean;
}

const TASK_QUEUE = { name: "gtm-sync", kind: "TASK_QUEUE_KIND_NORMAL" };
const IDENTITY = "history-builder@test";
const SDK_FLAGS = { coreUsedFlags: [1, 2, 3], langUsedFlags: [1, 2] };

/**
 * A Temporal payload as the default converter writes it: `undefined` is `binary/null` with no data, anything else
 * `json/plain`. Metadata and data are base64 in proto JSON.
 */
export function payload(value: unknown): { metadata: { encoding: string }; data?: string } {
  if (value === undefined) return { metadata: { encoding: Buffer.from("binary/null").toString("base64") } };
  return {
    metadata: { encoding: Buffer.from("json/plain").toString("base64") },
    data: Buffer.from(JSON.stringify(value)).toString("base64"),
  };
}

export function decodePayload(encoded: { data?: string }): unknown {
  return encoded.data === undefined ? undefined : JSON.parse(Buffer.from(encoded.data, "base64").toString("utf8"));
}

function failure(spec: FailureSpec) {
  return {
    message: spec.message,
    source: "TypeScriptSDK",
    applicationFailureInfo: { type: spec.type, nonRetryable: spec.nonRetryable },
  };
}

export class HistoryBuilder {
  readonly #events: HistoryEvent[] = [];
  readonly #start = Date.parse("2026-01-05T09:00:00.000Z");
  #lastWorkflowTaskCompleted = 0;
  #activitySeq = 0;
  #flagsWritten = false;
  /** Activities scheduled and started but not yet resolved: activity id -> [scheduledEventId, startedEventId]. */
  readonly #open = new Map<string, [number, number]>();

  constructor(
    readonly workflowType: string,
    readonly workflowId: string,
  ) {}

  #add(eventType: string, attributesKey: string, attributes: Record<string, unknown>): number {
    const eventId = this.#events.length + 1;
    this.#events.push({
      eventId: String(eventId),
      eventTime: new Date(this.#start + eventId * 1000).toISOString(),
      eventType,
      [attributesKey]: attributes,
    });
    return eventId;
  }

  started(args: unknown[]): this {
    this.#add("EVENT_TYPE_WORKFLOW_EXECUTION_STARTED", "workflowExecutionStartedEventAttributes", {
      workflowType: { name: this.workflowType },
      taskQueue: TASK_QUEUE,
      input: { payloads: args.map(payload) },
      workflowRunTimeout: "0s",
      workflowTaskTimeout: "10s",
      originalExecutionRunId: "00000000-0000-4000-8000-000000000001",
      firstExecutionRunId: "00000000-0000-4000-8000-000000000001",
      identity: IDENTITY,
      attempt: 1,
      firstWorkflowTaskBackoff: "0s",
      header: {},
    });
    return this.workflowTask();
  }

  /** A workflow task: scheduled, started, completed (the SDK flags ride on the first completion). */
  workflowTask(): this {
    const scheduled = this.#add("EVENT_TYPE_WORKFLOW_TASK_SCHEDULED", "workflowTaskScheduledEventAttributes", {
      taskQueue: TASK_QUEUE,
      startToCloseTimeout: "10s",
      attempt: 1,
    });
    const started = this.#add("EVENT_TYPE_WORKFLOW_TASK_STARTED", "workflowTaskStartedEventAttributes", {
      scheduledEventId: String(scheduled),
      identity: IDENTITY,
      requestId: `wft-${scheduled}`,
      historySizeBytes: "0",
    });
    this.#lastWorkflowTaskCompleted = this.#add(
      "EVENT_TYPE_WORKFLOW_TASK_COMPLETED",
      "workflowTaskCompletedEventAttributes",
      {
        scheduledEventId: String(scheduled),
        startedEventId: String(started),
        identity: IDENTITY,
        ...(this.#flagsWritten ? {} : { sdkMetadata: SDK_FLAGS }),
      },
    );
    this.#flagsWritten = true;
    return this;
  }

  /**
   * What `patched(patchId)` records the first time new code takes a patched branch, in the same workflow task as
   * the command that follows (call this right before scheduling that command's activity): the marker, as core
   * writes it (`patch_id` as raw UTF-8, `deprecated` as one byte), and the TemporalChangeVersion search attribute.
   */
  patchMarker(patchId: string): this {
    const raw = (bytes: Buffer) => ({
      payloads: [{ metadata: { encoding: Buffer.from("binary/plain").toString("base64") }, data: bytes.toString("base64") }],
    });
    this.#add("EVENT_TYPE_MARKER_RECORDED", "markerRecordedEventAttributes", {
      markerName: "core_patch",
      details: { patch_id: raw(Buffer.from(patchId, "utf8")), deprecated: raw(Buffer.from([0])) },
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    this.#add("EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES", "upsertWorkflowSearchAttributesEventAttributes", {
      searchAttributes: { indexedFields: { TemporalChangeVersion: payload([patchId]) } },
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    return this;
  }

  /** Schedules and starts the next activity (ids follow the SDK's own sequence: "1", "2", ...). */
  scheduleActivity(name: string, args: unknown[] = []): string {
    this.#activitySeq += 1;
    const activityId = String(this.#activitySeq);
    const scheduled = this.#add("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED", "activityTaskScheduledEventAttributes", {
      activityId,
      activityType: { name },
      taskQueue: TASK_QUEUE,
      header: {},
      input: { payloads: args.map(payload) },
      scheduleToCloseTimeout: "0s",
      scheduleToStartTimeout: "0s",
      startToCloseTimeout: "60s",
      heartbeatTimeout: "0s",
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    const started = this.#add("EVENT_TYPE_ACTIVITY_TASK_STARTED", "activityTaskStartedEventAttributes", {
      scheduledEventId: String(scheduled),
      identity: IDENTITY,
      requestId: `act-${scheduled}`,
      attempt: 1,
    });
    this.#open.set(activityId, [scheduled, started]);
    return activityId;
  }

  #take(activityId: string): [number, number] {
    const ids = this.#open.get(activityId);
    if (!ids) throw new Error(`activity ${activityId} is not open`);
    this.#open.delete(activityId);
    return ids;
  }

  completeActivity(activityId: string, result: unknown): this {
    const [scheduled, started] = this.#take(activityId);
    this.#add("EVENT_TYPE_ACTIVITY_TASK_COMPLETED", "activityTaskCompletedEventAttributes", {
      result: { payloads: [payload(result)] },
      scheduledEventId: String(scheduled),
      startedEventId: String(started),
      identity: IDENTITY,
    });
    return this.workflowTask();
  }

  failActivity(activityId: string, spec: FailureSpec): this {
    const [scheduled, started] = this.#take(activityId);
    this.#add("EVENT_TYPE_ACTIVITY_TASK_FAILED", "activityTaskFailedEventAttributes", {
      failure: failure(spec),
      scheduledEventId: String(scheduled),
      startedEventId: String(started),
      identity: IDENTITY,
      retryState: spec.nonRetryable ? "RETRY_STATE_NON_RETRYABLE_FAILURE" : "RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED",
    });
    return this.workflowTask();
  }

  /** Schedule + complete in one go: the common case. */
  activity(name: string, result: unknown, args: unknown[] = []): this {
    return this.completeActivity(this.scheduleActivity(name, args), result);
  }

  activityFailed(name: string, spec: FailureSpec, args: unknown[] = []): this {
    return this.failActivity(this.scheduleActivity(name, args), spec);
  }

  /**
   * The workflow starts a child (`startChild`) and the server starts it: the initiated event in the task that
   * issued the command, the started event, and the workflow task that follows. `parentClosePolicy` in proto form,
   * e.g. "PARENT_CLOSE_POLICY_ABANDON".
   */
  childStarted(workflowType: string, workflowId: string, args: unknown[], parentClosePolicy: string): this {
    const initiated = this.#childInitiated(workflowType, workflowId, args, parentClosePolicy);
    this.#add("EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED", "childWorkflowExecutionStartedEventAttributes", {
      namespace: "default",
      initiatedEventId: String(initiated),
      workflowExecution: { workflowId, runId: "00000000-0000-4000-8000-00000000c001" },
      workflowType: { name: workflowType },
      header: {},
    });
    return this.workflowTask();
  }

  /** The workflow starts a child whose id is already running: the server refuses the start (WORKFLOW_ALREADY_EXISTS). */
  childAlreadyRunning(workflowType: string, workflowId: string, args: unknown[], parentClosePolicy: string): this {
    const initiated = this.#childInitiated(workflowType, workflowId, args, parentClosePolicy);
    this.#add("EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED", "startChildWorkflowExecutionFailedEventAttributes", {
      namespace: "default",
      workflowId,
      workflowType: { name: workflowType },
      cause: "START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS",
      control: "",
      initiatedEventId: String(initiated),
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    return this.workflowTask();
  }

  #childInitiated(workflowType: string, workflowId: string, args: unknown[], parentClosePolicy: string): number {
    return this.#add("EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED", "startChildWorkflowExecutionInitiatedEventAttributes", {
      namespace: "default",
      workflowId,
      workflowType: { name: workflowType },
      taskQueue: TASK_QUEUE,
      input: { payloads: args.map(payload) },
      workflowExecutionTimeout: "0s",
      workflowRunTimeout: "0s",
      workflowTaskTimeout: "10s",
      parentClosePolicy,
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
      workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
      header: {},
    });
  }

  /**
   * A client cancels the workflow while `activityId` runs: the workflow asks the activity to cancel and (with
   * WAIT_CANCELLATION_COMPLETED) waits until the activity confirms.
   */
  cancelRequestedDuring(activityId: string): this {
    this.#add("EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED", "workflowExecutionCancelRequestedEventAttributes", {
      cause: "user request",
      identity: IDENTITY,
    });
    this.workflowTask();
    const [scheduled, started] = this.#take(activityId);
    const cancelRequested = this.#add(
      "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED",
      "activityTaskCancelRequestedEventAttributes",
      { scheduledEventId: String(scheduled), workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted) },
    );
    this.#add("EVENT_TYPE_ACTIVITY_TASK_CANCELED", "activityTaskCanceledEventAttributes", {
      details: { payloads: [] },
      latestCancelRequestedEventId: String(cancelRequested),
      scheduledEventId: String(scheduled),
      startedEventId: String(started),
      identity: IDENTITY,
    });
    return this.workflowTask();
  }

  completed(result: unknown): HistoryJson {
    this.#add("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", "workflowExecutionCompletedEventAttributes", {
      result: { payloads: [payload(result)] },
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    return this.build();
  }

  continuedAsNew(args: unknown[]): HistoryJson {
    this.#add("EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW", "workflowExecutionContinuedAsNewEventAttributes", {
      newExecutionRunId: "00000000-0000-4000-8000-000000000002",
      workflowType: { name: this.workflowType },
      taskQueue: TASK_QUEUE,
      input: { payloads: args.map(payload) },
      workflowRunTimeout: "0s",
      workflowTaskTimeout: "10s",
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
      initiator: "CONTINUE_AS_NEW_INITIATOR_WORKFLOW",
      header: {},
    });
    return this.build();
  }

  failed(spec: FailureSpec): HistoryJson {
    this.#add("EVENT_TYPE_WORKFLOW_EXECUTION_FAILED", "workflowExecutionFailedEventAttributes", {
      failure: failure(spec),
      retryState: "RETRY_STATE_RETRY_POLICY_NOT_SET",
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    return this.build();
  }

  canceled(): HistoryJson {
    this.#add("EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED", "workflowExecutionCanceledEventAttributes", {
      details: { payloads: [] },
      workflowTaskCompletedEventId: String(this.#lastWorkflowTaskCompleted),
    });
    return this.build();
  }

  build(): HistoryJson {
    return { events: this.#events.map((event) => ({ ...event })) };
  }
}
