/**
 * Replays hand-built histories through the real workflow sandbox and Rust state machines (no server). Replay
 * checks the command sequence; the probe interceptor adds the values (activity args, continueAsNew args, result).
 */
import { DeterminismViolationError } from "@temporalio/workflow";
import { Worker, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { beforeAll, describe, expect, it } from "vitest";
import { bundleWithProbe, installQuietRuntime } from "./bundle.js";
import type { HistoryJson } from "./history-builder.js";
import type { ProbeEvent } from "./probe-interceptor.js";
import * as s from "./scenarios.js";

installQuietRuntime();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWithProbe();
});

async function replay(history: HistoryJson, workflowId: string): Promise<ProbeEvent[]> {
  const events: ProbeEvent[] = [];
  await Worker.runReplayHistory(
    {
      workflowBundle: bundle,
      sinks: { probe: { event: { fn: (_info, event: ProbeEvent) => void events.push(event), callDuringReplay: true } } },
    },
    history,
    workflowId,
  );
  return events;
}

const activities = (events: ProbeEvent[]) =>
  events.flatMap((e) => (e.kind === "activity" ? [{ type: e.activityType, arg: e.args[0] }] : []));

/** A one-page Salesforce sync up to the writeback patch marker: the history of a sync that is about to check. */
async function syncedUpToWritebackPatch(workflowId: string) {
  const { HistoryBuilder } = await import("./history-builder.js");
  return new HistoryBuilder(s.WORKFLOW_TYPE, workflowId)
    .started([{ ...s.TARGET }])
    .activity("startRun", s.SALESFORCE_STARTED)
    .patchMarker(s.PIPELINED)
    .activity("syncPages", s.pages("p1", false, 1))
    .activity("finishRun", undefined)
    .patchMarker(s.WRITEBACK_PATCH);
}

describe("syncConnection replay", () => {
  it("happy path: starts a run, pages from the stored cursor until hasMore is false, finishes the run", async () => {
    const { history, workflowId } = s.happyPath();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["startRun", "syncPage", "syncPage", "finishRun"]);
    expect(calls[0]?.arg).toEqual({
      ...s.TARGET,
      fullSync: false,
      trigger: "schedule",
      // The execution names its run: a retried startRun after a lost reply gets the same one.
      runKey: `temporal:${workflowId}:00000000-0000-4000-8000-000000000001`,
    });
    expect(calls[1]?.arg).toMatchObject({ runId: "run-1", cursor: "stored-cursor", page: 1 });
    expect(calls[2]?.arg).toMatchObject({ runId: "run-1", cursor: "p1", page: 2 });
    expect(calls[3]?.arg).toEqual({
      ...s.TARGET,
      runId: "run-1",
      status: "succeeded",
      cursor: "p2",
      counters: { pages: 2, records: 80, quarantined: 2, documents: 4 },
    });
    expect(events.at(-1)).toEqual({
      kind: "result",
      value: { runId: "run-1", status: "succeeded", cursor: "p2", counters: { pages: 2, records: 80, quarantined: 2, documents: 4 }, continuations: 0 },
    });
  });

  it("continues as new after maxPagesPerRun pages, carrying the cursor and the counters", async () => {
    const { history, workflowId } = s.continuesAsNew();
    const events = await replay(history, workflowId);
    expect(activities(events).map((c) => c.type)).toEqual(["startRun", "syncPage", "syncPage"]);
    const can = events.find((e) => e.kind === "continueAsNew");
    expect(can).toEqual({
      kind: "continueAsNew",
      args: [
        {
          ...s.TARGET,
          maxPagesPerRun: 2,
          resume: { runId: "run-1", cursor: "p2", counters: { pages: 2, records: 100, quarantined: 2, documents: 4 }, continuations: 1 },
        },
      ],
    });
    // The args the history recorded agree with what the code produced.
    const recorded = history.events.at(-1)?.["workflowExecutionContinuedAsNewEventAttributes"] as {
      input: { payloads: { data: string }[] };
    };
    const { decodePayload } = await import("./history-builder.js");
    expect(recorded.input.payloads.map(decodePayload)).toEqual(can?.kind === "continueAsNew" ? can.args : null);
  });

  it("the continued run resumes at the carried cursor and does not start a second sync run", async () => {
    const { history, workflowId } = s.resumedAfterContinueAsNew();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["syncPage", "finishRun"]);
    expect(calls[0]?.arg).toMatchObject({ cursor: "p2", page: 3, runId: "run-1" });
    expect(calls[1]?.arg).toMatchObject({ status: "succeeded", cursor: "p3", counters: { pages: 3, records: 107 } });
  });

  it("a non-retryable AuthError marks the connection needs_reauth, records the failed run and fails", async () => {
    const { history, workflowId } = s.authFailure();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["startRun", "syncPage", "syncPage", "markConnection", "finishRun"]);
    expect(calls[3]?.arg).toEqual({ ...s.TARGET, status: "needs_reauth", reason: "Fathom rejected the API key (401)" });
    expect(calls[4]?.arg).toMatchObject({
      status: "failed",
      cursor: "p1",
      error: { type: "AuthError", message: "Fathom rejected the API key (401)" },
    });
    expect(events.at(-1)).toMatchObject({ kind: "error", type: "AuthError" });
  });

  it("a retryable failure that exhausted its retries fails the run without touching the connection", async () => {
    const { history, workflowId } = s.transientFailure();
    const calls = activities(await replay(history, workflowId));
    expect(calls.map((c) => c.type)).toEqual(["startRun", "syncPage", "finishRun"]);
    expect(calls[2]?.arg).toMatchObject({ status: "failed", error: { type: "TransientError" } });
  });

  it("a connection refused at start (no DPA) is disabled; with no run there is nothing to finish", async () => {
    const { history, workflowId } = s.refusedAtStart();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["startRun", "markConnection"]);
    expect(calls[1]?.arg).toMatchObject({ status: "dpa_required" });
    expect(events.at(-1)).toMatchObject({ kind: "error", type: "DpaRequiredError" });
  });

  it("cancellation waits for the page to stop, then records the run as cancelled", async () => {
    const { history, workflowId } = s.cancelled();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["startRun", "syncPage", "syncPage", "finishRun"]);
    expect(calls[3]?.arg).toMatchObject({ status: "cancelled", cursor: "p1", counters: { pages: 1 } });
  });
});

describe("syncConnection replay, pipelined (patch \"pipelined-pages\")", () => {
  it("asks for up to PAGES_PER_CALL pages per call and adds each call's totals", async () => {
    const { history, workflowId } = s.pipelinedHappyPath();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["startRun", "syncPages", "syncPages", "finishRun"]);
    expect(calls[1]?.arg).toMatchObject({ runId: "run-1", cursor: "stored-cursor", page: 1, maxPages: 50 });
    expect(calls[2]?.arg).toMatchObject({ runId: "run-1", cursor: "p50", page: 51, maxPages: 50 });
    expect(calls[3]?.arg).toMatchObject({ status: "succeeded", cursor: "p80", counters: { pages: 80, records: 3_980 } });
  });

  it("never asks for more pages than maxPagesPerRun leaves, then continues as new with the totals", async () => {
    const { history, workflowId } = s.pipelinedContinuesAsNew();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => (c.arg as { maxPages?: number }).maxPages)).toEqual([undefined, 50, 20]);
    expect(events.find((e) => e.kind === "continueAsNew")).toMatchObject({
      args: [{ resume: { cursor: "p70", counters: { pages: 70, records: 3_500 }, continuations: 1 } }],
    });
  });

  it("an old execution (no patch marker) keeps paging one page per activity", async () => {
    const { history, workflowId } = s.happyPath();
    const calls = activities(await replay(history, workflowId));
    expect(calls.filter((c) => c.type === "syncPages")).toEqual([]);
  });
});

describe("syncConnection replay, writeback after sync (patch \"writeback-after-sync\")", () => {
  const children = (events: ProbeEvent[]) => events.filter((e) => e.kind === "child");

  it("after a succeeded sync with changes queued, starts drainWriteback as an abandoned child under the stable id", async () => {
    const { history, workflowId } = s.writebackDrainStarted();
    const events = await replay(history, workflowId);
    const calls = activities(events);
    expect(calls.map((c) => c.type)).toEqual(["startRun", "syncPages", "finishRun", "writebackPending"]);
    expect(calls[3]?.arg).toEqual(s.TARGET);
    expect(children(events)).toEqual([
      { kind: "child", workflowType: "drainWriteback", workflowId: "writeback:tenant-a:conn-1", args: [s.TARGET], parentClosePolicy: "ABANDON" },
    ]);
    expect(events.at(-1)).toMatchObject({ kind: "result", value: { status: "succeeded", writeback: "started" } });
  });

  it("a drain already running under that id is not doubled, and the sync still succeeds", async () => {
    const { history, workflowId } = s.writebackDrainAlreadyRunning();
    const events = await replay(history, workflowId);
    expect(children(events)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ kind: "result", value: { status: "succeeded", writeback: "already-running" } });
  });

  it("a connector without writeback (or an empty outbox) starts nothing", async () => {
    const { history, workflowId } = s.writebackUnsupported();
    const events = await replay(history, workflowId);
    expect(activities(events).at(-1)?.type).toBe("writebackPending");
    expect(children(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ kind: "result", value: { writeback: "unsupported" } });
  });

  it("a failed check never fails the sync: the changes stay queued for the next one", async () => {
    const b = await syncedUpToWritebackPatch("wf-writeback-check-failed");
    const history = b
      .activityFailed("writebackPending", { message: "database unavailable", type: "TransientError", nonRetryable: false })
      .completed(null);
    const events = await replay(history, b.workflowId);
    expect(children(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ kind: "result", value: { status: "succeeded", writeback: "failed" } });
  });

  it("failed and cancelled syncs never check the outbox (their histories end without the marker)", async () => {
    for (const scenario of [s.authFailure(), s.transientFailure(), s.cancelled()]) {
      const events = await replay(scenario.history, scenario.workflowId);
      expect(activities(events).map((c) => c.type)).not.toContain("writebackPending");
    }
  });

  it("an execution started before the patch completes right after finishRun (old golden histories replay)", async () => {
    const { history, workflowId } = s.pipelinedHappyPath();
    const events = await replay(history, workflowId);
    expect(activities(events).map((c) => c.type)).toEqual(["startRun", "syncPages", "syncPages", "finishRun"]);
    expect(children(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ kind: "result", value: { status: "succeeded" } });
    expect(events.at(-1)).not.toHaveProperty("value.writeback");
  });

  it("a history that completed after finishRun but carries the marker is a determinism violation (the step is real)", async () => {
    const b = await syncedUpToWritebackPatch("wf-writeback-skipped");
    const history = b.completed(null);
    await expect(replay(history, b.workflowId)).rejects.toThrow(/Nondeterminism|does not handle this event/);
  });

  it("a history whose child has another workflow type is a determinism violation", async () => {
    const { history, workflowId } = s.writebackDrainStarted();
    const renamed = JSON.parse(JSON.stringify(history).replaceAll('"name":"drainWriteback"', '"name":"drainWritebackV0"')) as HistoryJson;
    await expect(replay(renamed, workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});

describe("replay catches changed workflow code (the checks are really on)", () => {
  it("a renamed activity in history is a determinism violation", async () => {
    const { history, workflowId } = s.happyPath();
    const renamed = JSON.parse(JSON.stringify(history).replace('"name":"syncPage"', '"name":"fetchPageV0"')) as HistoryJson;
    await expect(replay(renamed, workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
  });

  it("a history that completes where the code continues as new is a determinism violation", async () => {
    const { workflowId } = s.continuesAsNew();
    const { HistoryBuilder } = await import("./history-builder.js");
    const history = new HistoryBuilder(s.WORKFLOW_TYPE, workflowId)
      .started([{ ...s.TARGET, maxPagesPerRun: 2 }])
      .activity("startRun", s.STARTED)
      .activity("syncPage", s.page("p1", true))
      .activity("syncPage", s.page("p2", true))
      .completed(null);
    await expect(replay(history, workflowId)).rejects.toThrow(/Nondeterminism|does not handle this event/);
  });

  it("a history where the failure type is unknown does not take the markConnection branch", async () => {
    const { HistoryBuilder } = await import("./history-builder.js");
    const history = new HistoryBuilder(s.WORKFLOW_TYPE, "wf-other-error")
      .started([{ ...s.TARGET }])
      .activity("startRun", s.STARTED)
      .activityFailed("syncPage", { message: "boom", type: "OtherError", nonRetryable: true })
      .activity("markConnection", undefined)
      .activity("finishRun", undefined)
      .failed({ message: "boom", type: "OtherError", nonRetryable: true });
    await expect(replay(history, "wf-other-error")).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
