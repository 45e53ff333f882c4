/**
 * Privacy: the sandbox plants a canary in every message's and event's body, preview and unique body (as a server
 * would send them to an app granted more than Mail.ReadBasic / Calendars.ReadBasic). After a full sync the canary
 * appears in no request URL, no record, no quarantined item, no document and no log line; subjects are off by
 * default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRIVACY_CANARY } from "../src/sandbox/index.js";
import { drain, harness, records, type Harness } from "./support.js";
import type { SyncResult } from "@gtm-clarity/core";

describe("privacy canary", () => {
  let h: Harness;
  let pages: SyncResult[];
  beforeAll(async () => {
    h = await harness({ messagesPerMailbox: 80, eventsPerMailbox: 30 });
    const [user] = h.sandbox.users;
    if (user === undefined) throw new Error("no user");
    // An event Graph would send with its body while lacking a start: quarantined, and still without its body.
    h.sandbox.collection(user, "calendar").put({ id: "AAkALg-broken-event", subject: "Secret offsite", body: { contentType: "html", content: PRIVACY_CANARY }, bodyPreview: PRIVACY_CANARY });
    pages = await drain(h);
  });
  afterAll(() => h.sandbox.close());

  it("the sandbox really served the canary (on calendar events, where $select is refused)", async () => {
    const [user] = h.sandbox.users;
    if (user === undefined) throw new Error("no user");
    const events = h.sandbox.collection(user, "calendar").live();
    expect(JSON.stringify(events)).toContain(PRIVACY_CANARY);
    expect(records(pages).some((record) => record.kind === "activity" && record.type === "meeting")).toBe(true);
  });

  it("never asks for a body: no request URL names body, bodyPreview, uniqueBody or attachments, or holds the canary", () => {
    expect(h.sent.length).toBeGreaterThan(5);
    for (const { url } of h.sent) {
      const decoded = decodeURIComponent(url);
      expect(decoded).not.toContain(PRIVACY_CANARY);
      expect(decoded).not.toMatch(/body|bodyPreview|uniqueBody|attachments/i);
    }
    const messageRequests = h.sent.filter(({ url }) => url.includes("/messages/delta?%24select=") || url.includes("/messages/delta?$select="));
    expect(messageRequests.length).toBeGreaterThan(0);
  });

  it("stores the canary in no record, quarantined item or document", () => {
    expect(pages.flatMap((page) => page.quarantined ?? []).length).toBeGreaterThan(0);
    for (const page of pages) {
      expect(JSON.stringify(page.records)).not.toContain(PRIVACY_CANARY);
      expect(JSON.stringify(page.quarantined ?? [])).not.toContain(PRIVACY_CANARY);
      expect(page.documents ?? []).toHaveLength(0);
    }
  });

  it("logs no canary", () => {
    expect(h.logger.entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(h.logger.entries)).not.toContain(PRIVACY_CANARY);
  });

  it("keeps no subject unless the tenant turns subjects on", async () => {
    expect(records(pages).filter((record) => record.kind === "activity" && record.subject !== undefined)).toHaveLength(0);
    expect(JSON.stringify(pages)).not.toContain("Sandbox thread");
    expect(JSON.stringify(pages)).not.toContain("Secret offsite");
    const withSubjects = await harness({ messagesPerMailbox: 10, eventsPerMailbox: 5 }, {}, { includeSubjects: true });
    try {
      const subjectPages = await drain(withSubjects);
      const subjects = records(subjectPages).flatMap((record) => (record.kind === "activity" && record.subject !== undefined ? [record.subject] : []));
      expect(subjects.some((subject) => subject.startsWith("Sandbox thread"))).toBe(true);
      expect(subjects.some((subject) => subject.startsWith("Sandbox meeting"))).toBe(true);
      expect(JSON.stringify(subjectPages)).not.toContain(PRIVACY_CANARY);
    } finally {
      await withSubjects.sandbox.close();
    }
  });
});
