import { describe, expect, it } from "vitest";
import { SANDBOX_KINDS } from "../src/sandbox/index.js";
import { STREAM_KINDS } from "../src/streams.js";
import { transformRecord, updatedAtOf } from "../src/sync/transform.js";

describe("transforms", () => {
  it.each(STREAM_KINDS)("are pure for %s: the same input gives the same output, and the input is left alone", (kind) => {
    const input = SANDBOX_KINDS[kind].make(0);
    const before = structuredClone(input);
    expect(transformRecord(kind, input)).toEqual(transformRecord(kind, input));
    expect(input).toEqual(before);
  });

  it("read updated_at for the watermark, ignoring what does not parse", () => {
    expect(updatedAtOf({ updated_at: "2025-01-06T09:30:00Z" })).toBe("2025-01-06T09:30:00.000Z");
    expect(updatedAtOf({ updated_at: "soon" })).toBeNull();
    expect(updatedAtOf(null)).toBeNull();
  });
});
