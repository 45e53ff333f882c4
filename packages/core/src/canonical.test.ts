import { describe, expect, it } from "vitest";
import {
  CANONICAL_KINDS,
  CanonicalActivitySchema,
  CanonicalRecordSchema,
  DomainSchema,
  EmailSchema,
  canonicalFieldNames,
  domainOfEmail,
  normalizeDomain,
  normalizeEmail,
  validateCanonicalRecord,
} from "./canonical.js";

const activity = {
  kind: "activity",
  externalId: "call-1",
  type: "meeting",
  channel: "video",
  occurredAt: "2024-03-01T15:00:00Z",
};

function reasonsOf(input: unknown): { path: string; message: string }[] {
  const result = validateCanonicalRecord(input);
  if (result.ok) throw new Error("expected the record to be quarantined");
  return result.reasons;
}

describe("normalisation helpers", () => {
  it.each([
    ["  Jane.Doe@Example.COM ", "jane.doe@example.com"],
    ["a@b.co", "a@b.co"],
  ])("normalizeEmail(%j) = %j", (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ["https://www.Example.com/path?q=1#x", "example.com"],
    ["http://user:pw@sub.example.co.uk:8443/", "sub.example.co.uk"],
    ["EXAMPLE.com.", "example.com"],
    ["www.example.com", "example.com"],
    [" example.com ", "example.com"],
    ["example.com:443", "example.com"],
    ["jane@example.com", "example.com"],
  ])("normalizeDomain(%j) = %j", (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it("domainOfEmail takes the part after the last @", () => {
    expect(domainOfEmail("Jane@Mail.Example.COM")).toBe("mail.example.com");
    expect(domainOfEmail("no-at-sign")).toBeUndefined();
    expect(domainOfEmail("trailing@")).toBeUndefined();
  });
});

describe("EmailSchema / DomainSchema", () => {
  it("rejects what is not an email or a domain", () => {
    expect(EmailSchema.safeParse("not an email").success).toBe(false);
    expect(EmailSchema.safeParse("").success).toBe(false);
    expect(DomainSchema.safeParse("localhost").success).toBe(false);
    expect(DomainSchema.safeParse("-bad-.com").success).toBe(false);
    expect(DomainSchema.safeParse("https://").success).toBe(false);
  });

  it("normalises while validating", () => {
    expect(EmailSchema.parse(" A@B.COM ")).toBe("a@b.com");
    expect(DomainSchema.parse("https://www.Acme.io/about")).toBe("acme.io");
  });
});

describe("validateCanonicalRecord: quarantine reasons", () => {
  it("rejects an unknown kind on the discriminator", () => {
    expect(reasonsOf({ ...activity, kind: "deal" })).toEqual([{ path: "kind", message: expect.stringMatching(/discriminator/) }]);
    expect(reasonsOf({ externalId: "x" })[0]?.path).toBe("kind");
  });

  it("reports each invalid field with its path", () => {
    const reasons = reasonsOf({ kind: "person", externalId: "   ", email: "nope", properties: [] });
    expect(reasons.map((reason) => reason.path).sort()).toEqual(["email", "externalId", "properties"]);
    expect(reasons.find((reason) => reason.path === "email")?.message).toBe("invalid email");
    expect(reasons.find((reason) => reason.path === "externalId")?.message).toBe("externalId is required");
  });

  it("reports nested paths with dots", () => {
    const reasons = reasonsOf({ kind: "account", externalId: "a", domain: "not a domain", size: -3 });
    expect(reasons.map((reason) => reason.path).sort()).toEqual(["domain", "size"]);
    expect(reasons.find((reason) => reason.path === "domain")?.message).toBe("invalid domain");
  });

  it.each([
    ["missing", undefined],
    ["null", null],
    ["a boolean", true],
    ["blank", "  "],
    ["not a date", "last tuesday"],
  ])("quarantines an activity whose occurredAt is %s instead of storing 1970-01-01", (_label, occurredAt) => {
    const reasons = reasonsOf({ ...activity, occurredAt });
    expect(reasons).toEqual([{ path: "occurredAt", message: expect.stringMatching(/invalid date/) }]);
  });

  it("quarantines an activity without type or channel, or with an unknown direction", () => {
    const reasons = reasonsOf({ ...activity, type: "", channel: undefined, direction: "sideways" });
    expect(reasons.map((reason) => reason.path).sort()).toEqual(["channel", "direction", "type"]);
  });
});

describe("validateCanonicalRecord: normalised output", () => {
  it("normalises a person: trimmed lower-case email, blanks dropped, defaults filled", () => {
    const result = validateCanonicalRecord({
      kind: "person",
      externalId: " p-1 ",
      email: "  Jane@Example.COM ",
      firstName: "  Jane ",
      lastName: "",
      title: null,
      remoteUpdatedAt: "2024-01-02T03:04:05Z",
    });
    expect(result).toEqual({
      ok: true,
      record: expect.objectContaining({
        kind: "person",
        externalId: "p-1",
        email: "jane@example.com",
        firstName: "Jane",
        properties: {},
        isDeleted: false,
        remoteUpdatedAt: new Date("2024-01-02T03:04:05Z"),
      }),
    });
    if (result.ok) {
      expect(result.record).not.toHaveProperty("lastName", expect.anything());
      expect(result.record).not.toHaveProperty("title", expect.anything());
    }
  });

  it("normalises an account domain", () => {
    const result = validateCanonicalRecord({ kind: "account", externalId: "a", domain: "https://www.Acme.io/", size: 40 });
    expect(result.ok && result.record.kind === "account" ? result.record.domain : undefined).toBe("acme.io");
  });

  it("coerces activity dates from ISO strings, epoch milliseconds and Dates", () => {
    const iso = CanonicalActivitySchema.parse(activity).occurredAt;
    expect(iso).toEqual(new Date("2024-03-01T15:00:00Z"));
    expect(CanonicalActivitySchema.parse({ ...activity, occurredAt: iso.getTime() }).occurredAt).toEqual(iso);
    expect(CanonicalActivitySchema.parse({ ...activity, occurredAt: iso }).occurredAt).toEqual(iso);
  });

  it("keeps properties and isDeleted", () => {
    const record = CanonicalRecordSchema.parse({ ...activity, properties: { recordingId: 7 }, isDeleted: true });
    expect(record).toMatchObject({ properties: { recordingId: 7 }, isDeleted: true });
  });
});

describe("canonicalFieldNames", () => {
  it("lists each kind's fields without kind", () => {
    expect(CANONICAL_KINDS).toEqual(["person", "account", "activity"]);
    for (const kind of CANONICAL_KINDS) {
      const names = canonicalFieldNames(kind);
      expect(names).not.toContain("kind");
      expect(names).toEqual(expect.arrayContaining(["externalId", "properties", "remoteUpdatedAt", "isDeleted"]));
    }
    expect(canonicalFieldNames("person")).toEqual(expect.arrayContaining(["email", "firstName", "accountExternalId"]));
    expect(canonicalFieldNames("person")).not.toContain("domain");
    expect(canonicalFieldNames("account")).toEqual(expect.arrayContaining(["name", "domain", "size"]));
    expect(canonicalFieldNames("activity")).toEqual(expect.arrayContaining(["type", "channel", "occurredAt", "personExternalId"]));
  });
});
