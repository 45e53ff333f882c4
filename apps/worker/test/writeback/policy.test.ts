import type { OutboxEntry } from "@gtm-clarity/store";
import { describe, expect, it } from "vitest";
import { backoffMs, outcomesFor, resolvePolicy, WRITEBACK_BATCH_MAX } from "../../src/writeback/policy.js";

const policy = resolvePolicy({ initialBackoffMs: 1_000, maxBackoffMs: 10_000, maxAttempts: 3 });

function entry(id: string, externalId: string, attempts = 1): OutboxEntry {
  const at = new Date(0);
  return {
    id,
    tenantId: "t",
    connectionId: "c",
    seq: 1,
    kind: "person",
    externalId,
    record: { kind: "person", externalId, properties: {}, isDeleted: false },
    status: "sent",
    attempts,
    attemptId: "a",
    leaseExpiresAt: at,
    nextAttemptAt: at,
    error: null,
    sentAt: at,
    settledAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

describe("writeback policy", () => {
  it("caps the batch at the connector's 200 and backs off exponentially up to the cap", () => {
    expect(resolvePolicy({ batchSize: 5_000 }).batchSize).toBe(WRITEBACK_BATCH_MAX);
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffMs(policy, n))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("matches answers by position, falls back to the external id, and retries a change with no answer", () => {
    const entries = [entry("1", "p1"), entry("2", "p2"), entry("3", "p3"), entry("4", "p4", 3)];
    const outcomes = outcomesFor(
      entries,
      [
        { externalId: "p2", ok: true }, // out of place: found by id
        { externalId: "p1", ok: false, error: "INVALID_EMAIL_ADDRESS" },
        { externalId: "p3", ok: "yes" }, // malformed: no answer
      ],
      policy,
    );
    expect(outcomes).toEqual([
      { id: "1", outcome: "failed", error: "INVALID_EMAIL_ADDRESS" },
      { id: "2", outcome: "confirmed" },
      { id: "3", outcome: "retry", error: "the connector returned no result for this change", delayMs: 1_000 },
      { id: "4", outcome: "failed", error: "gave up after 3 attempts: the connector returned no result for this change" },
    ]);
    expect(outcomesFor(entries.slice(0, 1), "not an array", policy)[0]).toMatchObject({ outcome: "retry" });
  });

  it("retries only what the connector calls retryable", () => {
    const outcomes = outcomesFor(
      [entry("1", "p1"), entry("2", "p2")],
      [
        { externalId: "p1", ok: false, error: "UNABLE_TO_LOCK_ROW", retryable: true },
        { externalId: "p2", ok: false },
      ],
      policy,
    );
    expect(outcomes).toEqual([
      { id: "1", outcome: "retry", error: "UNABLE_TO_LOCK_ROW", delayMs: 1_000 },
      { id: "2", outcome: "failed", error: "rejected by the source (no reason given)" },
    ]);
  });
});
