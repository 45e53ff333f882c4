/**
 * The SOQL the connector writes, read back by the sandbox's engine: string literals escape what could break out of
 * them (an email with a quote cannot widen a lookup), and the keyset query selects exactly what follows a mark.
 */
import { describe, expect, it } from "vitest";
import { buildContactEmailQuery, buildIncrementalQuery, soqlString } from "../src/soql.js";
import { emailChunks, MAX_LOOKUP_QUERY_CHARS } from "../src/sync/pull.js";
import { matches, parseSoql, SoqlError } from "../src/sandbox/soql.js";

describe("SOQL literals and queries", () => {
  it("escapes quotes and backslashes, so a crafted value stays one literal", () => {
    const crafted = "x' OR Email != '";
    const query = parseSoql(buildContactEmailQuery([crafted, "o'brien@acme.io", "back\\slash@acme.io"]));
    expect(query.where).toEqual({
      op: "in",
      field: "Email",
      negate: false,
      values: [crafted, "o'brien@acme.io", "back\\slash@acme.io"],
    });
    expect(matches(query.where, { Email: "someone@else.io" })).toBe(false);
    expect(soqlString("a'b")).toBe("'a\\'b'");
  });

  it("the keyset query takes the records after the mark, ties broken by Id", () => {
    const query = parseSoql(buildIncrementalQuery("Contact", { at: "2025-01-06T10:00:00.000Z", id: "003000000000005AAA" }));
    const row = (stamp: string, id: string) => ({ SystemModstamp: stamp, Id: id });
    expect(matches(query.where, row("2025-01-06T10:00:00.000+0000", "003000000000005AAA"))).toBe(false);
    expect(matches(query.where, row("2025-01-06T10:00:00.000+0000", "003000000000004AAA"))).toBe(false);
    expect(matches(query.where, row("2025-01-06T10:00:00.000+0000", "003000000000006AAA"))).toBe(true);
    expect(matches(query.where, row("2025-01-06T10:00:01.000+0000", "003000000000001AAA"))).toBe(true);
    expect(query.orderBy).toEqual([
      { field: "SystemModstamp", desc: false },
      { field: "Id", desc: false },
    ]);
    expect(buildIncrementalQuery("Account", null)).toMatch(/^SELECT Id, IsDeleted, CreatedDate, SystemModstamp, .* FROM Account ORDER BY SystemModstamp, Id$/);
  });

  it("splits a Lead page's emails into lookups that fit Salesforce's URI limit", () => {
    const emails = Array.from({ length: 2000 }, (_, index) => `person.number.${index}@some-company-${index}.example`);
    const chunks = emailChunks(emails);
    expect(chunks.flat()).toEqual(emails);
    for (const chunk of chunks) expect(encodeURIComponent(buildContactEmailQuery(chunk)).length).toBeLessThanOrEqual(MAX_LOOKUP_QUERY_CHARS);
    expect(chunks.length).toBeLessThan(20);
  });

  it("the sandbox refuses what Salesforce refuses, with its codes", () => {
    for (const bad of ["SELECT FROM Account", "SELECT Id FROM", "SELECT Id FROM Account WHERE Name = ", "SELECT Id FROM Account LIMIT x"]) {
      expect(() => parseSoql(bad)).toThrow(SoqlError);
    }
  });
});
