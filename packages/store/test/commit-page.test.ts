import { createHash } from "node:crypto";
import { isNotFoundError, isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { UPSERT_RECORDS } from "../src/commit-page.js";
import { prepareRecords } from "../src/prepare.js";
import { DEFAULT_LIMITS } from "../src/index.js";
import {
  activities,
  activity,
  engines,
  person,
  reportSkip,
  setupConnection,
  uniqueTenant,
  useStore,
} from "./helpers.js";

/** Set by a test to make the next commit fail after that many record batches (the onCommitBatch seam). */
let failAfterBatch: number | undefined;
/** Set by a test to hold each batch open for a while, so concurrent commits really overlap. */
let batchDelayMs = 0;
/** Batch numbers in the order the batches ran, across concurrent commits. */
const batchLog: number[] = [];

describe.each(engines)("commitPage on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine, {
    limits: { batchSize: 100 },
    onCommitBatch: async ({ batch }) => {
      batchLog.push(batch);
      if (batchDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, batchDelayMs));
      if (failAfterBatch !== undefined && batch >= failAfterBatch) throw new Error(`injected failure after batch ${batch}`);
    },
  });

  async function countRecords(tenantId: string, connectionId: string): Promise<number> {
    const { rows } = await h.driver.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM records WHERE tenant_id = $1 AND connection_id = $2",
      [tenantId, connectionId],
    );
    return rows[0]?.n ?? -1;
  }

  it("inserts a page, then reports a re-commit of the same page as unchanged and writes nothing", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const run = await store.startRun({ tenantId, connectionId });
    const records = [...activities(0, 250), person("p1"), { kind: "account", externalId: "acc1", domain: "Example.COM" }];
    const first = await store.commitPage({ tenantId, connectionId, runId: run.id, records, cursor: "c1" });
    expect(first).toEqual({
      created: 252,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      quarantined: 0,
      duplicates: 0,
      documents: 0,
      duplicateEvent: false,
    });
    const before = await h.driver.query<{ updated_at: Date; xmin: string }>(
      "SELECT updated_at, xmin::text AS xmin FROM records WHERE connection_id = $1 ORDER BY external_id",
      [connectionId],
    );

    const again = await store.commitPage({ tenantId, connectionId, runId: run.id, records, cursor: "c2" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 252, quarantined: 0 });
    const after = await h.driver.query<{ updated_at: Date; xmin: string }>(
      "SELECT updated_at, xmin::text AS xmin FROM records WHERE connection_id = $1 ORDER BY external_id",
      [connectionId],
    );
    // Same row versions: an unchanged record is not rewritten (nor locked) at all.
    expect(after.rows).toEqual(before.rows);
    expect(await store.getCursor({ tenantId, connectionId })).toBe("c2");

    const account = await store.getRecord({ tenantId, connectionId, kind: "account", externalId: "acc1" });
    expect(account?.data["domain"]).toBe("example.com");
    const runAfter = await store.getRun({ tenantId, runId: run.id });
    expect(runAfter).toMatchObject({ pages: 2, created: 252, unchanged: 252, updated: 0 });
  });

  it("updates only records whose content changed", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    await store.commitPage({ tenantId, connectionId, records: activities(0, 10), cursor: "c1" });
    const page = activities(0, 10);
    page[3] = activity("a3", { subject: "renamed" });
    page[7] = activity("a7", { properties: { source: "test", extra: 1 } });
    const result = await store.commitPage({ tenantId, connectionId, records: [...page, activity("a10")], cursor: "c2" });
    expect(result).toMatchObject({ created: 1, updated: 2, unchanged: 8 });
    const a3 = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "a3" });
    expect(a3?.data["subject"]).toBe("renamed");
    const a7 = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "a7" });
    expect(a7?.properties).toEqual({ source: "test", extra: 1 });
  });

  it("treats key order in properties as the same content", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    await store.commitPage({ tenantId, connectionId, records: [activity("a", { properties: { x: 1, y: { b: 2, a: 1 } } })] });
    const result = await store.commitPage({
      tenantId,
      connectionId,
      records: [activity("a", { properties: { y: { a: 1, b: 2 }, x: 1 } })],
    });
    expect(result).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });

  it("keeps the last of duplicates inside a page and counts the others", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const result = await store.commitPage({
      tenantId,
      connectionId,
      records: [
        activity("dup", { subject: "first" }),
        activity("other"),
        activity(" dup ", { subject: "second" }),
        activity("dup", { subject: "third" }),
        person("dup"), // same externalId, different kind: a different record
      ],
      cursor: null,
    });
    expect(result).toMatchObject({ created: 3, duplicates: 2, unchanged: 0 });
    const stored = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "dup" });
    expect(stored?.data["subject"]).toBe("third");
  });

  it("turns isDeleted records into tombstones and removes the documents of deleted activities", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const text = "transcript body";
    const document = {
      externalId: "a1:transcript",
      activityExternalId: "a1",
      type: "transcript",
      text,
      byteSize: Buffer.byteLength(text),
      contentHash: createHash("sha256").update(text).digest("hex"),
    };
    const first = await store.commitPage({ tenantId, connectionId, records: activities(0, 3), documents: [document] });
    expect(first).toMatchObject({ created: 3, documents: 1 });
    expect(await store.listDocuments({ tenantId, connectionId, activityExternalId: "a1" })).toHaveLength(1);

    const tombstone = await store.commitPage({
      tenantId,
      connectionId,
      records: [activity("a1", { isDeleted: true }), activity("ghost", { isDeleted: true })],
    });
    expect(tombstone).toMatchObject({ created: 1, updated: 1, deleted: 2 });
    const a1 = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "a1" });
    expect(a1).toMatchObject({ isDeleted: true });
    expect(a1?.deletedAt).toBeInstanceOf(Date);
    expect(await store.listDocuments({ tenantId, connectionId, activityExternalId: "a1" })).toHaveLength(0);
    const live = await store.listRecords({ tenantId, connectionId });
    expect(live.map((r) => r.externalId).sort()).toEqual(["a0", "a2"]);
    const all = await store.listRecords({ tenantId, connectionId, includeDeleted: true });
    expect(all).toHaveLength(4);

    // The same tombstone again is unchanged; the record coming back resurrects it.
    expect(await store.commitPage({ tenantId, connectionId, records: [activity("a1", { isDeleted: true })] })).toMatchObject({
      unchanged: 1,
      deleted: 0,
    });
    expect(await store.commitPage({ tenantId, connectionId, records: [activity("a1")] })).toMatchObject({ updated: 1 });
    const back = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "a1" });
    expect(back).toMatchObject({ isDeleted: false, deletedAt: null });
  });

  it("quarantines invalid, oversized and unstorable records with reasons, and stores the rest", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const run = await store.startRun({ tenantId, connectionId });
    const huge = "x".repeat(300 * 1024);
    const result = await store.commitPage({
      tenantId,
      connectionId,
      runId: run.id,
      records: [
        activity("ok1"),
        { kind: "activity", externalId: "no-date", type: "meeting", channel: "video" },
        { kind: "martian", externalId: "m1" },
        "not even an object",
        activity("big", { properties: { blob: huge } }),
        activity("nul", { properties: { text: "a\u0000b" } }),
        activity("bigint", { properties: { n: 10n } }),
        person("bad-email", { email: "not-an-email" }),
        activity("ok2"),
      ],
      quarantined: [{ externalId: "from-connector", raw: { id: 7, weird: true }, reasons: [{ path: "id", message: "no mapping" }] }],
      documents: [{ externalId: "d1", activityExternalId: "ok1", type: "transcript", text: "abc", byteSize: 3, contentHash: "0".repeat(64) }],
      cursor: "after",
    });
    expect(result).toMatchObject({ created: 2, quarantined: 9, documents: 0 });

    const entries = await store.listQuarantine({ tenantId, connectionId, runId: run.id });
    expect(entries).toHaveLength(9);
    const byId = new Map(entries.map((entry) => [entry.externalId, entry]));
    expect(byId.get("no-date")?.reasons.map((r) => r.path)).toContain("occurredAt");
    expect(byId.get("no-date")?.kind).toBe("activity");
    expect(byId.get("big")?.reasons[0]?.message).toMatch(/over the 262144-byte limit/);
    expect(byId.get("nul")?.reasons[0]?.message).toMatch(/NUL/);
    expect(byId.get("bigint")?.reasons[0]?.message).toMatch(/not JSON-serialisable/);
    expect(byId.get("bad-email")?.reasons[0]).toMatchObject({ path: "email" });
    expect(byId.get("from-connector")).toMatchObject({ raw: { id: 7, weird: true }, reasons: [{ path: "id", message: "no mapping" }] });
    expect(byId.get("d1")).toMatchObject({ kind: "document", reasons: [{ path: "contentHash" }] });
    expect(entries.some((entry) => entry.raw === "not even an object")).toBe(true);
    expect(await store.getRun({ tenantId, runId: run.id })).toMatchObject({ quarantined: 9, created: 2 });
    expect(await store.getCursor({ tenantId, connectionId })).toBe("after");
  });

  it("rolls back records, quarantine, cursor and run counts when a page fails halfway (injected after batch 5 of 10)", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const run = await store.startRun({ tenantId, connectionId });
    await store.commitPage({ tenantId, connectionId, runId: run.id, records: activities(0, 50), cursor: "page-1" });

    failAfterBatch = 5;
    try {
      await expect(
        store.commitPage({
          tenantId,
          connectionId,
          runId: run.id,
          records: [...activities(0, 50, { subject: "changed" }), ...activities(50, 1000), { kind: "bad" }],
          cursor: "page-2",
        }),
      ).rejects.toThrow(/injected failure after batch 5/);
    } finally {
      failAfterBatch = undefined;
    }
    expect(await countRecords(tenantId, connectionId)).toBe(50);
    const a0 = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "a0" });
    expect(a0?.data["subject"]).toBe("Meeting a0");
    expect(await store.getCursor({ tenantId, connectionId })).toBe("page-1");
    expect(await store.listQuarantine({ tenantId, connectionId })).toHaveLength(0);
    expect(await store.getRun({ tenantId, runId: run.id })).toMatchObject({ pages: 1, created: 50 });
  });

  it("rolls back when the database rejects a row in the middle of a page", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    await store.commitPage({ tenantId, connectionId, records: activities(0, 10), cursor: "before" });
    // A trigger that fails on one record, placed in the 8th of 10 batches.
    await h.driver.exec(`
      CREATE FUNCTION reject_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.external_id = 'poison' THEN RAISE EXCEPTION 'poisoned record'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER reject_poison BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION reject_poison();`);
    try {
      const records = activities(10, 1000);
      records.splice(750, 0, activity("poison"));
      await expect(store.commitPage({ tenantId, connectionId, records, cursor: "after" })).rejects.toThrow(/poisoned record/);
    } finally {
      await h.driver.exec("DROP TRIGGER reject_poison ON records; DROP FUNCTION reject_poison();");
    }
    expect(await countRecords(tenantId, connectionId)).toBe(10);
    expect(await store.getCursor({ tenantId, connectionId })).toBe("before");
  });

  it("serialises concurrent commits on one connection: both counted, cursor from the last committed", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const run = await store.startRun({ tenantId, connectionId });
    const finished: string[] = [];
    batchDelayMs = 30;
    batchLog.length = 0;
    let results;
    try {
      results = await Promise.all(
        ["p1", "p2"].map(async (cursor, i) => {
          const records = activities(i * 150, i * 150 + 300, { subject: `from ${cursor}` });
          const result = await store.commitPage({ tenantId, connectionId, runId: run.id, records, cursor });
          finished.push(cursor);
          return result;
        }),
      );
    } finally {
      batchDelayMs = 0;
    }
    // Three batches each, never interleaved: the second commit waited for the first one's connection lock.
    expect(batchLog).toEqual([1, 2, 3, 1, 2, 3]);
    // p1 = a0..a299, p2 = a150..a449: 450 distinct records; the overlap of 150 was created once, updated once.
    const created = results.reduce((sum, r) => sum + r.created, 0);
    const updated = results.reduce((sum, r) => sum + r.updated, 0);
    expect({ created, updated }).toEqual({ created: 450, updated: 150 });
    expect(await countRecords(tenantId, connectionId)).toBe(450);
    const last = finished[1];
    expect(await store.getCursor({ tenantId, connectionId })).toBe(last);
    const overlap = await store.getRecord({ tenantId, connectionId, kind: "activity", externalId: "a200" });
    expect(overlap?.data["subject"]).toBe(`from ${last}`);
    expect(await store.getRun({ tenantId, runId: run.id })).toMatchObject({ pages: 2, created: 450, updated: 150 });
  });

  it("keeps cursors per stream and leaves the cursor alone when none is given", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    expect(await store.getCursor({ tenantId, connectionId })).toBeNull();
    await store.commitPage({ tenantId, connectionId, stream: "contacts", records: [], cursor: "c-1" });
    await store.commitPage({ tenantId, connectionId, stream: "accounts", records: [], cursor: "a-1" });
    await store.commitPage({ tenantId, connectionId, stream: "contacts", records: [person("p")] });
    expect(await store.getCursor({ tenantId, connectionId, stream: "contacts" })).toBe("c-1");
    expect(await store.getCursor({ tenantId, connectionId, stream: "accounts" })).toBe("a-1");
    await store.setCursor({ tenantId, connectionId, stream: "contacts", cursor: null });
    expect(await store.getCursor({ tenantId, connectionId, stream: "contacts" })).toBeNull();
  });

  it("commits a webhook event once: a redelivery is a no-op flagged as duplicate", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const first = await store.commitPage({ tenantId, connectionId, records: [activity("w1")], webhookEventId: "evt_1" });
    expect(first).toMatchObject({ created: 1, duplicateEvent: false });
    const again = await store.commitPage({
      tenantId,
      connectionId,
      records: [activity("w1", { subject: "changed" }), activity("w2")],
      webhookEventId: "evt_1",
    });
    expect(again).toEqual({
      created: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      quarantined: 0,
      duplicates: 0,
      documents: 0,
      duplicateEvent: true,
    });
    expect(await countRecords(tenantId, connectionId)).toBe(1);
    expect(await store.recordWebhookEvent({ tenantId, connectionId, eventId: "evt_2" })).toBe(true);
    expect(await store.recordWebhookEvent({ tenantId, connectionId, eventId: "evt_2" })).toBe(false);
    expect(await store.recordWebhookEvent({ tenantId, connectionId, eventId: "evt_1" })).toBe(false);
  });

  it("stores documents apart from activities and rewrites them only when their hash changes", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const doc = (text: string) => ({
      externalId: "m1:transcript",
      activityExternalId: "m1",
      type: "transcript",
      mediaType: "text/plain",
      text,
      byteSize: Buffer.byteLength(text),
      contentHash: createHash("sha256").update(text).digest("hex"),
    });
    const long = "Speaker 1: hello ✓\n".repeat(5000);
    expect(await store.commitPage({ tenantId, connectionId, records: [activity("m1")], documents: [doc(long)] })).toMatchObject({
      documents: 1,
    });
    expect(await store.commitPage({ tenantId, connectionId, records: [], documents: [doc(long)] })).toMatchObject({ documents: 0 });
    expect(
      await store.commitPage({ tenantId, connectionId, records: [], documents: [doc("short"), doc("shorter")] }),
    ).toMatchObject({ documents: 1, duplicates: 1 });
    const stored = await store.getDocument({ tenantId, connectionId, externalId: "m1:transcript" });
    expect(stored).toMatchObject({ text: "shorter", byteSize: 7, activityExternalId: "m1", mediaType: "text/plain" });
  });

  it("rejects an unknown connection, another tenant's connection and a finished run, changing nothing", async () => {
    const { store } = h;
    const a = await setupConnection(store);
    const b = await setupConnection(store);
    await store.commitPage({ tenantId: b.tenantId, connectionId: b.connectionId, records: [activity("b1")], cursor: "b" });

    const unknown = store.commitPage({
      tenantId: a.tenantId,
      connectionId: "00000000-0000-4000-8000-000000000000",
      records: [activity("x")],
      cursor: "x",
    });
    await expect(unknown).rejects.toSatisfy(isNotFoundError);
    const crossTenant = store.commitPage({
      tenantId: a.tenantId,
      connectionId: b.connectionId,
      records: [activity("b1", { subject: "hijacked" }), activity("b2")],
      cursor: "hijacked",
    });
    await expect(crossTenant).rejects.toSatisfy(isNotFoundError);
    expect(await store.getCursor({ tenantId: b.tenantId, connectionId: b.connectionId })).toBe("b");
    expect(await countRecords(b.tenantId, b.connectionId)).toBe(1);
    const b1 = await store.getRecord({ tenantId: b.tenantId, connectionId: b.connectionId, kind: "activity", externalId: "b1" });
    expect(b1?.data["subject"]).toBe("Meeting b1");

    const run = await store.startRun({ tenantId: a.tenantId, connectionId: a.connectionId });
    await store.finishRun({ tenantId: a.tenantId, runId: run.id, status: "failed", error: "boom" });
    await expect(
      store.commitPage({ tenantId: a.tenantId, connectionId: a.connectionId, runId: run.id, records: [activity("late")] }),
    ).rejects.toSatisfy(isValidationError);
    // A run of another connection is not found for this one.
    const otherRun = await store.startRun({ tenantId: b.tenantId, connectionId: b.connectionId });
    await expect(
      store.commitPage({ tenantId: a.tenantId, connectionId: a.connectionId, runId: otherRun.id, records: [] }),
    ).rejects.toSatisfy(isNotFoundError);
    expect(await countRecords(a.tenantId, a.connectionId)).toBe(0);
  });

  it("rejects malformed input with a ValidationError before touching the database", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const bad: unknown[] = [
      { tenantId, connectionId: "not-a-uuid", records: [] },
      { tenantId: "", connectionId, records: [] },
      { tenantId, connectionId, records: "nope" },
      { tenantId, connectionId, records: [], cursor: "a\u0000b" },
      { tenantId, connectionId, records: [], quarantined: [{ raw: 1 }] },
      { tenantId, connectionId, records: new Array(20_001).fill(null) },
    ];
    for (const input of bad) {
      await expect(store.commitPage(input as never)).rejects.toSatisfy(isValidationError);
    }
    expect(await countRecords(tenantId, connectionId)).toBe(0);
    expect(await store.getCursor({ tenantId, connectionId })).toBeNull();
  });

  it("probes the primary key for each record of a batch, also under row-level security", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    await store.commitPage({ tenantId, connectionId, records: activities(0, 2000) });
    const batch = prepareRecords(activities(1990, 2010), DEFAULT_LIMITS).records;
    const plan = await store.withTenant(tenantId, async (tx) => {
      const { rows } = await tx.query(`EXPLAIN ${UPSERT_RECORDS}`, [
        tenantId,
        connectionId,
        null,
        `[${batch.map((record) => record.json).join(",")}]`,
        "1",
      ]);
      return rows.map((row) => Object.values(row)[0]).join("\n");
    });
    // Without a parameterised index condition on (kind, external_id) every batch would scan the whole connection.
    expect(plan).toMatch(/Index Cond: .*kind = .*external_id = /);
  });

  it("uses the tenant id as given, with no tenant row created implicitly", async () => {
    const { store } = h;
    const tenantId = uniqueTenant();
    await expect(
      store.createConnection({ tenantId, connectorId: "x", connectorVersion: "1.0.0", credentials: {} }),
    ).rejects.toSatisfy(isNotFoundError);
  });
});
