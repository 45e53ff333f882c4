/**
 * The quality pipeline as pure functions: the normalisers, in-page dedupe (last wins, as the store), Lead-to-Contact
 * links and flags, completeness, quarantine with reasons, and the counts a run reports; then the counts of a whole
 * sandbox run, against what the data holds.
 */
import { describe, expect, it } from "vitest";
import { completeness } from "../src/quality/completeness.js";
import {
  normaliseCountry,
  normaliseEmail,
  normaliseName,
  normalisePhone,
  websiteToDomain,
} from "../src/quality/normalise.js";
import { dedupeById, processPage, QUALITY_COUNTS } from "../src/quality/pipeline.js";
import { start, syncAll } from "./support.js";

const stamp = "2024-05-02T09:30:00.000+0000";

describe("normalisers", () => {
  it("refuses a crafted 100,000-character email by its length, before any pattern runs over it", () => {
    expect(normaliseEmail(`a@${".".repeat(100_000)}!`)).toEqual({ value: undefined, invalid: "not an email address" });
    expect(normaliseEmail(`a@${"a.".repeat(120)}io`).value).toBeDefined();
  });

  it("emails: trimmed, lower case, mailto and angle brackets removed; a non-address is invalid", () => {
    expect(normaliseEmail(" <Jane.Doe@Example.COM> ")).toEqual({ value: "jane.doe@example.com" });
    expect(normaliseEmail("mailto:a@b.io")).toEqual({ value: "a@b.io" });
    expect(normaliseEmail("")).toEqual({ value: undefined });
    expect(normaliseEmail(null)).toEqual({ value: undefined });
    for (const bad of ["jane", "jane@", "a b@c.de", "@example.com"]) expect(normaliseEmail(bad).invalid).toBeDefined();
  });

  it("phones: E.164 where the country is known or written, else left as typed", () => {
    expect(normalisePhone("(415) 555-0100", "US")).toBe("+14155550100");
    expect(normalisePhone("+44 20 7946 0958")).toBe("+442079460958");
    expect(normalisePhone("0044 20 7946 0958")).toBe("+442079460958");
    expect(normalisePhone("030 123456", "DE")).toBe("+4930123456");
    expect(normalisePhone("555-0100")).toBe("555-0100");
    expect(normalisePhone("ext. 12", "US")).toBe("ext. 12");
    expect(normalisePhone("  ")).toBeUndefined();
  });

  it("websites to domains; an IP or a word is no domain", () => {
    expect(websiteToDomain("https://www.Acme.com/about?x=1")).toBe("acme.com");
    expect(websiteToDomain("acme.co.uk")).toBe("acme.co.uk");
    expect(websiteToDomain("http://ACME.COM:8080")).toBe("acme.com");
    expect(websiteToDomain("www2.acme.io/")).toBe("acme.io");
    expect(websiteToDomain("http://10.0.0.1")).toBeUndefined();
    expect(websiteToDomain("n/a")).toBeUndefined();
  });

  it("names: whitespace collapsed, ALL CAPS or all lower case capitalised, mixed case kept as typed", () => {
    expect(normaliseName("  JOHN   SMITH ")).toBe("John Smith");
    expect(normaliseName("mary-jane o'neil")).toBe("Mary-Jane O'Neil");
    expect(normaliseName("McDonald")).toBe("McDonald");
    expect(normaliseName("van der Berg")).toBe("van der Berg");
    expect(normaliseName("")).toBeUndefined();
  });

  it("countries: names, ISO-3 and ISO-2 to ISO-2; unknown stays unknown", () => {
    expect(normaliseCountry("United States")).toBe("US");
    expect(normaliseCountry("usa")).toBe("US");
    expect(normaliseCountry("de")).toBe("DE");
    expect(normaliseCountry("United  Kingdom")).toBe("GB");
    expect(normaliseCountry("Narnia")).toBeUndefined();
  });

  it("completeness is the share of fields present", () => {
    expect(completeness(["a", undefined, "", null])).toBe(0.25);
    expect(completeness([1, true])).toBe(1);
    expect(completeness([])).toBe(0);
  });
});

describe("a page through the pipeline", () => {
  it("dedupes by Id, the last copy winning in its place, as the store does", () => {
    const a1 = { Id: "003RO000001aAAAYAU", SystemModstamp: stamp, LastName: "First" };
    const b = { Id: "003RO000001aBBBYAU", SystemModstamp: stamp, LastName: "Other" };
    const a2 = { ...a1, LastName: "Second" };
    expect(dedupeById([a1, b, a2])).toEqual({ unique: [b, a2], duplicates: 1 });
    const page = processPage("Contact", [a1, b, a2]);
    expect(page.records.map((record) => record.kind === "person" && record.lastName)).toEqual(["Other", "Second"]);
    expect(page.counts[QUALITY_COUNTS.duplicates]).toBe(1);
    // Both copies count for the watermark.
    expect(page.seen).toHaveLength(3);
  });

  it("flags a Lead whose email belongs to a Contact, links converted Leads, and counts both", () => {
    const contactEmails = new Map([["jane@acme.io", "003RO000001aAAAYAU"]]);
    const page = processPage(
      "Lead",
      [
        { Id: "00QRO000001aAAAYAU", SystemModstamp: stamp, Email: "JANE@acme.io", Company: "Acme" },
        { Id: "00QRO000001aBBBYAU", SystemModstamp: stamp, Email: "bob@acme.io", Company: "Acme" },
        {
          Id: "00QRO000001aCCCYAU",
          SystemModstamp: stamp,
          Email: "jane@acme.io",
          // Converted: linked to its Contact, not flagged as a match.
          IsConverted: true,
          ConvertedContactId: "003RO000001aAAAYAU",
          ConvertedAccountId: "001RO000001aAAAYAU",
        },
      ],
      { contactEmails },
    );
    const people = page.records.filter((record) => record.kind === "person");
    expect(people.map((person) => person.properties["emailMatchesContactId"])).toEqual(["003RO000001aAAAYAU", undefined, undefined]);
    expect(people[2]?.properties["convertedContactId"]).toBe("003RO000001aAAAYAU");
    expect(page.counts[QUALITY_COUNTS.leadMatchesContact]).toBe(1);
    expect(page.counts[QUALITY_COUNTS.convertedLeadsLinked]).toBe(1);
  });

  it("gives every record a completeness score and counts what normalisation changed", () => {
    const page = processPage("Contact", [
      { Id: "003RO000001aAAAYAU", SystemModstamp: stamp, Email: "A@B.io", FirstName: "Ann", LastName: "Bee" },
      { Id: "003RO000001aBBBYAU", SystemModstamp: stamp, Email: "c@d.io", FirstName: "Cy", LastName: "Dee", Title: "CTO" },
    ]);
    expect(page.records.map((record) => record.properties["completeness"])).toEqual([0.5, 0.67]);
    expect(page.counts[QUALITY_COUNTS.normalised]).toBe(1);
  });

  it("quarantines an invalid email with the field and reason, and counts it", () => {
    const page = processPage("Contact", [{ Id: "003RO000001aAAAYAU", SystemModstamp: stamp, Email: "not an email" }]);
    expect(page.records).toEqual([]);
    expect(page.quarantined).toEqual([
      { externalId: "003RO000001aAAAYAU", raw: expect.anything(), reasons: [{ path: "Email", message: "not an email address" }] },
    ]);
    expect(page.counts[QUALITY_COUNTS.quarantined]).toBe(1);
  });
});

describe("a run's quality counts", () => {
  it("match the sandbox data: Leads matching Contacts found by lookup, converted Leads linked, malformed ones quarantined", async () => {
    const started = await start({}, { objects: ["Contact", "Lead"] });
    const run = await syncAll(started);
    const leads = started.sandbox.records("Lead");
    const contacts = started.sandbox.records("Contact");
    expect(run.counts[QUALITY_COUNTS.quarantined]).toBe(2);
    expect(run.quarantined).toHaveLength(2);
    const linked = leads.filter((lead) => lead["IsConverted"] === true && normaliseEmail(String(lead["Email"])).invalid === undefined);
    expect(run.counts[QUALITY_COUNTS.convertedLeadsLinked]).toBe(linked.length);
    const contactEmails = new Set(
      contacts.filter((c) => c["IsDeleted"] !== true).map((c) => normaliseEmail(String(c["Email"])).value),
    );
    const matching = leads.filter((lead) => {
      const email = normaliseEmail(String(lead["Email"])).value;
      return email !== undefined && contactEmails.has(email) && lead["IsConverted"] !== true && lead["IsDeleted"] !== true;
    });
    expect(matching.length).toBeGreaterThan(0);
    expect(run.counts[QUALITY_COUNTS.leadMatchesContact]).toBe(matching.length);
    expect(run.counts[QUALITY_COUNTS.normalised]).toBeGreaterThan(0);
  });
});
