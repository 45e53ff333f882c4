import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentHash, stableStringify } from "./content-hash.js";

describe("stableStringify", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 2 } })).toBe('{"a":{"c":2,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(stableStringify([2, 1])).toBe("[2,1]");
  });

  it("serialises dates, nulls and drops undefined like JSON", () => {
    expect(stableStringify({ at: new Date(0), gone: undefined, n: null })).toBe('{"at":"1970-01-01T00:00:00.000Z","n":null}');
  });
});

describe("contentHash", () => {
  it("is independent of key order", () => {
    const one = { externalId: "x", properties: { b: 2, a: 1 }, email: "a@b.com" };
    const two = { email: "a@b.com", properties: { a: 1, b: 2 }, externalId: "x" };
    expect(contentHash(one)).toBe(contentHash(two));
  });

  it("changes when content or array order changes", () => {
    const base = contentHash({ a: [1, 2], b: "x" });
    expect(contentHash({ a: [2, 1], b: "x" })).not.toBe(base);
    expect(contentHash({ a: [1, 2], b: "y" })).not.toBe(base);
  });

  it("hashes strings as their raw text (sha256 hex)", () => {
    expect(contentHash("transcript text")).toBe(createHash("sha256").update("transcript text").digest("hex"));
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
