/**
 * The delta streams a sync run walks, in order: the directory first (people, and the run's domains are fresh),
 * then each mail folder with its own deltaLink (Graph has no mailbox-wide message delta in v1.0), then the calendar
 * over a rolling window frozen into its token.
 */
import type { O365Settings } from "../settings.js";

export const STREAM_NAMES = ["users", "inbox", "sentitems", "calendar"] as const;
export type StreamName = (typeof STREAM_NAMES)[number];
export type MailFolder = Extract<StreamName, "inbox" | "sentitems">;

export const USER_SELECT = "displayName,givenName,surname,mail,userPrincipalName,jobTitle,department,accountEnabled";

/** Metadata only: never body, bodyPreview, uniqueBody or attachments; the subject only when the tenant wants it. */
export function messageSelect(includeSubjects: boolean): string {
  const fields = [
    "from",
    "sender",
    "toRecipients",
    "ccRecipients",
    "bccRecipients",
    "receivedDateTime",
    "sentDateTime",
    "lastModifiedDateTime",
    "internetMessageId",
    "conversationId",
    "parentFolderId",
    "isDraft",
  ];
  return (includeSubjects ? [...fields, "subject"] : fields).join(",");
}

export interface CalendarWindow {
  start: string;
  end: string;
}

const DAY_MS = 86_400_000;

/** Whole UTC days around today, so the window moves once a day and a moved window starts a new round. */
export function calendarWindow(settings: O365Settings, now: Date): CalendarWindow {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return {
    start: new Date(today - settings.calendarPastDays * DAY_MS).toISOString(),
    end: new Date(today + (settings.calendarFutureDays + 1) * DAY_MS).toISOString(),
  };
}

/** The first request of a round; its query is then encoded in the links Graph returns, never added again. */
export function initialUrl(stream: StreamName, settings: O365Settings, window: CalendarWindow): string {
  switch (stream) {
    case "users":
      return `/users/delta?$select=${USER_SELECT}`;
    case "inbox":
    case "sentitems":
      return `/me/mailFolders/${stream}/messages/delta?$select=${messageSelect(settings.includeSubjects)}`;
    case "calendar": {
      // No $select: calendarView delta refuses it (Calendars.ReadBasic keeps bodies out; the transform strips too).
      const query = new URLSearchParams({ startDateTime: window.start, endDateTime: window.end });
      return `/me/calendarView/delta?${query.toString()}`;
    }
  }
}
