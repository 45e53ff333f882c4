/**
 * Zod schemas for the Fathom External API responses (developers.fathom.ai, OpenAPI `Meeting`).
 *
 * A page is validated in two steps: the envelope (`{limit, next_cursor, items}`) with `items` as `unknown[]`,
 * then each meeting on its own, so that one malformed meeting is quarantined while the rest of the page proceeds.
 * Unknown fields are ignored (stripped), so Fathom adding a field never breaks a sync.
 */
import { z } from "zod";

/** ISO-8601 date-time; Fathom sends UTC with `Z`, an explicit offset is tolerated. */
const isoDateTime = z.iso.datetime({ offset: true });

/** Optional-in-the-spec fields arrive as absent or as `null`; both read as "not there". */
const nullishString = z.string().nullish();

export const CalendarInviteesDomainsTypeSchema = z.enum(["only_internal", "one_or_more_external"]);

export const InviteeSchema = z.object({
  name: nullishString,
  email: nullishString,
  email_domain: nullishString,
  is_external: z.boolean(),
  /** Only for meetings after 2025-02-01 and only when the transcript is included. */
  matched_speaker_display_name: nullishString,
});

export const FathomUserSchema = z.object({
  name: z.string(),
  email: z.string(),
  email_domain: z.string(),
  team: nullishString,
});

export const TranscriptItemSchema = z.object({
  speaker: z.object({
    display_name: z.string(),
    matched_calendar_invitee_email: nullishString,
  }),
  text: z.string(),
  /** `HH:MM:SS`, relative to the start of the recording. */
  timestamp: z.string(),
});

export const MeetingSummarySchema = z.object({
  template_name: nullishString,
  markdown_formatted: nullishString,
});

export const AssigneeSchema = z.object({
  name: nullishString,
  email: nullishString,
  team: nullishString,
});

export const ActionItemSchema = z.object({
  description: z.string(),
  user_generated: z.boolean(),
  completed: z.boolean(),
  recording_timestamp: z.string(),
  recording_playback_url: z.string(),
  assignee: AssigneeSchema.nullish(),
});

export const CrmMatchesSchema = z.object({
  contacts: z.array(z.object({ name: nullishString, email: nullishString, record_url: nullishString })).nullish(),
  companies: z.array(z.object({ name: nullishString, record_url: nullishString })).nullish(),
  deals: z
    .array(z.object({ name: nullishString, amount: z.number().nullish(), record_url: nullishString }))
    .nullish(),
  /** e.g. "no CRM connected". */
  error: nullishString,
});

export const MeetingSchema = z
  .object({
    /** Fathom's own title. */
    title: z.string(),
    /** The calendar event's title. */
    meeting_title: z.string().nullable(),
    /** The stable id of the recording: an integer. */
    recording_id: z.number().int().nonnegative(),
    url: z.string(),
    share_url: z.string(),
    created_at: isoDateTime,
    scheduled_start_time: isoDateTime.nullish(),
    scheduled_end_time: isoDateTime.nullish(),
    recording_start_time: isoDateTime.nullish(),
    recording_end_time: isoDateTime.nullish(),
    calendar_invitees_domains_type: CalendarInviteesDomainsTypeSchema,
    transcript_language: z.string().nullable(),
    calendar_invitees: z.array(InviteeSchema),
    recorded_by: FathomUserSchema,
    transcript: z.array(TranscriptItemSchema).nullish(),
    default_summary: MeetingSummarySchema.nullish(),
    action_items: z.array(ActionItemSchema).nullish(),
    crm_matches: CrmMatchesSchema.nullish(),
  })
  .refine((meeting) => Boolean(meeting.recording_start_time ?? meeting.scheduled_start_time), {
    message: "a meeting needs recording_start_time or scheduled_start_time",
    path: ["recording_start_time"],
  });

/** `GET /meetings`: items stay `unknown` here and are validated one by one. */
export const MeetingsPageSchema = z.object({
  limit: z.number().int().nullish(),
  next_cursor: z.string().nullable(),
  items: z.array(z.unknown()),
});

export type FathomInvitee = z.output<typeof InviteeSchema>;
export type FathomUser = z.output<typeof FathomUserSchema>;
export type FathomTranscriptItem = z.output<typeof TranscriptItemSchema>;
export type FathomMeetingSummary = z.output<typeof MeetingSummarySchema>;
export type FathomActionItem = z.output<typeof ActionItemSchema>;
export type FathomCrmMatches = z.output<typeof CrmMatchesSchema>;
export type FathomMeeting = z.output<typeof MeetingSchema>;
/** The wire shape (what the sandbox serves and a webhook carries). */
export type FathomMeetingInput = z.input<typeof MeetingSchema>;
export type FathomMeetingsPage = z.output<typeof MeetingsPageSchema>;
export type CalendarInviteesDomainsType = z.output<typeof CalendarInviteesDomainsTypeSchema>;
