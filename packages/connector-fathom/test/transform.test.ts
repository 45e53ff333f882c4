import { createHash } from "node:crypto";
import type { CanonicalAccount, CanonicalActivity, CanonicalPerson, CanonicalRecord } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import type { FathomMeetingInput } from "../src/api-schema.js";
import { generateMeetings } from "../src/sandbox/data.js";
import { dedupeRecords, transcriptToText, transformMeetingsPage, transformRawMeeting } from "../src/sync/transform.js";
import { internalMeeting, fullListMeeting, fullWebhookMeeting } from "./fixtures.js";

const activities = (records: CanonicalRecord[]) => records.filter((r): r is CanonicalActivity => r.kind === "activity");
const people = (records: CanonicalRecord[]) => records.filter((r): r is CanonicalPerson => r.kind === "person");
const accounts = (records: CanonicalRecord[]) => records.filter((r): r is CanonicalAccount => r.kind === "account");

function onlyActivity(meeting: unknown): CanonicalActivity {
  const result = transformRawMeeting(meeting);
  const [activity, ...rest] = activities(result.records);
  expect(rest).toHaveLength(0);
  if (!activity) throw new Error(`no activity: ${JSON.stringify(result.quarantined)}`);
  return activity;
}

describe("transform: the published webhook example (every include_* on)", () => {
  const result = transformRawMeeting(fullWebhookMeeting());

  it("produces one activity, two people and one account, nothing quarantined", () => {
    expect(result.quarantined).toEqual([]);
    expect(activities(result.records)).toHaveLength(1);
    expect(people(result.records).map((p) => p.externalId)).toEqual(["alice.johnson@acme.com", "bob.lee@client.com"]);
    expect(accounts(result.records).map((a) => a.externalId)).toEqual(["client.com"]);
  });

  it("maps the meeting to a video meeting activity keyed by recording_id", () => {
    const activity = onlyActivity(fullWebhookMeeting());
    expect(activity).toMatchObject({
      kind: "activity",
      externalId: "123456789",
      type: "meeting",
      channel: "video",
      subject: "Quarterly Business Review",
      personExternalId: "alice.johnson@acme.com",
      accountExternalId: "client.com",
      isDeleted: false,
    });
    expect(activity.occurredAt).toEqual(new Date("2025-03-01T16:01:12Z"));
    expect(activity.remoteCreatedAt).toEqual(new Date("2025-03-01T17:01:30Z"));
    // 16:01:12 -> 17:00:55 is 59 min 43 s.
    expect(activity.durationSeconds).toBe(59 * 60 + 43);
    // An external meeting has no canonical direction; the scope is explicit in properties.
    expect(activity.direction).toBeUndefined();
    expect(activity.properties).toMatchObject({
      source: "fathom",
      recordingId: 123456789,
      meetingTitle: "QBR 2025 Q1",
      url: "https://fathom.video/xyz123",
      shareUrl: "https://fathom.video/share/xyz123",
      calendarInviteesDomainsType: "one_or_more_external",
      meetingScope: "external",
      transcriptLanguage: "en",
      recordedBy: { name: "Alice Johnson", email: "alice.johnson@acme.com", emailDomain: "acme.com", team: "Customer Success" },
      externalDomains: ["client.com"],
      inviteeEmails: ["alice.johnson@acme.com", "bob.lee@client.com"],
      hasTranscript: true,
      hasSummary: true,
      summaryTemplateName: "general",
    });
  });

  it("puts action items and CRM matches into the activity's properties", () => {
    const activity = onlyActivity(fullWebhookMeeting());
    expect(activity.properties["actionItems"]).toEqual([
      {
        description: "Email revised proposal to client",
        completed: false,
        userGenerated: false,
        recordingTimestamp: "00:10:45",
        recordingPlaybackUrl: "https://fathom.video/xyz123#t=645",
        assignee: { name: "Alice Johnson", email: "alice.johnson@acme.com", team: "Customer Success" },
      },
    ]);
    expect(activity.properties["crmMatches"]).toMatchObject({
      companies: [{ name: "Client Inc", recordUrl: "https://app.hubspot.com/companies/456" }],
      deals: [{ name: "Q1 Renewal", amount: 50000 }],
    });
  });

  it("maps invitees to people with normalised email, name and external flag", () => {
    const [alice, bob] = people(result.records);
    expect(alice).toMatchObject({
      externalId: "alice.johnson@acme.com",
      email: "alice.johnson@acme.com",
      fullName: "Alice Johnson",
      isExternal: false,
    });
    expect(alice?.accountExternalId).toBeUndefined();
    // "Bob.Lee@Client.com" in the payload.
    expect(bob).toMatchObject({
      externalId: "bob.lee@client.com",
      email: "bob.lee@client.com",
      fullName: "Bob Lee",
      isExternal: true,
      accountExternalId: "client.com",
    });
  });

  it("maps external invitee domains to accounts, never the internal domain", () => {
    expect(accounts(result.records)).toEqual([
      expect.objectContaining({ kind: "account", externalId: "client.com", domain: "client.com" }),
    ]);
  });

  it("emits the transcript and the summary as documents linked to the activity, not inside it", () => {
    const transcriptText = "[00:05:32] Alice Johnson: Let's revisit the budget allocations.\n[00:05:40] Bob Lee: I agree, we need to adjust our projections.";
    const summaryText =
      "## Summary\nWe reviewed Q1 OKRs, identified budget risks, and agreed to revisit projections next month.\n";
    expect(result.documents).toEqual([
      {
        externalId: "123456789:transcript",
        activityExternalId: "123456789",
        type: "transcript",
        text: transcriptText,
        byteSize: Buffer.byteLength(transcriptText),
        contentHash: createHash("sha256").update(transcriptText).digest("hex"),
        mediaType: "text/plain",
      },
      {
        externalId: "123456789:summary",
        activityExternalId: "123456789",
        type: "summary",
        text: summaryText,
        byteSize: Buffer.byteLength(summaryText),
        contentHash: createHash("sha256").update(summaryText).digest("hex"),
        mediaType: "text/markdown",
      },
    ]);
    const serialisedActivity = JSON.stringify(activities(result.records)[0]);
    expect(serialisedActivity).not.toContain("revisit the budget");
    expect(serialisedActivity).not.toContain("We reviewed Q1 OKRs");
  });
});

describe("transform: a /meetings item with include_* off", () => {
  it("emits no documents and no actionItems key (null means not requested, not none)", () => {
    const result = transformRawMeeting(fullListMeeting());
    expect(result.documents).toEqual([]);
    const activity = onlyActivity(fullListMeeting());
    expect(activity.properties).not.toHaveProperty("actionItems");
    expect(activity.properties).not.toHaveProperty("crmMatches");
    expect(activity.properties).toMatchObject({ hasTranscript: false, hasSummary: false });
  });

  it("keeps an empty action item list as []", () => {
    const activity = onlyActivity({ ...fullListMeeting(), action_items: [] });
    expect(activity.properties["actionItems"]).toEqual([]);
  });

  it("skips a blank summary and an empty transcript", () => {
    const result = transformRawMeeting({
      ...fullListMeeting(),
      transcript: [],
      default_summary: { template_name: "general", markdown_formatted: "  " },
    });
    expect(result.documents).toEqual([]);
  });
});

describe("transform: meeting variants", () => {
  it("marks an internal-only meeting as internal and creates no account", () => {
    const result = transformRawMeeting(internalMeeting());
    const activity = onlyActivity(internalMeeting());
    expect(activity.direction).toBe("internal");
    expect(activity.properties["meetingScope"]).toBe("internal");
    expect(activity.accountExternalId).toBeUndefined();
    expect(accounts(result.records)).toEqual([]);
    expect(people(result.records).every((p) => p.isExternal === false)).toBe(true);
  });

  it("falls back to the scheduled start (and duration) when the recording times are missing", () => {
    const activity = onlyActivity({ ...fullListMeeting(), recording_start_time: null, recording_end_time: null });
    expect(activity.occurredAt).toEqual(new Date("2025-03-01T16:00:00Z"));
    expect(activity.durationSeconds).toBe(3600);
  });

  it("leaves accountExternalId unset when external invitees come from several companies", () => {
    const meeting = fullListMeeting();
    meeting.calendar_invitees.push({ name: "Dana Wu", email: "dana@other.org", email_domain: "other.org", is_external: true });
    const result = transformRawMeeting(meeting);
    expect(accounts(result.records).map((a) => a.externalId)).toEqual(["client.com", "other.org"]);
    expect(activities(result.records)[0]?.accountExternalId).toBeUndefined();
  });

  it("derives the domain from the email when email_domain is missing", () => {
    const meeting = fullListMeeting();
    meeting.calendar_invitees = [{ name: "Eve", email: "eve@Sub.Example.org", is_external: true }];
    const result = transformRawMeeting(meeting);
    expect(accounts(result.records).map((a) => a.domain)).toEqual(["sub.example.org"]);
    expect(people(result.records).find((p) => p.email === "eve@sub.example.org")?.accountExternalId).toBe("sub.example.org");
  });

  it("skips invitees without an email but counts them", () => {
    const meeting = fullListMeeting();
    meeting.calendar_invitees.push({ name: "Conference Room", email: null, email_domain: null, is_external: false });
    const result = transformRawMeeting(meeting);
    expect(people(result.records)).toHaveLength(2);
    expect(activities(result.records)[0]?.properties["inviteesWithoutEmail"]).toBe(1);
  });

  it("merges an invitee listed twice under differently cased emails", () => {
    const meeting = fullListMeeting();
    meeting.calendar_invitees.push({ name: null, email: " BOB.LEE@client.com ", email_domain: "client.com", is_external: true });
    const result = transformRawMeeting(meeting);
    expect(people(result.records).filter((p) => p.email === "bob.lee@client.com")).toHaveLength(1);
  });

  it("adds the recorder as a person even when not on the invite", () => {
    const meeting = fullListMeeting();
    meeting.recorded_by = { name: "Rita Recorder", email: "rita@acme.com", email_domain: "acme.com", team: null };
    const result = transformRawMeeting(meeting);
    expect(people(result.records).find((p) => p.externalId === "rita@acme.com")).toMatchObject({
      fullName: "Rita Recorder",
      isExternal: false,
    });
    expect(activities(result.records)[0]?.properties["inviteeEmails"]).not.toContain("rita@acme.com");
  });

  it("quarantines one invitee with an invalid email and keeps the rest of the meeting", () => {
    const meeting = fullListMeeting();
    meeting.calendar_invitees.push({ name: "Broken", email: "not an email", is_external: false });
    const result = transformRawMeeting(meeting);
    expect(activities(result.records)).toHaveLength(1);
    expect(people(result.records)).toHaveLength(2);
    expect(result.quarantined).toEqual([
      {
        externalId: "not an email",
        raw: { name: "Broken", email: "not an email", is_external: false },
        reasons: [expect.objectContaining({ path: "email" })],
      },
    ]);
  });

  it("counts bytes, not characters, for non-ASCII documents", () => {
    const meeting = fullWebhookMeeting();
    meeting.transcript = [{ speaker: { display_name: "Zoë" }, text: "Très bien 👍", timestamp: "00:00:01" }];
    const transcript = transformRawMeeting(meeting).documents.find((d) => d.type === "transcript");
    expect(transcript?.text).toBe("[00:00:01] Zoë: Très bien 👍");
    expect(transcript?.byteSize).toBe(Buffer.byteLength("[00:00:01] Zoë: Très bien 👍", "utf8"));
    expect(transcript?.byteSize).toBeGreaterThan(transcript?.text.length ?? 0);
  });
});

describe("transform: malformed meetings are quarantined, never thrown or dropped", () => {
  it("quarantines a meeting without recording_id (as in the published examples) with the reason", () => {
    const { recording_id: _dropped, ...withoutId } = fullWebhookMeeting();
    const result = transformRawMeeting(withoutId);
    expect(result.records).toEqual([]);
    expect(result.documents).toEqual([]);
    expect(result.quarantined).toHaveLength(1);
    // Keyed by the meeting's URL: what a person can open to find it, and what keeps two such meetings apart.
    expect(result.quarantined[0]?.externalId).toBe("url:https://fathom.video/xyz123");
    expect(result.quarantined[0]?.raw).toEqual(withoutId);
    expect(result.quarantined[0]?.reasons.map((r) => r.path)).toContain("recording_id");
  });

  it("keeps the recording_id of a malformed meeting as the quarantine externalId", () => {
    const broken = { ...fullListMeeting(), created_at: "yesterday", calendar_invitees: "n/a" };
    const result = transformRawMeeting(broken);
    expect(result.quarantined).toEqual([
      {
        externalId: "123456789",
        raw: broken,
        reasons: expect.arrayContaining([
          expect.objectContaining({ path: "created_at" }),
          expect.objectContaining({ path: "calendar_invitees" }),
        ]),
      },
    ]);
  });

  it("rejects an unknown calendar_invitees_domains_type and non-objects", () => {
    expect(transformRawMeeting({ ...fullListMeeting(), calendar_invitees_domains_type: "all" }).quarantined).toHaveLength(1);
    for (const raw of [null, 42, "meeting", []]) {
      const result = transformRawMeeting(raw);
      expect(result.records).toEqual([]);
      expect(result.quarantined).toHaveLength(1);
    }
  });

  it("requires a start time", () => {
    const result = transformRawMeeting({ ...fullListMeeting(), recording_start_time: null, scheduled_start_time: null });
    expect(result.quarantined[0]?.reasons).toEqual([expect.objectContaining({ path: "recording_start_time" })]);
  });

  it("ignores fields Fathom may add later", () => {
    const activity = onlyActivity({ ...fullListMeeting(), some_future_field: { nested: true } } as FathomMeetingInput);
    expect(activity.externalId).toBe("123456789");
  });
});

describe("transform purity", () => {
  it("gives equal output for equal input and does not mutate it", () => {
    const input = fullWebhookMeeting();
    const snapshot = structuredClone(input);
    expect(transformRawMeeting(input)).toEqual(transformRawMeeting(input));
    expect(input).toEqual(snapshot);
  });

  it("formats transcripts one line per item", () => {
    expect(
      transcriptToText([
        { speaker: { display_name: "A" }, text: "hi", timestamp: "00:00:01" },
        { speaker: { display_name: "B", matched_calendar_invitee_email: null }, text: "hello", timestamp: "00:00:02" },
      ]),
    ).toBe("[00:00:01] A: hi\n[00:00:02] B: hello");
  });
});

describe("transformMeetingsPage", () => {
  it("gives what transforming each meeting and deduping the page gives, each meeting parsed once", () => {
    const items: unknown[] = [...generateMeetings(10, 5), { title: 42 }, fullWebhookMeeting(), fullWebhookMeeting()];
    const page = transformMeetingsPage(items);
    const each = items.map((item) => transformRawMeeting(item));
    expect(page.records).toEqual(dedupeRecords(each.flatMap((result) => result.records)));
    expect(page.documents).toEqual(each.flatMap((result) => result.documents));
    expect(page.quarantined).toEqual(each.flatMap((result) => result.quarantined));
    // The watermark moves with valid meetings only; the malformed one has no created_at to give.
    expect(page.createdAt).toEqual(
      items.flatMap((item) => (typeof item === "object" && item !== null && "created_at" in item ? [item.created_at] : [])),
    );
    expect(page.records.length).toBeLessThan(each.flatMap((result) => result.records).length);
  });
});
