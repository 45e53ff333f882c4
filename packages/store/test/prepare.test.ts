import { describe, expect, it } from "vitest";
import { hasUnstorableEscape, toStorableJson } from "../src/json.js";
import { dedupeRecords, prepareRecords } from "../src/prepare.js";
import { DEFAULT_LIMITS } from "../src/index.js";
import { activity } from "./helpers.js";

describe("page preparation", () => {
  it("hashes equal content equally, whatever the key order, and different content differently", () => {
    const a = prepareRecords([activity("x", { properties: { b: 1, a: [1, { d: 2, c: 3 }] } })], DEFAULT_LIMITS).records[0];
    const b = prepareRecords([{ ...activity("x"), properties: { a: [1, { c: 3, d: 2 }], b: 1 } }], DEFAULT_LIMITS).records[0];
    const c = prepareRecords([activity("x", { properties: { b: 2, a: [1, { d: 2, c: 3 }] } })], DEFAULT_LIMITS).records[0];
    expect(a?.contentHash).toBe(b?.contentHash);
    expect(a?.contentHash).not.toBe(c?.contentHash);
    expect(JSON.parse(a?.row ?? "")).toMatchObject({ kind: "activity", external_id: "x", is_deleted: false });
  });

  it("dedupes by kind and trimmed externalId, keeping the last occurrence in its position", () => {
    const records = [activity("a", { subject: "1" }), activity("b"), activity(" a", { subject: "2" }), { kind: "x" }, null];
    const result = dedupeRecords(records);
    expect(result.duplicates).toBe(1);
    expect(result.records).toEqual([activity("b"), activity(" a", { subject: "2" }), { kind: "x" }, null]);
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
