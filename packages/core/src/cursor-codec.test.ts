import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCursorCodec } from "./cursor-codec.js";
import { SchemaError } from "./errors.js";

const iso = z.iso.datetime({ offset: true });
const V1 = z.object({ v: z.literal(1), since: iso.nullable() });
const V2 = z.object({ v: z.literal(2), watermarks: z.record(z.string(), iso) });
type V2State = z.output<typeof V2>;

const INITIAL: V2State = { v: 2, watermarks: {} };

/** Reads v1 and v2, writes v2. */
const codec = defineCursorCodec({
  name: "Acme",
  version: 2,
  schema: z.discriminatedUnion("v", [V1, V2]),
  initial: INITIAL,
  migrate: (state): V2State =>
    state.v === 1 ? { v: 2, watermarks: state.since === null ? {} : { person: state.since } } : state,
});

/** Only one version so far: no migrate, the state type is the schema's. */
const single = defineCursorCodec({ name: "Solo", version: 1, schema: V1, initial: { v: 1, since: null } });

function schemaError(run: () => unknown): SchemaError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return error as SchemaError;
  }
  return expect.unreachable("must throw a SchemaError");
}

describe("defineCursorCodec", () => {
  it("gives the initial state for null (never synced)", () => {
    expect(codec.parse(null)).toBe(INITIAL);
    expect(codec.initial).toBe(INITIAL);
    expect(single.parse(null)).toEqual({ v: 1, since: null });
  });

  it("rejects a string that is not JSON, keeping the parser's error as the cause", () => {
    const error = schemaError(() => codec.parse("not a cursor"));
    expect(error.message).toBe("Acme sync cursor is not valid JSON");
    expect(error.issues).toEqual([{ path: "", message: "invalid JSON" }]);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("refuses a version newer than it understands, before looking at the rest", () => {
    const error = schemaError(() => codec.parse('{"v":3,"anything":true}'));
    expect(error.message).toBe("Acme sync cursor version 3 is newer than this connector understands");
    expect(error.issues).toEqual([{ path: "v", message: "unsupported version 3" }]);
    expect(schemaError(() => single.parse('{"v":2,"watermarks":{}}')).message).toMatch(/Solo .* version 2 is newer/);
  });

  it.each([
    ["a malformed state", '{"v":2,"watermarks":{"person":"last week"}}', "watermarks.person"],
    ["a missing version", '{"watermarks":{}}', "v"],
    ["a version that is not a number", '{"v":"2","watermarks":{}}', "v"],
    ["a version older than any known", '{"v":0,"since":null}', "v"],
    ["JSON that is not an object", "42", ""],
    ["JSON null", "null", ""],
  ])("says why %s is malformed", (_label, raw, path) => {
    const error = schemaError(() => codec.parse(raw));
    expect(error.message).toBe("Acme sync cursor is malformed");
    expect(error.issues).toEqual([expect.objectContaining({ path })]);
  });

  it("refuses to serialise a state its schema rejects", () => {
    const bad = { v: 2, watermarks: { person: "yesterday" } } as const;
    expect(schemaError(() => codec.serialize(bad)).message).toBe("Acme sync cursor is malformed");
  });

  it("migrates an older version to the current one", () => {
    expect(codec.parse('{"v":1,"since":"2025-01-01T00:00:00Z"}')).toEqual({
      v: 2,
      watermarks: { person: "2025-01-01T00:00:00Z" },
    });
    expect(codec.parse('{"v":1,"since":null}')).toEqual(INITIAL);
  });

  it("round-trips the current version, dropping keys the schema does not know", () => {
    const state: V2State = { v: 2, watermarks: { person: "2025-01-01T00:00:00Z", account: "2025-02-01T00:00:00+01:00" } };
    const raw = codec.serialize(state);
    expect(JSON.parse(raw)).toEqual(state);
    expect(codec.parse(raw)).toEqual(state);
    expect(codec.parse(JSON.stringify({ ...state, extra: 1 }))).toEqual(state);
    expect(single.parse(single.serialize({ v: 1, since: null }))).toEqual({ v: 1, since: null });
  });
});
