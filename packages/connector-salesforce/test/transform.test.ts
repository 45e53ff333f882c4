/**
 * Pure transforms with the documented record shapes (`attributes`, `+0000` datetimes, nulls for empty fields):
 * each object to its canonical kind, Task/Event type and channel, Opportunity as an activity, a Lead's account.
 */
import { describe, expect, it } from "vitest";
import { processPage } from "../src/quality/pipeline.js";
import { taskShape, transformRecord } from "../src/sync/transform.js";

const attributes = (type: string, id: string) => ({ type, url: `/services/data/v66.0/sobjects/${type}/${id}` });
const system = (id: string) => ({
  Id: id,
  IsDeleted: false,
  CreatedDate: "2024-05-01T08:00:00.000+0000",
  SystemModstamp: "2024-05-02T09:30:00.000+0000",
});

function only(object: Parameters<typeof processPage>[0], raw: unknown) {
  const page = processPage(object, [raw]);
  expect(page.quarantined).toEqual([]);
  return page.records;
}

describe("objects to canonical records", () => {
  it("Account → account, website to domain, employees to size, country to ISO-2", () => {
    const [account] = only("Account", {
      attributes: attributes("Account", "001RO000001aBcDYAU"),
      ...system("001RO000001aBcDYAU"),
      Name: " Acme   Corp ",
      Website: "https://www.Acme.com/about",
      Industry: "Technology",
      NumberOfEmployees: 1200,
      BillingCountry: "United States",
      Phone: "(415) 555-0100",
    });
    expect(account).toMatchObject({
      kind: "account",
      externalId: "001RO000001aBcDYAU",
      name: "Acme Corp",
      domain: "acme.com",
      size: 1200,
      remoteUpdatedAt: new Date("2024-05-02T09:30:00.000Z"),
      remoteCreatedAt: new Date("2024-05-01T08:00:00.000Z"),
      isDeleted: false,
      properties: { object: "Account", country: "US", phone: "+14155550100" },
    });
  });

  it("Contact → person with its account; a record with only Id and SystemModstamp still goes through", () => {
    const [person] = only("Contact", {
      ...system("003RO000001aBcDYAU"),
      FirstName: "JANE",
      LastName: "doe",
      Email: " Jane.Doe@Example.COM ",
      Phone: "020 7946 0958",
      MailingCountry: "UK",
      AccountId: "001RO000001aBcDYAU",
    });
    expect(person).toMatchObject({
      kind: "person",
      email: "jane.doe@example.com",
      firstName: "Jane",
      lastName: "Doe",
      fullName: "Jane Doe",
      phone: "+442079460958",
      accountExternalId: "001RO000001aBcDYAU",
    });
    const [bare] = only("Contact", { attributes: attributes("Contact", "003RO000001aBcEYAU"), Id: "003RO000001aBcEYAU", SystemModstamp: "2024-05-02T09:30:00.000+0000" });
    expect(bare).toMatchObject({ kind: "person", externalId: "003RO000001aBcEYAU", isDeleted: false });
  });

  it("a Lead without an account gets one made from Company and Website; Leads of one company share it", () => {
    const page = processPage("Lead", [
      { ...system("00QRO000001aBcDYAU"), LastName: "Lee", Company: "Globex", Website: "http://globex.example/" },
      { ...system("00QRO000001aBcEYAU"), LastName: "Kim", Company: "Globex Inc", Website: "www.globex.example" },
      { ...system("00QRO000001aBcFYAU"), LastName: "Ray", Company: "Initech  LLC", Website: null },
    ]);
    const accounts = page.records.filter((record) => record.kind === "account");
    expect(accounts.map((account) => account.externalId).sort()).toEqual(["lead-company:initech llc", "lead-domain:globex.example"]);
    const people = page.records.filter((record) => record.kind === "person");
    expect(people.map((person) => person.kind === "person" && person.accountExternalId)).toEqual([
      "lead-domain:globex.example",
      "lead-domain:globex.example",
      "lead-company:initech llc",
    ]);
  });

  it("a converted Lead points at its Account and links to its Contact", () => {
    const [person, ...derived] = only("Lead", {
      ...system("00QRO000001aBcDYAU"),
      LastName: "Lee",
      Company: "Globex",
      IsConverted: true,
      ConvertedDate: "2024-05-01",
      ConvertedAccountId: "001RO000001aBcDYAU",
      ConvertedContactId: "003RO000001aBcDYAU",
    });
    expect(derived).toEqual([]);
    expect(person).toMatchObject({
      accountExternalId: "001RO000001aBcDYAU",
      properties: { convertedContactId: "003RO000001aBcDYAU", isConverted: true },
    });
  });

  it("Opportunity → an account-linked activity with stage, amount, close date and won/closed flags", () => {
    const [opportunity] = only("Opportunity", {
      ...system("006RO000001aBcDYAU"),
      AccountId: "001RO000001aBcDYAU",
      Name: "Acme renewal",
      StageName: "Closed Won",
      Amount: 50000,
      CloseDate: "2024-06-30",
      IsClosed: true,
      IsWon: true,
    });
    expect(opportunity).toMatchObject({
      kind: "activity",
      type: "opportunity",
      channel: "crm",
      subject: "Acme renewal",
      accountExternalId: "001RO000001aBcDYAU",
      occurredAt: new Date("2024-05-01T08:00:00.000Z"),
      properties: { stage: "Closed Won", amount: 50000, closeDate: "2024-06-30", isClosed: true, isWon: true },
    });
  });

  it("Task and Event → activities with type, channel, direction, duration and links", () => {
    const [call] = only("Task", {
      ...system("00TRO000001aBcDYAU"),
      WhoId: "003RO000001aBcDYAU",
      WhatId: "006RO000001aBcDYAU",
      Subject: "Discovery call",
      TaskSubtype: "Call",
      CallType: "Inbound",
      CallDurationInSeconds: 300,
      CompletedDateTime: "2024-05-01T10:00:00.000+0000",
      IsArchived: true,
    });
    expect(call).toMatchObject({
      type: "call",
      channel: "phone",
      direction: "inbound",
      durationSeconds: 300,
      personExternalId: "003RO000001aBcDYAU",
      occurredAt: new Date("2024-05-01T10:00:00.000Z"),
      properties: { opportunityId: "006RO000001aBcDYAU", isArchived: true },
    });
    const [meeting] = only("Event", {
      ...system("00URO000001aBcDYAU"),
      WhatId: "001RO000001aBcDYAU",
      StartDateTime: "2024-05-03T15:00:00.000+0000",
      DurationInMinutes: 45,
    });
    expect(meeting).toMatchObject({ type: "meeting", channel: "meeting", durationSeconds: 2700, accountExternalId: "001RO000001aBcDYAU" });
  });

  it("types tasks from TaskSubtype first, then the Type picklist", () => {
    expect(taskShape("Email", null)).toEqual({ type: "email", channel: "email" });
    expect(taskShape("ListEmail", null)).toEqual({ type: "email", channel: "email", direction: "outbound" });
    expect(taskShape("Call", null, "Outbound")).toEqual({ type: "call", channel: "phone", direction: "outbound" });
    expect(taskShape("Task", "Meeting")).toEqual({ type: "meeting", channel: "meeting" });
    expect(taskShape(null, "Call")).toEqual({ type: "call", channel: "phone" });
    expect(taskShape("Cadence", null)).toEqual({ type: "task", channel: "task" });
  });

  it("a deleted record becomes a tombstone", () => {
    const [tombstone] = only("Contact", { ...system("003RO000001aBcDYAU"), IsDeleted: true, LastName: "Gone" });
    expect(tombstone?.isDeleted).toBe(true);
  });
});

describe("what cannot become a record", () => {
  it("quarantines a record without Id or SystemModstamp, or with values of the wrong type, with the reasons", () => {
    expect(transformRecord("Account", { Name: "No id" })).toMatchObject({ ok: false });
    const page = processPage("Task", [
      { Id: "00TRO000001aBcDYAU", SystemModstamp: "not a date" },
      { ...system("00TRO000001aBcEYAU"), CallDurationInSeconds: "long" },
      "not even an object",
    ]);
    expect(page.records).toEqual([]);
    expect(page.quarantined.map((item) => item.reasons.map((reason) => reason.path))).toEqual([
      ["SystemModstamp"],
      ["CallDurationInSeconds"],
      [""],
    ]);
    expect(page.quarantined[0]?.externalId).toBe("00TRO000001aBcDYAU");
  });
});
