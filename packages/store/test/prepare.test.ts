import { describe, expect, it } from "vitest";
import { hasUnstorableEscape, toStorableJson } from "../src/json.js";
import { dedupeRecords, prepareRecords } from "../src/prepare.js";
import { DEFAULT_LIMITS } from "../src/index.js";
import { activity } from "./helpers.js";

describe("page preparation", () => {
  it("turns a valid record into the JSON of its canonical form", () => {
    const { records, duplicates } = prepareRecords(
      [activity("x", { externalId: " x ", properties: { b: 1 }, occurredAt: "2025-03-01T10:00:00+01:00" })],
      DEFAULT_LIMITS,
    );
    expect(duplicates).toBe(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: "activity", externalId: "x", isDeleted: false });
    expect(JSON.parse(records[0]?.json ?? "")).toMatchObject({
      kind: "activity",
      externalId: "x",
      occurredAt: "2025-03-01T09:00:00.000Z",
      isDeleted: false,
      properties: { b: 1 },
    });
  });

  it("dedupes by kind and trimmed externalId, keeping the last occurrence in its position", () => {
    const records = [activity("a", { subject: "1" }), activity("b"), activity(" a", { subject: "2" }), { kind: "x" }, null];
    const result = dedupeRecords(records);
    expect(result.duplicates).toBe(1);
    expect(result.records).toEqual([activity("b"), activity(" a", { subject: "2" }), { kind: "x" }, null]);
  });

  it("folds thin (partial) updates of one record in a page instead of keeping only the last", () => {
    const thin = (fields: Record<string, unknown>, properties: Record<string, unknown>) => ({ kind: "person", externalId: "p1", partial: true, ...fields, properties });
    const whole = { kind: "person", externalId: "p1", email: "a@x.io", firstName: "Ada", properties: { plan: "pro", seats: 3 } };
    // Two thin updates: both land, and the result is still partial (it lands over the stored record).
    expect(dedupeRecords([thin({ title: "CTO" }, { a: 1 }), thin({ email: "b@x.io" }, { b: 2 })])).toEqual({
      records: [{ kind: "person", externalId: "p1", partial: true, title: "CTO", email: "b@x.io", properties: { a: 1, b: 2 } }],
      duplicates: 1,
    });
    // A whole record then a thin one: one whole record with the thin one's fields on top.
    expect(dedupeRecords([whole, activity("z"), thin({ title: "CTO" }, { seats: 4 })]).records).toEqual([
      activity("z"),
      { kind: "person", externalId: "p1", email: "a@x.io", firstName: "Ada", title: "CTO", properties: { plan: "pro", seats: 4 } },
    ]);
    // A whole record after thin ones replaces them, as it replaces what is stored.
    expect(dedupeRecords([thin({ title: "CTO" }, { a: 1 }), whole]).records).toEqual([whole]);
  });

  it("recognises escapes jsonb cannot store", () => {
    expect(hasUnstorableEscape(JSON.stringify({ a: "x\u0000y" }))).toBe(true);
    expect(hasUnstorableEscape(JSON.stringify({ a: "\ud800" }))).toBe(true);
    expect(hasUnstorableEscape(JSON.stringify({ a: "😀 \\u0000 literal" }))).toBe(false);
    expect(hasUnstorableEscape(JSON.stringify({ "\u0000key": 1 }))).toBe(true);
  });

  it("makes anything storable for quarantine: cycles, BigInt, NUL, lone surrogates, huge values", () => {
    const cyclic: Record<string, unknown> = { n: 1n, text: "a\u0000b\ud800", "\u0000": true };
    cyclic["self"] = cyclic;
    const text = toStorableJson(cyclic, 1024);
    expect(hasUnstorableEscape(text)).toBe(false);
    expect(JSON.parse(text)).toMatchObject({ n: "1", self: "[circular]" });
    const huge = toStorableJson({ blob: "x".repeat(10_000) }, 1024);
    expect(JSON.parse(huge)).toMatchObject({ truncated: true });
    expect(huge.length).toBeLessThan(5000);
    expect(toStorableJson(undefined, 10)).toBe("null");
  });
});
