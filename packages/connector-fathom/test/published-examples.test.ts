/**
 * Schemas follow the vendor's real payloads: Fathom's own published examples, and a full meeting with any one
 * non-essential field removed, become canonical records. Only the id (`recording_id`) and the time (a start time)
 * are required; without them a meeting is quarantined with a reason that says how to find it.
 */
import { isSchemaError, type CanonicalActivity, type CanonicalPerson, type CanonicalRecord } from "@gtm-clarity/core";
import { createStandardWebhookSecret } from "@gtm-clarity/testkit/sandbox";
import { describe, expect, it } from "vitest";
import { FathomConnector } from "../src/connector.js";
import { transformRawMeeting } from "../src/sync/transform.js";
import { fullWebhookMeeting, internalMeeting } from "./fixtures.js";
import { fathomDelivery } from "./helpers.js";
import {
  EXAMPLE_RECORDING_ID,
  LIST_EXAMPLE_URL,
  WEBHOOK_EXAMPLE_URL,
  listItem,
  listItemAsPublished,
  listResponse,
  webhookExample,
  webhookExampleAsPublished,
} from "./published-examples.js";

const activities = (records: readonly CanonicalRecord[]) =>
  records.filter((record): record is CanonicalActivity => record.kind === "activity");
const people = (records: readonly CanonicalRecord[]) =>
  records.filter((record): record is CanonicalPerson => record.kind === "person");
const keys = (records: readonly CanonicalRecord[]) => records.map((record) => `${record.kind}:${record.externalId}`);

function onlyActivity(raw: unknown): CanonicalActivity {
  const result = transformRawMeeting(raw);
  expect(result.quarantined).toEqual([]);
  const found = activities(result.records);
  expect(found).toHaveLength(1);
  const [activity] = found;
  if (!activity) throw new Error("no activity");
  return activity;
}

/** A connector whose every request is answered 200 with `body` (a `GET /meetings` response). */
function connectorServing(body: unknown): FathomConnector {
  return new FathomConnector({
    fetch: async () => new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } }),
    retry: { maxAttempts: 1 },
  });
}
const CREDENTIALS = { apiKey: "example-key-123" };

describe("Fathom's published webhook example (new-meeting-content-ready)", () => {
  it("becomes an activity, its people, its account and its documents, without transcript_language", () => {
    const result = transformRawMeeting(webhookExample());
    expect(result.quarantined).toEqual([]);
    expect(keys(result.records)).toEqual([
      `activity:${EXAMPLE_RECORDING_ID}`,
      "account:northwind.example",
      "person:maya.chen@acme.com",
      "person:omar.haddad@northwind.example",
    ]);
    expect(result.documents.map((document) => document.type)).toEqual(["transcript", "summary"]);
    const activity = onlyActivity(webhookExample());
    expect(activity.properties).not.toHaveProperty("transcriptLanguage");
    expect(activity.properties).toMatchObject({ calendarInviteesDomainsType: "one_or_more_external", meetingScope: "external" });
  });

  it("arrives through a signed webhook delivery as records", async () => {
    const secret = createStandardWebhookSecret();
    const now = new Date("2025-04-02T15:05:00Z");
    const signed = fathomDelivery(webhookExample(), { secret, now });
    const event = await new FathomConnector().webhooks.handle({ headers: signed.headers, rawBody: signed.rawBody, secret, now });
    expect(event.quarantined).toEqual([]);
    expect(activities(event.records).map((activity) => activity.externalId)).toEqual([String(EXAMPLE_RECORDING_ID)]);
  });

  it("exactly as published (no recording_id) is quarantined under its URL, with a reason naming it", () => {
    const raw = webhookExampleAsPublished();
    const result = transformRawMeeting(raw);
    expect(result.records).toEqual([]);
    expect(result.documents).toEqual([]);
    expect(result.quarantined).toEqual([
      {
        externalId: `url:${WEBHOOK_EXAMPLE_URL}`,
        raw,
        reasons: [{ path: "recording_id", message: expect.stringContaining(WEBHOOK_EXAMPLE_URL) }],
      },
    ]);
  });
});

describe("Fathom's published list response (quickstart)", () => {
  it("becomes records, with the domains type and the recorder's domain derived", async () => {
    const page = await connectorServing(listResponse([listItem(), webhookExample()])).sync(CREDENTIALS, null);
    expect(page.quarantined).toEqual([]);
    expect(page.hasMore).toBe(false);
    const [fromList, fromWebhook] = activities(page.records);
    expect(fromList?.externalId).toBe(String(EXAMPLE_RECORDING_ID + 1));
    expect(fromWebhook?.externalId).toBe(String(EXAMPLE_RECORDING_ID));
    expect(fromList?.personExternalId).toBe("liam.novak@acme.com");
    expect(fromList?.accountExternalId).toBe("contoso.example");
    expect(fromList?.properties).toMatchObject({
      // Derived from Sofia's is_external; the recorder's domain from the recorder's email.
      calendarInviteesDomainsType: "one_or_more_external",
      meetingScope: "external",
      recordedBy: { name: "Liam Novak", email: "liam.novak@acme.com", emailDomain: "acme.com", team: "Customer Success" },
      derived: ["calendar_invitees_domains_type", "recorded_by.email_domain"],
    });
    expect(people(page.records).find((person) => person.email === "sofia.ruiz@contoso.example")).toMatchObject({
      isExternal: true,
      accountExternalId: "contoso.example",
    });
  });

  it("exactly as published (no recording_id) quarantines each meeting under its URL, and the page goes through", async () => {
    const page = await connectorServing(listResponse([listItemAsPublished(), webhookExampleAsPublished()])).sync(CREDENTIALS, null);
    expect(page.records).toEqual([]);
    expect(page.quarantined?.map((entry) => entry.externalId)).toEqual([`url:${LIST_EXAMPLE_URL}`, `url:${WEBHOOK_EXAMPLE_URL}`]);
    expect(page.stats.errors).toBe(2);
  });

  it("reads a page without next_cursor as the last page", async () => {
    const page = await connectorServing({ items: [listItem()] }).sync(CREDENTIALS, null);
    expect(page.hasMore).toBe(false);
    expect(activities(page.records)).toHaveLength(1);
  });

  it("still fails a malformed page (not an object, items not a list) with a SchemaError", async () => {
    for (const body of [[listItem()], "meetings", null, { limit: 10, next_cursor: null, items: "none" }, { next_cursor: null }]) {
      const error: unknown = await connectorServing(body).sync(CREDENTIALS, null).catch((caught: unknown) => caught);
      expect(isSchemaError(error), JSON.stringify(body)).toBe(true);
    }
  });
});

// ---- one field at a time ------------------------------------------------------------------------------------------

type Path = readonly string[];

/** Every key path of a JSON value; `*` stands for every element of an array. */
function keyPaths(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) {
    const paths = new Map<string, Path>();
    for (const item of value) {
      for (const path of keyPaths(item, [...prefix, "*"])) paths.set(path.join("."), path);
    }
    return [...paths.values()];
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [[...prefix, key], ...keyPaths(inner, [...prefix, key])]);
}

/** A deep copy of `value` without the key at `path` (in every array element where the path says `*`). */
function without(value: unknown, path: Path): unknown {
  const copy: unknown = structuredClone(value);
  const remove = (node: unknown, rest: Path): void => {
    const [head, ...tail] = rest;
    if (head === undefined || node === null || typeof node !== "object") return;
    if (head === "*") {
      if (Array.isArray(node)) for (const item of node) remove(item, tail);
      return;
    }
    const record = node as Record<string, unknown>;
    if (tail.length === 0) Reflect.deleteProperty(record, head);
    else remove(record[head], tail);
  };
  remove(copy, path);
  return copy;
}

/** What a canonical activity cannot exist without: the id, and the time (either start time will do). */
const ESSENTIAL = new Set(["recording_id"]);
const OPTIONAL_PATHS = keyPaths(fullWebhookMeeting()).filter((path) => !ESSENTIAL.has(path.join(".")));

describe("a full meeting with one non-essential field removed still becomes an activity", () => {
  it("covers every field of the full meeting, nested ones included", () => {
    expect(OPTIONAL_PATHS.length).toBeGreaterThan(40);
    for (const field of ["transcript_language", "calendar_invitees_domains_type", "recorded_by.email_domain", "calendar_invitees.*.is_external"]) {
      expect(OPTIONAL_PATHS.map((path) => path.join("."))).toContain(field);
    }
  });

  it.each(OPTIONAL_PATHS.map((path) => [path.join("."), path] as const))("without %s", (_name, path) => {
    const activity = onlyActivity(without(fullWebhookMeeting(), path));
    expect(activity.externalId).toBe("123456789");
    expect(activity.occurredAt).toBeInstanceOf(Date);
  });
});

describe("derived values for omitted fields", () => {
  it("derives calendar_invitees_domains_type from the invitees' is_external", () => {
    const external = onlyActivity(without(fullWebhookMeeting(), ["calendar_invitees_domains_type"]));
    expect(external.direction).toBeUndefined();
    expect(external.properties).toMatchObject({ calendarInviteesDomainsType: "one_or_more_external", meetingScope: "external" });
    expect(external.properties["derived"]).toEqual(["calendar_invitees_domains_type"]);

    const internal = onlyActivity(without(internalMeeting(), ["calendar_invitees_domains_type"]));
    expect(internal.direction).toBe("internal");
    expect(internal.properties).toMatchObject({ calendarInviteesDomainsType: "only_internal", meetingScope: "internal" });
  });

  it("derives an invitee's is_external from the recorder's domain, and the recorder's domain from the email", () => {
    const meeting = without(without(fullWebhookMeeting(), ["calendar_invitees", "*", "is_external"]), ["recorded_by", "email_domain"]);
    const result = transformRawMeeting(meeting);
    expect(people(result.records).map((person) => [person.email, person.isExternal, person.accountExternalId])).toEqual([
      ["alice.johnson@acme.com", false, undefined],
      ["bob.lee@client.com", true, "client.com"],
    ]);
    expect(keys(result.records)).toContain("account:client.com");
  });

  it("counts an external invitee without an email when deriving the scope", () => {
    const meeting = { ...internalMeeting(), calendar_invitees_domains_type: undefined };
    meeting.calendar_invitees = [...meeting.calendar_invitees, { name: "Guest line", email: null, is_external: true }];
    expect(onlyActivity(meeting).properties["calendarInviteesDomainsType"]).toBe("one_or_more_external");
  });

  it("leaves the scope unknown when nothing says who is external", () => {
    const meeting = without(
      without(without(fullWebhookMeeting(), ["calendar_invitees", "*", "is_external"]), ["recorded_by"]),
      ["calendar_invitees_domains_type"],
    );
    const activity = onlyActivity(meeting);
    expect(activity.direction).toBeUndefined();
    expect(activity.properties).not.toHaveProperty("meetingScope");
    expect(activity.properties).not.toHaveProperty("calendarInviteesDomainsType");
    expect(people(transformRawMeeting(meeting).records).every((person) => person.isExternal === undefined)).toBe(true);
  });

  it("uses the calendar title as the subject when Fathom's title is missing", () => {
    expect(onlyActivity(without(fullWebhookMeeting(), ["title"])).subject).toBe("QBR 2025 Q1");
  });
});

describe("the id and the time are required", () => {
  it("quarantines a meeting without recording_id under its url, then its share_url", () => {
    const noId = without(fullWebhookMeeting(), ["recording_id"]);
    expect(transformRawMeeting(noId).quarantined).toEqual([
      {
        externalId: "url:https://fathom.video/xyz123",
        raw: noId,
        reasons: [
          {
            path: "recording_id",
            message: "recording_id is missing, so the meeting has no stable id; it is the Fathom meeting at https://fathom.video/xyz123",
          },
        ],
      },
    ]);
    const noIdNoUrl = without(noId, ["url"]);
    expect(transformRawMeeting(noIdNoUrl).quarantined[0]?.externalId).toBe("url:https://fathom.video/share/xyz123");
    const nothing = without(noIdNoUrl, ["share_url"]);
    const [entry] = transformRawMeeting(nothing).quarantined;
    expect(entry?.externalId).toBeUndefined();
    expect(entry?.reasons[0]?.message).toMatch(/no url or share_url/);
  });

  it("quarantines a meeting with neither start time, keyed by its recording_id", () => {
    const noTime = without(without(fullWebhookMeeting(), ["recording_start_time"]), ["scheduled_start_time"]);
    const result = transformRawMeeting(noTime);
    expect(result.records).toEqual([]);
    expect(result.documents).toEqual([]);
    expect(result.quarantined).toEqual([
      { externalId: "123456789", raw: noTime, reasons: [{ path: "recording_start_time", message: expect.stringMatching(/recording_start_time or scheduled_start_time/) }] },
    ]);
  });

  it("still quarantines a field that is present with the wrong type", () => {
    const result = transformRawMeeting({ ...fullWebhookMeeting(), transcript_language: 7, calendar_invitees: "n/a" });
    expect(result.quarantined[0]?.reasons.map((reason) => reason.path)).toEqual(["transcript_language", "calendar_invitees"]);
  });
});
