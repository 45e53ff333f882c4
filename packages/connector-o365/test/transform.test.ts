/**
 * The pure transforms, fed the payloads of Graph's documented delta examples (which omit most fields) and
 * hand-made edge cases: direction by the tenant's domains, external people and companies, tombstones, drafts,
 * event times without an offset, and quarantine that keeps no body.
 */
import { describe, expect, it } from "vitest";
import { transformItem, type ItemResult, type TransformContext } from "../src/transform/items.js";
import { hashId } from "../src/transform/ids.js";

const context: TransformContext = { domains: new Set(["contoso.com"]), includeSubjects: false, observedAt: new Date("2026-03-01T00:00:00Z") };
const change = (result: ItemResult) => {
  if (result.kind !== "change") throw new Error(`expected a change, got ${result.kind}`);
  return result.records;
};

describe("users delta (documented example)", () => {
  it("a user with only names becomes an internal person keyed by object id", () => {
    const [person] = change(
      transformItem("users", { displayName: "Alex Wilber", givenName: "Alex", surname: "Wilber", id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd" }, context),
    );
    expect(person).toMatchObject({ kind: "person", externalId: "user:87d349ed-44d7-43e1-9a83-5f2406dee5bd", firstName: "Alex", lastName: "Wilber", fullName: "Alex Wilber", isExternal: false });
  });

  it("keeps job title and department; mail falls back to the UPN", () => {
    const [person] = change(transformItem("users", { id: "u1", userPrincipalName: "Megan@Contoso.com", jobTitle: "CFO", department: "Finance" }, context));
    expect(person).toMatchObject({ email: "megan@contoso.com", title: "CFO", properties: { department: "Finance" } });
  });

  it("@removed changed is a soft-deleted tombstone, deleted a permanent one", () => {
    const soft = transformItem("users", { id: "u1", "@removed": { reason: "changed" } }, context);
    expect(soft).toMatchObject({ kind: "removed", records: [{ kind: "person", externalId: "user:u1", isDeleted: true, properties: { removedReason: "changed", softDeleted: true } }] });
    const hard = transformItem("users", { id: "u1", "@removed": { reason: "deleted" } }, context);
    expect(hard).toMatchObject({ records: [{ isDeleted: true, properties: { removedReason: "deleted" } }] });
  });
});

describe("messages delta", () => {
  it("the documented example (no time at all) is quarantined with its reason, subject withheld", () => {
    const result = transformItem(
      "inbox",
      { "@odata.type": "#microsoft.graph.message", "@odata.etag": 'W/"CQAAABYAAACQ2fKdhq8oSKEDSVrdi3lRAAAQpb9/"', subject: "Holiday", sender: { emailAddress: { name: "Dana Swope", address: "danas@contoso.com" } }, isRead: false, id: "AAMkADNkNAAAgWkAAAA" },
      context,
    );
    expect(result.kind).toBe("quarantined");
    if (result.kind !== "quarantined") return;
    expect(result.quarantined.externalId).toBe(`msg:${hashId("AAMkADNkNAAAgWkAAAA")}`);
    expect(result.quarantined.reasons[0]?.message).toMatch(/receivedDateTime/);
    expect(JSON.stringify(result.quarantined.raw)).not.toContain("Holiday");
  });

  const message = {
    id: "AAkALgAAA-1",
    receivedDateTime: "2026-02-01T10:00:00Z",
    sentDateTime: "2026-02-01T09:59:58Z",
    from: { emailAddress: { name: "Pat Buyer", address: "Pat@Fabrikam.example" } },
    toRecipients: [{ emailAddress: { name: "Me", address: "me@contoso.com" } }],
    ccRecipients: [{ emailAddress: { name: "Friend", address: "friend@gmail.com" } }],
    subject: "Pricing",
    body: { content: "secret" },
    bodyPreview: "secret",
  };

  it("an inbound email: direction, the external sender as person and their company as account, no body, no subject", () => {
    const out = change(transformItem("inbox", message, context));
    const [activity, ...rest] = out;
    expect(activity).toMatchObject({ kind: "activity", type: "email_received", channel: "email", direction: "inbound", personExternalId: "email:pat@fabrikam.example", accountExternalId: "domain:fabrikam.example" });
    expect(activity?.kind === "activity" && activity.subject).toBeFalsy();
    expect(rest).toContainEqual(expect.objectContaining({ kind: "person", externalId: "email:pat@fabrikam.example", isExternal: true, accountExternalId: "domain:fabrikam.example" }));
    expect(rest).toContainEqual(expect.objectContaining({ kind: "account", externalId: "domain:fabrikam.example", domain: "fabrikam.example" }));
    // A mailbox provider is not a company: that person has no account.
    expect(rest).toContainEqual(expect.objectContaining({ kind: "person", externalId: "email:friend@gmail.com" }));
    expect(rest.some((record) => record.externalId === "domain:gmail.com")).toBe(false);
    expect(JSON.stringify(out)).not.toContain("secret");
  });

  it("outbound and internal emails; subjects when turned on; drafts skipped", () => {
    const outbound = change(transformItem("sentitems", { ...message, from: { emailAddress: { address: "me@contoso.com" } }, toRecipients: [{ emailAddress: { address: "pat@fabrikam.example" } }] }, { ...context, includeSubjects: true }));
    expect(outbound[0]).toMatchObject({ direction: "outbound", type: "email_sent", subject: "Pricing", occurredAt: new Date("2026-02-01T09:59:58Z") });
    const internal = change(transformItem("inbox", { ...message, from: { emailAddress: { address: "boss@sales.contoso.com" } }, ccRecipients: [] }, context));
    expect(internal[0]).toMatchObject({ direction: "internal" });
    expect(internal).toHaveLength(1);
    expect(transformItem("inbox", { ...message, isDraft: true }, context)).toEqual({ kind: "skipped", reason: "draft" });
  });

  it("@removed deleted is an activity tombstone keyed like the message", () => {
    expect(transformItem("sentitems", { id: "AAkALgAAA-1", "@removed": { reason: "deleted" } }, context)).toMatchObject({
      kind: "removed",
      externalId: `msg:${hashId("AAkALgAAA-1")}`,
      records: [{ kind: "activity", isDeleted: true, occurredAt: context.observedAt }],
    });
  });
});

describe("items that are not objects", () => {
  it("are quarantined as a description, never kept as they came (a bare string could be a body)", () => {
    for (const raw of ["<p>private body</p>", 42, null, ["x"]]) {
      const result = transformItem("inbox", raw, context);
      expect(result.kind).toBe("quarantined");
      if (result.kind === "quarantined") expect(JSON.stringify(result.quarantined.raw)).not.toContain("private body");
    }
  });
});

describe("calendarView delta", () => {
  it("the documented example (no id, no start) is quarantined", () => {
    const result = transformItem(
      "calendar",
      { originalStartTimeZone: "originalStartTimeZone-value", originalEndTimeZone: "originalEndTimeZone-value", responseStatus: { response: "", time: "datetime-value" }, iCalUId: "iCalUId-value", reminderMinutesBeforeStart: 99, isReminderOn: true },
      context,
    );
    expect(result.kind).toBe("quarantined");
    if (result.kind === "quarantined") expect(result.quarantined.reasons.map((reason) => reason.path)).toEqual(expect.arrayContaining(["id", "start"]));
  });

  const event = {
    id: "AAkALgAAA-ev",
    start: { dateTime: "2026-02-03T16:00:00.0000000", timeZone: "UTC" },
    end: { dateTime: "2026-02-03T16:45:00.0000000", timeZone: "UTC" },
    organizer: { emailAddress: { address: "me@contoso.com" } },
    attendees: [{ type: "required", emailAddress: { name: "Pat", address: "pat@fabrikam.example" } }],
    onlineMeeting: { joinUrl: "https://teams.example/join/1" },
    body: { content: "agenda" },
    subject: "QBR",
  };

  it("a meeting: UTC start from a dateTime without offset, duration, attendees, no body or subject", () => {
    const [meeting, ...rest] = change(transformItem("calendar", event, context));
    expect(meeting).toMatchObject({ kind: "activity", type: "meeting", channel: "video", occurredAt: new Date("2026-02-03T16:00:00Z"), durationSeconds: 2700, direction: "outbound", personExternalId: "email:pat@fabrikam.example", properties: { attendees: [{ address: "pat@fabrikam.example", type: "required" }] } });
    expect(JSON.stringify(meeting)).not.toMatch(/agenda|QBR|teams\.example/);
    expect(rest.map((record) => record.kind).sort()).toEqual(["account", "person"]);
  });

  it("a time zone other than the UTC we asked for is quarantined rather than guessed", () => {
    const result = transformItem("calendar", { ...event, start: { dateTime: "2026-02-03T08:00:00", timeZone: "Pacific Standard Time" } }, context);
    expect(result).toMatchObject({ kind: "quarantined", quarantined: { reasons: [{ message: expect.stringContaining("Pacific Standard Time") }] } });
    if (result.kind === "quarantined") expect(JSON.stringify(result.quarantined.raw)).not.toMatch(/agenda|QBR/);
  });
});
