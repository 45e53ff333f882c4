/** One validated Graph item to canonical records (pure). Subjects only when the tenant turned them on. */
import type { CanonicalRecordInput } from "@gtm-clarity/core";
import type { GraphEvent, GraphMessage, GraphUser } from "../graph/schemas.js";
import type { MailFolder } from "../sync/streams.js";
import { eventExternalId, messageExternalId, userExternalId } from "./ids.js";
import { counterpart, directionOf, externalRecords, participant, participantsOf } from "./participants.js";

export type Built = { records: CanonicalRecordInput[] } | { error: string };

interface Context {
  domains: ReadonlySet<string>;
  includeSubjects: boolean;
}

export function transformUser(user: GraphUser): Built {
  const email = user.mail ?? user.userPrincipalName ?? undefined;
  return {
    records: [
      {
        kind: "person",
        externalId: userExternalId(user.id),
        ...(email === undefined || !email.includes("@") ? {} : { email }),
        ...(user.givenName ? { firstName: user.givenName } : {}),
        ...(user.surname ? { lastName: user.surname } : {}),
        ...(user.displayName ? { fullName: user.displayName } : {}),
        ...(user.jobTitle ? { title: user.jobTitle } : {}),
        isExternal: false,
        properties: {
          source: "directory",
          graphId: user.id,
          ...(user.department ? { department: user.department } : {}),
          ...(user.accountEnabled === null || user.accountEnabled === undefined ? {} : { accountEnabled: user.accountEnabled }),
        },
        isDeleted: false,
      },
    ],
  };
}

export function transformMessage(message: GraphMessage, folder: MailFolder, context: Context): Built {
  const occurredAt =
    folder === "sentitems"
      ? (message.sentDateTime ?? message.receivedDateTime)
      : (message.receivedDateTime ?? message.sentDateTime);
  if (occurredAt === null || occurredAt === undefined) return { error: "message has neither receivedDateTime nor sentDateTime" };
  const sender = participant(message.from ?? message.sender, context.domains);
  const participants = participantsOf(
    [message.from ?? message.sender, ...(message.toRecipients ?? []), ...(message.ccRecipients ?? []), ...(message.bccRecipients ?? [])],
    context.domains,
  );
  const direction = directionOf(sender, participants, folder === "sentitems" ? "outbound" : "inbound");
  const subject = context.includeSubjects ? message.subject?.trim() : undefined;
  const activity: CanonicalRecordInput = {
    kind: "activity",
    externalId: messageExternalId(message.id),
    type: direction === "inbound" ? "email_received" : "email_sent",
    channel: "email",
    occurredAt,
    direction,
    ...(subject ? { subject } : {}),
    ...counterpart(participants),
    ...(message.lastModifiedDateTime ? { remoteUpdatedAt: message.lastModifiedDateTime } : {}),
    properties: {
      folder,
      graphId: message.id,
      ...(message.internetMessageId ? { internetMessageId: message.internetMessageId } : {}),
      ...(message.conversationId ? { conversationId: message.conversationId } : {}),
      ...(sender === undefined ? {} : { from: sender.address }),
      participants: participants.map((person) => person.address),
      externalParticipants: participants.filter((person) => !person.internal).length,
    },
    isDeleted: false,
  };
  return { records: [activity, ...externalRecords(participants)] };
}

/** `dateTime` has no offset; we asked for UTC. Seven fractional digits are cut to milliseconds. */
function utc(value: { dateTime: string; timeZone?: string | null | undefined }): Date | string {
  const zone = value.timeZone ?? "UTC";
  if (zone.toUpperCase() !== "UTC") return `timeZone "${zone}" where UTC was asked for`;
  const [whole = "", fraction = ""] = value.dateTime.split(".");
  return new Date(`${whole}${fraction === "" ? "" : `.${fraction.slice(0, 3)}`}Z`);
}

export function transformEvent(event: GraphEvent, context: Context): Built {
  const start = utc(event.start);
  if (typeof start === "string") return { error: `start: ${start}` };
  const end = event.end === null || event.end === undefined ? undefined : utc(event.end);
  if (typeof end === "string") return { error: `end: ${end}` };
  const organizer = participant(event.organizer, context.domains);
  const participants = participantsOf([event.organizer, ...(event.attendees ?? [])], context.domains);
  const subject = context.includeSubjects ? event.subject?.trim() : undefined;
  const durationMs = end === undefined ? undefined : end.getTime() - start.getTime();
  const activity: CanonicalRecordInput = {
    kind: "activity",
    externalId: eventExternalId(event.id),
    type: "meeting",
    channel: event.onlineMeeting?.joinUrl ? "video" : "calendar",
    occurredAt: start,
    direction: directionOf(organizer, participants, "inbound"),
    ...(durationMs === undefined || durationMs < 0 ? {} : { durationSeconds: durationMs / 1000 }),
    ...(subject ? { subject } : {}),
    ...counterpart(participants),
    ...(event.lastModifiedDateTime ? { remoteUpdatedAt: event.lastModifiedDateTime } : {}),
    properties: {
      graphId: event.id,
      ...(event.iCalUId ? { iCalUId: event.iCalUId } : {}),
      ...(event.type ? { eventType: event.type } : {}),
      isAllDay: event.isAllDay === true,
      isCancelled: event.isCancelled === true,
      ...(organizer === undefined ? {} : { organizer: organizer.address }),
      attendees: (event.attendees ?? []).flatMap((attendee) => {
        const found = participant(attendee, context.domains);
        return found === undefined ? [] : [{ address: found.address, type: attendee.type ?? "required" }];
      }),
    },
    isDeleted: false,
  };
  return { records: [activity, ...externalRecords(participants)] };
}
