/**
 * Zod schemas for the Fathom External API responses (developers.fathom.ai, OpenAPI `Meeting`).
 *
 * Two shapes live here, on purpose:
 *
 * - `OpenApiMeetingSchema` is the Meeting as the OpenAPI documents it, every field it calls required present. The
 *   sandbox serves this shape and a test holds it to it. The connector never requires it.
 * - `MeetingSchema` is what the connector accepts: what real payloads look like. Fathom's own published examples
 *   (the quickstart's list response, the `new-meeting-content-ready` webhook) leave out fields the OpenAPI marks
 *   required, such as `transcript_language`, `calendar_invitees_domains_type` or the recorder's `email_domain`.
 *   So it requires only what a canonical activity cannot exist without: `recording_id` (its id) and a start time
 *   (its time). Everything else may be absent or null, and the transform derives or defaults it. A field that is
 *   present with the wrong type is still an error: leniency is for omissions, not for a payload that changed shape.
 *
 * A page is validated in two steps: the envelope (`{limit, next_cursor, items}`) with `items` as `unknown[]`, then
 * each meeting on its own, so that one malformed meeting is quarantined while the rest of the page proceeds. A page
 * that is not an object, or whose `items` is not an array, fails the sync with a SchemaError. Unknown fields are
 * ignored (stripped), so Fathom adding a field never breaks a sync.
 */
import { z } from "zod";

/** ISO-8601 date-time; Fathom sends UTC with `Z`, an explicit offset is tolerated. */
const isoDateTime = z.iso.datetime({ offset: true });

/** A field real payloads may leave out: absent and `null` both read as "not there". */
const nullishString = z.string().nullish();
const nullishDateTime = isoDateTime.nullish();
const nullishBoolean = z.boolean().nullish();

export const CalendarInviteesDomainsTypeSchema = z.enum(["only_internal", "one_or_more_external"]);

export const InviteeSchema = z.object({
  name: nullishString,
  email: nullishString,
  email_domain: nullishString,
  /** Absent: the transform derives it by comparing the invitee's domain with the recorder's. */
  is_external: nullishBoolean,
  /** Only for meetings after 2025-02-01 and only when the transcript is included. */
  matched_speaker_display_name: nullishString,
});

export const FathomUserSchema = z.object({
  name: nullishString,
  email: nullishString,
  /** Absent from the quickstart's example; the transform derives it from `email`. */
  email_domain: nullishString,
  team: nullishString,
});

export const TranscriptItemSchema = z.object({
  speaker: z
    .object({
      display_name: nullishString,
      matched_calendar_invitee_email: nullishString,
    })
    .nullish(),
  text: nullishString,
  /** `HH:MM:SS`, relative to the start of the recording. */
  timestamp: nullishString,
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
  description: nullishString,
  user_generated: nullishBoolean,
  completed: nullishBoolean,
  recording_timestamp: nullishString,
  recording_playback_url: nullishString,
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

/** The message a meeting without any start time is quarantined with. */
export const MEETING_TIME_REQUIRED = "a meeting needs its time: recording_start_time or scheduled_start_time";

export const MeetingSchema = z
  .object({
    /** The stable id of the recording, an integer: the activity's externalId. Required. */
    recording_id: z.number().int().nonnegative(),
    /** Fathom's own title. */
    title: nullishString,
    /** The calendar event's title. */
    meeting_title: nullishString,
    /** Where the recording lives in Fathom; what identifies a meeting that arrives without its id. */
    url: nullishString,
    share_url: nullishString,
    /** Moves the sync's watermark; a meeting without it is kept but does not move the watermark. */
    created_at: nullishDateTime,
    scheduled_start_time: nullishDateTime,
    scheduled_end_time: nullishDateTime,
    recording_start_time: nullishDateTime,
    recording_end_time: nullishDateTime,
    /** Absent from the webhook example; the transform derives it from the invitees' `is_external`. */
    calendar_invitees_domains_type: CalendarInviteesDomainsTypeSchema.nullish(),
    transcript_language: nullishString,
    calendar_invitees: z.array(InviteeSchema).nullish(),
    recorded_by: FathomUserSchema.nullish(),
    transcript: z.array(TranscriptItemSchema).nullish(),
    default_summary: MeetingSummarySchema.nullish(),
    action_items: z.array(ActionItemSchema).nullish(),
    crm_matches: CrmMatchesSchema.nullish(),
  })
  .refine((meeting) => Boolean(meeting.recording_start_time ?? meeting.scheduled_start_time), {
    message: MEETING_TIME_REQUIRED,
    path: ["recording_start_time"],
  });

/** `GET /meetings`: items stay `unknown` here and are validated one by one. No `next_cursor`: the last page. */
export const MeetingsPageSchema = z.object({
  limit: z.number().int().nullish(),
  next_cursor: z.string().nullish(),
  items: z.array(z.unknown()),
});

// ---- the documented shape (the sandbox's) -------------------------------------------------------------------------

const OpenApiInviteeSchema = InviteeSchema.extend({ is_external: z.boolean() });
const OpenApiUserSchema = FathomUserSchema.extend({ name: z.string(), email: z.string(), email_domain: z.string() });
const OpenApiTranscriptItemSchema = z.object({
  speaker: z.object({ display_name: z.string(), matched_calendar_invitee_email: nullishString }),
  text: z.string(),
  timestamp: z.string(),
});
const OpenApiActionItemSchema = ActionItemSchema.extend({
  description: z.string(),
  user_generated: z.boolean(),
  completed: z.boolean(),
  recording_timestamp: z.string(),
  recording_playback_url: z.string(),
});

/** The Meeting with every field the OpenAPI lists as required: what the sandbox serves, never what sync requires. */
export const OpenApiMeetingSchema = z.object({
  title: z.string(),
  meeting_title: z.string().nullable(),
  recording_id: z.number().int().nonnegative(),
  url: z.string(),
  share_url: z.string(),
  created_at: isoDateTime,
  scheduled_start_time: isoDateTime,
  scheduled_end_time: isoDateTime,
  recording_start_time: isoDateTime,
  recording_end_time: isoDateTime,
  calendar_invitees_domains_type: CalendarInviteesDomainsTypeSchema,
  transcript_language: z.string(),
  calendar_invitees: z.array(OpenApiInviteeSchema),
  recorded_by: OpenApiUserSchema,
  transcript: z.array(OpenApiTranscriptItemSchema).nullish(),
  default_summary: MeetingSummarySchema.nullish(),
  action_items: z.array(OpenApiActionItemSchema).nullish(),
  crm_matches: CrmMatchesSchema.nullish(),
});

export type FathomInvitee = z.output<typeof InviteeSchema>;
export type FathomTranscriptItem = z.output<typeof TranscriptItemSchema>;
export type FathomActionItem = z.output<typeof ActionItemSchema>;
export type FathomCrmMatches = z.output<typeof CrmMatchesSchema>;
/** A meeting the connector accepted: only `recording_id` and a start time are sure to be there. */
export type FathomMeeting = z.output<typeof MeetingSchema>;
/** What the connector accepts from a page or a webhook (most fields optional). */
export type FathomMeetingInput = z.input<typeof MeetingSchema>;
/** The wire shape as documented, every required field present: what the sandbox serves and sends. */
export type FathomApiMeeting = z.input<typeof OpenApiMeetingSchema>;
export type CalendarInviteesDomainsType = z.output<typeof CalendarInviteesDomainsTypeSchema>;
