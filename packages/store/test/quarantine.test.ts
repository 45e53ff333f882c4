/**
 * Quarantine is keyed by source record: one entry per connection and record (its external id, else the sha256 of
 * its canonical raw JSON), updated in place on every re-sync.
 */
import { describe, expect, it } from "vitest";
import { migrate, migrations, openStore } from "../src/index.js";
import { activity, createTestDatabase, engines, keyRing1, reportSkip, setupConnection, useStore } from "./helpers.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

/** Missing occurredAt: a canonical activity cannot exist without it. */
const malformed = (externalId: string) => ({ kind: "activity", externalId, type: "meeting", channel: "video" });

describe.each(engines)("quarantine keyed by source record on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("the same malformed record across sync, sync, sync --full is one entry: first seen kept, last seen advanced", async () => {
    const { store } = h;
    const ref = await setupConnection(store);
    const runs: string[] = [];
    for (const fullRefresh of [false, false, true]) {
      const run = await store.startRun({ ...ref, fullRefresh });
      runs.push(run.id);
      const result = await store.commitPage({ ...ref, runId: run.id, records: [activity("ok"), malformed("m1")], cursor: null });
      expect(result.quarantined).toBe(1);
      await store.finishRun({ tenantId: ref.tenantId, runId: run.id, status: "succeeded" });
      if (runs.length === 1) {
        const [first] = await store.listQuarantine(ref);
        expect(first).toMatchObject({ seenCount: 1 });
      }
      await tick();
    }
    const entries = await store.listQuarantine(ref);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ externalId: "m1", kind: "activity", sourceKey: "id:activity:m1", runId: runs[2], seenCount: 3 });
    expect(entry?.lastSeenAt.getTime()).toBeGreaterThan(entry?.firstSeenAt.getTime() ?? Infinity);
    expect(entry?.createdAt).toEqual(entry?.firstSeenAt);
    // Every run counted the record it quarantined; the entry lists the run that saw it last.
    for (const runId of runs) expect((await store.getRun({ tenantId: ref.tenantId, runId })).quarantined).toBe(1);
    expect(await store.listQuarantine({ ...ref, runId: runs[0] })).toEqual([]);
  });

  it("keeps the latest raw value and reasons, and the earliest first-seen time", async () => {
    const ref = await setupConnection(h.store);
    await h.store.commitPage({ ...ref, records: [malformed("m2")] });
    const [before] = await h.store.listQuarantine(ref);
    await tick();
    await h.store.commitPage({ ...ref, records: [{ ...malformed("m2"), occurredAt: "not a date" }] });
    const [after] = await h.store.listQuarantine(ref);
    expect(after?.id).toBe(before?.id);
    expect(after?.firstSeenAt).toEqual(before?.firstSeenAt);
    expect(after?.raw).toMatchObject({ occurredAt: "not a date" });
    expect(after?.reasons.map((reason) => reason.path)).toContain("occurredAt");
  });

  it("records without ids are told apart by content: two different ones are two entries, key order does not matter", async () => {
    const ref = await setupConnection(h.store);
    const a = { kind: "martian", name: "Zorg", planet: { name: "Mars", moons: 2 } };
    const b = { kind: "martian", name: "Blip" };
    await h.store.commitPage({ ...ref, records: [a, b] });
    // The same source records again, keys in another order, plus one repeated inside the page.
    const aReordered = { planet: { moons: 2, name: "Mars" }, name: "Zorg", kind: "martian" };
    await h.store.commitPage({ ...ref, records: [aReordered, b, b] });
    const entries = await h.store.listQuarantine(ref);
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => /^sha256:[0-9a-f]{64}$/.test(entry.sourceKey))).toBe(true);
    const counts = Object.fromEntries(entries.map((entry) => [(entry.raw as { name: string }).name, entry.seenCount]));
    expect(counts).toEqual({ Zorg: 2, Blip: 3 });
  });

  it("connector-supplied quarantine is keyed by the external id the connector gives", async () => {
    const ref = await setupConnection(h.store);
    for (const reason of ["no mapping", "still no mapping"]) {
      await h.store.commitPage({ ...ref, records: [], quarantined: [{ externalId: "v-7", raw: { id: 7 }, reasons: [{ path: "id", message: reason }] }] });
    }
    const entries = await h.store.listQuarantine(ref);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ sourceKey: "id::v-7", seenCount: 2, reasons: [{ message: "still no mapping" }] });
  });
});

describe.each(engines)("migration 0003 on existing quarantine rows on $name", (engine) => {
  if (reportSkip(engine)) return;

  it("collapses duplicates into the newest row, keeping the earliest time as first seen", async () => {
    const db = await createTestDatabase(engine);
    try {
      await migrate(db.driver, { migrations: migrations.filter((m) => m.version < 3) });
      const store = await openStore({ driver: db.driver, keyRing: keyRing1, migrate: false });
      const ref = await setupConnection(store);
      const other = await setupConnection(store);
      const insert = (connectionId: string, tenantId: string, externalId: string | null, raw: unknown, at: string) =>
        db.driver.query(
          `INSERT INTO quarantine (tenant_id, connection_id, kind, external_id, raw, reasons, created_at)
           VALUES ($1, $2, 'activity', $3, $4::jsonb, '[]'::jsonb, $5::timestamptz)`,
          [tenantId, connectionId, externalId, JSON.stringify(raw), at],
        );
      await insert(ref.connectionId, ref.tenantId, "m1", { v: 1 }, "2025-01-01T00:00:00Z");
      await insert(ref.connectionId, ref.tenantId, "m1", { v: 2 }, "2025-01-02T00:00:00Z");
      await insert(ref.connectionId, ref.tenantId, "m1", { v: 3 }, "2025-01-03T00:00:00Z");
      await insert(ref.connectionId, ref.tenantId, null, { b: 1, a: 2 }, "2025-01-01T00:00:00Z");
      await insert(ref.connectionId, ref.tenantId, null, { a: 2, b: 1 }, "2025-01-05T00:00:00Z");
      await insert(ref.connectionId, ref.tenantId, null, { other: true }, "2025-01-01T00:00:00Z");
      await insert(other.connectionId, other.tenantId, "m1", { v: 9 }, "2025-01-04T00:00:00Z");

      expect((await migrate(db.driver)).applied[0]).toBe(3);
      const m1 = (await store.listQuarantine(ref)).filter((entry) => entry.externalId === "m1");
      expect(m1).toHaveLength(1);
      expect(m1[0]).toMatchObject({ raw: { v: 3 }, seenCount: 3, sourceKey: "id:activity:m1" });
      expect(m1[0]?.firstSeenAt.toISOString()).toBe("2025-01-01T00:00:00.000Z");
      expect(m1[0]?.lastSeenAt.toISOString()).toBe("2025-01-03T00:00:00.000Z");
      const anonymous = (await store.listQuarantine(ref)).filter((entry) => entry.externalId === null);
      expect(anonymous.map((entry) => entry.seenCount).sort()).toEqual([1, 2]);
      expect(await store.listQuarantine(other)).toHaveLength(1);

      // A re-sync after the migration finds the migrated entry, id-less ones included (same key in SQL and runtime).
      await store.commitPage({ ...ref, records: [{ kind: "activity", a: 2, b: 1 }] });
      await store.commitPage({ ...ref, records: [], quarantined: [{ raw: { other: true }, reasons: [] }] });
      const after = await store.listQuarantine(ref);
      expect(after).toHaveLength(4);
      expect(after.find((entry) => (entry.raw as { other?: boolean }).other === true)?.seenCount).toBe(2);
      await store.close();
    } finally {
      await db.dispose();
    }
    // A database of its own, migrated in two steps: seconds when quiet, far more under a full CI run's load.
  }, 300_000);
});
