/**
 * The sandbox's seeded tenants: a directory of users per tenant (with its verified domains) and, per user, a mailbox
 * (Inbox, Sent Items) and a calendar. Every message and event carries the privacy canary in its body, preview and
 * unique body, which a metadata-only connector must never request, store or log.
 */
import { createHash } from "node:crypto";
import { SeededRandom, itemSeed } from "@gtm-clarity/testkit/sandbox";

export const PRIVACY_CANARY = "CANARY-7f3e9b-PRIVATE-BODY-TEXT";
export const SANDBOX_EPOCH = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

export interface SandboxTenant {
  id: string;
  domain: string;
}

export interface SandboxUser {
  id: string;
  tenantId: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  userPrincipalName: string;
  jobTitle: string;
  department: string;
  accountEnabled: boolean;
}

export type Json = Record<string, unknown>;

function guid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Graph-looking opaque ids (immutable ids start with `AAkALg`). */
export function graphId(prefix: string, seed: string): string {
  return `${prefix}${createHash("sha256").update(seed).digest("base64url").slice(0, 60)}=`;
}

export function makeTenant(index: number, seed: number): SandboxTenant {
  const random = new SeededRandom(itemSeed(seed, 10_000 + index));
  const stem = random.company().domain.replace(/\.[a-z]+$/, "");
  return { id: guid(`tenant-${seed}-${index}`), domain: `${stem}${index}.onmicrosoft.test` };
}

export function makeUser(tenant: SandboxTenant, index: number, seed: number): SandboxUser {
  const random = new SeededRandom(itemSeed(seed, 20_000 + index));
  const name = random.person();
  const local = `${name.first}.${name.last}${index}`.toLowerCase().replace(/[^a-z0-9.]/g, "");
  return {
    id: guid(`user-${tenant.id}-${index}`),
    tenantId: tenant.id,
    displayName: name.name,
    givenName: name.first,
    surname: name.last,
    mail: `${local}@${tenant.domain}`,
    userPrincipalName: `${local}@${tenant.domain}`,
    jobTitle: random.pick(["Account Executive", "Sales Engineer", "CFO", "Head of Marketing", "Support Lead"]),
    department: random.pick(["Sales", "Finance", "Marketing", "Support"]),
    accountEnabled: true,
  };
}

function address(name: string, mail: string): Json {
  return { emailAddress: { name, address: mail } };
}

/** An external contact: a person at a company outside the tenant. */
function contact(random: SeededRandom): Json {
  const person = random.person();
  const company = random.company();
  return address(person.name, random.email(person, company.domain));
}

const body = () => ({ contentType: "html", content: `<html><body><p>${PRIVACY_CANARY}</p></body></html>` });

/** A message as Graph sends it without $select: body, preview and unique body included. */
export function makeMessage(owner: SandboxUser, colleague: SandboxUser, folder: "inbox" | "sentitems", index: number, seed: number): Json {
  const random = new SeededRandom(itemSeed(seed, index * 2 + (folder === "inbox" ? 0 : 1)));
  const at = new Date(SANDBOX_EPOCH + index * 60_000).toISOString().replace(".000Z", "Z");
  const me = address(owner.displayName, owner.mail);
  const other = random.next() < 0.2 ? address(colleague.displayName, colleague.mail) : contact(random);
  const from = folder === "inbox" ? other : me;
  const to = folder === "inbox" ? [me] : [other];
  return {
    "@odata.etag": `W/"${graphId("CQ", `${owner.id}-${folder}-${index}-etag`)}"`,
    id: graphId("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A", `${owner.id}-${folder}-${index}`),
    createdDateTime: at,
    lastModifiedDateTime: at,
    receivedDateTime: at,
    sentDateTime: at,
    hasAttachments: false,
    internetMessageId: `<${owner.id.slice(0, 8)}.${folder}.${index}@mail.sandbox.test>`,
    subject: `Sandbox thread ${index}`,
    bodyPreview: `${PRIVACY_CANARY} preview`,
    importance: "normal",
    parentFolderId: graphId("AQMkAD", `${owner.id}-${folder}`),
    conversationId: graphId("AAQkAD", `${owner.id}-conv-${index % 500}`),
    isRead: true,
    isDraft: false,
    webLink: `https://outlook.office365.com/owa/?ItemID=${index}`,
    body: body(),
    uniqueBody: body(),
    sender: from,
    from,
    toRecipients: to,
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    flag: { flagStatus: "notFlagged" },
  };
}

/** An event as calendarView delta sends it: no $select is possible, so the body comes too. */
export function makeEvent(owner: SandboxUser, index: number, seed: number, now: number): Json {
  const random = new SeededRandom(itemSeed(seed, 50_000 + index));
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  const start = day + ((index % 40) - 20) * DAY_MS + 9 * 3_600_000 + (index % 8) * 3_600_000;
  const local = (ms: number) => new Date(ms).toISOString().replace("Z", "0000").replace(/\.(\d{3})0000$/, ".$10000");
  const guest = contact(random);
  return {
    "@odata.type": "#microsoft.graph.event",
    "@odata.etag": `W/"${graphId("DwAA", `${owner.id}-event-${index}-etag`)}"`,
    id: graphId("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0B", `${owner.id}-event-${index}`),
    iCalUId: graphId("040000008200E00074C5B7101A82E008", `${owner.id}-ical-${index}`),
    subject: `Sandbox meeting ${index}`,
    bodyPreview: `${PRIVACY_CANARY} agenda`,
    body: body(),
    type: "singleInstance",
    isAllDay: false,
    isCancelled: false,
    start: { dateTime: local(start), timeZone: "UTC" },
    end: { dateTime: local(start + 1_800_000), timeZone: "UTC" },
    organizer: address(owner.displayName, owner.mail),
    attendees: [
      { type: "required", status: { response: "none", time: "0001-01-01T00:00:00Z" }, ...guest },
    ],
    onlineMeeting: index % 2 === 0 ? { joinUrl: `https://teams.sandbox.test/l/meetup-join/${index}` } : null,
    lastModifiedDateTime: new Date(SANDBOX_EPOCH).toISOString(),
  };
}
