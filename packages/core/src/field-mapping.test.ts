import { describe, expect, it } from "vitest";
import { isConfigError } from "./errors.js";
import {
  applyFieldMappings,
  invalidMappingTargets,
  mergeFieldMappings,
  readPath,
  type FieldMapping,
} from "./field-mapping.js";

const map = (sourceField: string, targetField: string, extra: Partial<FieldMapping> = {}): FieldMapping => ({
  sourceField,
  targetField,
  transform: "none",
  required: false,
  ...extra,
});

const source = {
  id: "rec-1",
  title: "  Quarterly Review  ",
  recorded_by: { email: "  Jane@Example.COM ", name: "Jane" },
  invitees: [{ email: "a@b.com" }],
  empty: "",
  zero: 0,
  flag: false,
  nothing: null,
};

describe("readPath", () => {
  it("follows dotted paths into objects and arrays", () => {
    expect(readPath(source, "recorded_by.email")).toBe("  Jane@Example.COM ");
    expect(readPath(source, "invitees.0.email")).toBe("a@b.com");
    expect(readPath(source, "recorded_by.missing.deeper")).toBeUndefined();
    expect(readPath(null, "a")).toBeUndefined();
    expect(readPath("text", "length")).toBeUndefined();
  });

  it("does not read inherited properties", () => {
    expect(readPath(source, "constructor")).toBeUndefined();
    expect(readPath(source, "recorded_by.toString")).toBeUndefined();
    expect(readPath(source, "__proto__")).toBeUndefined();
  });
});

describe("applyFieldMappings: transforms", () => {
  it.each([
    ["none", "  Jane@Example.COM "],
    ["lowercase", "  jane@example.com "],
    ["uppercase", "  JANE@EXAMPLE.COM "],
    ["trim", "Jane@Example.COM"],
  ] as const)("%s", (transform, expected) => {
    const { values } = applyFieldMappings(source, [map("recorded_by.email", "email", { transform })]);
    expect(values).toEqual({ email: expected });
  });

  it("leaves non-string values alone for string transforms", () => {
    const { values } = applyFieldMappings({ size: 40 }, [map("size", "size", { transform: "lowercase" })]);
    expect(values).toEqual({ size: 40 });
  });

  it("keeps falsy but present values (0, false)", () => {
    const { values, missing } = applyFieldMappings(source, [
      map("zero", "size", { required: true }),
      map("flag", "isDeleted", { required: true }),
    ]);
    expect(values).toEqual({ size: 0, isDeleted: false });
    expect(missing).toEqual([]);
  });

  it("applies a named custom transform", () => {
    const { values } = applyFieldMappings(
      source,
      [map("title", "subject", { transform: "custom", customTransform: "shout" })],
      { customTransforms: { shout: (value) => `${String(value).trim()}!` } },
    );
    expect(values).toEqual({ subject: "Quarterly Review!" });
  });

  it("throws a ConfigError for an unknown custom transform, naming it", () => {
    const mappings = [map("title", "subject", { transform: "custom", customTransform: "missing" })];
    expect(() => applyFieldMappings(source, mappings, { customTransforms: {} })).toThrow(
      /names unknown custom transform "missing"/,
    );
    try {
      applyFieldMappings(source, mappings);
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
    }
  });

  it("throws for an unknown custom transform even when the source field is absent", () => {
    const mappings = [map("not_there", "subject", { transform: "custom", customTransform: "missing" })];
    expect(() => applyFieldMappings({}, mappings)).toThrow(/unknown custom transform/);
  });

  it("throws for a custom mapping with no name, and does not resolve inherited names", () => {
    expect(() => applyFieldMappings(source, [map("title", "subject", { transform: "custom" })])).toThrow(
      /unknown custom transform ""/,
    );
    const inherited = [map("title", "subject", { transform: "custom", customTransform: "toString" })];
    expect(() => applyFieldMappings(source, inherited, { customTransforms: {} })).toThrow(/"toString"/);
  });
});

describe("applyFieldMappings: required fields", () => {
  it("lists required source fields that are missing, null or empty, and omits them from values", () => {
    const { values, missing } = applyFieldMappings(source, [
      map("id", "externalId", { required: true }),
      map("not_there", "title", { required: true }),
      map("nothing", "phone", { required: true }),
      map("empty", "industry", { required: true }),
      map("also_not_there", "website"),
    ]);
    expect(values).toEqual({ externalId: "rec-1" });
    expect(missing).toEqual(["not_there", "nothing", "empty"]);
  });

  it("counts a value that a transform turns empty as missing", () => {
    const { missing } = applyFieldMappings({ name: "   " }, [map("name", "name", { transform: "trim", required: true })]);
    expect(missing).toEqual(["name"]);
  });
});

describe("tenant overrides", () => {
  const defaults = [map("recorded_by.email", "email", { transform: "lowercase" }), map("title", "subject")];

  it("replace the default with the same targetField, keep the others", () => {
    const overrides = [map("invitees.0.email", "email")];
    expect(mergeFieldMappings(defaults, overrides)).toEqual([overrides[0], defaults[1]]);
    const { values } = applyFieldMappings(source, defaults, { overrides });
    expect(values).toEqual({ email: "a@b.com", subject: "  Quarterly Review  " });
  });

  it("add mappings for targets the defaults do not have", () => {
    const { values } = applyFieldMappings(source, defaults, { overrides: [map("recorded_by.name", "fullName")] });
    expect(values).toEqual({ email: "  jane@example.com ", subject: "  Quarterly Review  ", fullName: "Jane" });
  });

  it("match on kind as well as targetField", () => {
    const personName = map("a", "externalId", { kind: "person" });
    const accountName = map("b", "externalId", { kind: "account" });
    expect(mergeFieldMappings([personName, accountName], [map("c", "externalId", { kind: "account" })])).toEqual([
      personName,
      map("c", "externalId", { kind: "account" }),
    ]);
  });

  it("leave the defaults untouched", () => {
    const copy = structuredClone(defaults);
    mergeFieldMappings(defaults, [map("x", "email")]);
    expect(defaults).toEqual(copy);
  });
});

describe("invalidMappingTargets", () => {
  it("returns mappings whose target is not a canonical field of their kind", () => {
    const good = [map("a", "email"), map("b", "domain", { kind: "account" }), map("c", "occurredAt", { kind: "activity" })];
    const bad = [map("d", "emial"), map("e", "domain", { kind: "person" }), map("f", "kind"), map("g", "constructor")];
    expect(invalidMappingTargets([...good, ...bad])).toEqual(bad);
    expect(invalidMappingTargets(good)).toEqual([]);
  });
});
