/**
 * Payloads SHAPED LIKE FATHOM'S OWN PUBLISHED EXAMPLES (developers.fathom.ai): the `new-meeting-content-ready`
 * webhook payload and the `GET /meetings` list response of the quickstart. The values are our own; what is kept is
 * the shape, above all which fields are missing. Both examples leave out fields that Fathom's OpenAPI marks as
 * required, and a connector that insisted on them would store nothing from either:
 *
 * - the webhook example has no `recording_id` and no `transcript_language`;
 * - the quickstart's list item has no `recording_id`, no `transcript_language`, no `calendar_invitees_domains_type`
 *   and no `email_domain` for the recorder.
 *
 * The `*AsPublished` functions keep every omission, `recording_id` included: such a meeting has no stable id and
 * must be quarantined under its URL. The others add `recording_id`, which the real API sends (the OpenAPI documents
 * it as an integer such as 123456789), and nothing else: they must become canonical records.
 */
import type { FathomMeetingInput } from "../src/api-schema.js";

/** A meeting as Fathom publishes it: without the id the real API sends. */
export type MeetingAsPublished = Omit<FathomMeetingInput, "recording_id">;

export const EXAMPLE_RECORDING_ID = 123456789;
export const WEBHOOK_EXAMPLE_URL = "https://fathom.video/ex4mple";
export const LIST_EXAMPLE_URL = "https://fathom.video/lst789";

/** Shaped like the `new-meeting-content-ready` example: every include_* on, no recording_id, no transcript_language. */
export function webhookExampleAsPublished(): MeetingAsPublished {
  return {
    title: "Renewal planning",
    meeting_title: "Northwind renewal 2025",
    url: WEBHOOK_EXAMPLE_URL,
    share_url: "https://fathom.video/share/ex4mple",
    created_at: "2025-04-02T15:02:10Z",
    scheduled_start_time: "2025-04-02T14:00:00Z",
    scheduled_end_time: "2025-04-02T14:45:00Z",
    recording_start_time: "2025-04-02T14:01:05Z",
    recording_end_time: "2025-04-02T14:44:50Z",
    calendar_invitees_domains_type: "one_or_more_external",
    transcript: [
      {
        speaker: { display_name: "Maya Chen", matched_calendar_invitee_email: "maya.chen@acme.com" },
        text: "Shall we start with the seat count?",
        timestamp: "00:01:10",
      },
      {
        speaker: { display_name: "Omar Haddad", matched_calendar_invitee_email: "omar.haddad@northwind.example" },
        text: "Yes, we expect to grow by twenty seats.",
        timestamp: "00:01:18",
      },
    ],
    default_summary: {
      template_name: "general",
      markdown_formatted: "## Summary\nNorthwind plans twenty more seats; pricing follows next week.\n",
    },
    action_items: [
      {
        description: "Send the updated quote",
        user_generated: false,
        completed: false,
        recording_timestamp: "00:20:02",
        recording_playback_url: `${WEBHOOK_EXAMPLE_URL}#t=1202`,
        assignee: { name: "Maya Chen", email: "maya.chen@acme.com", team: "Sales" },
      },
    ],
    calendar_invitees: [
      {
        name: "Maya Chen",
        matched_speaker_display_name: "Maya Chen",
        email: "maya.chen@acme.com",
        is_external: false,
        email_domain: "acme.com",
      },
      {
        name: "Omar Haddad",
        matched_speaker_display_name: "Omar Haddad",
        email: "omar.haddad@northwind.example",
        is_external: true,
        email_domain: "northwind.example",
      },
    ],
    recorded_by: { name: "Maya Chen", email: "maya.chen@acme.com", team: "Sales", email_domain: "acme.com" },
    crm_matches: {
      contacts: [{ name: "Omar Haddad", email: "omar.haddad@northwind.example", record_url: "https://crm.example/c/1" }],
      companies: [{ name: "Northwind", record_url: "https://crm.example/a/2" }],
      deals: [{ name: "Northwind renewal", amount: 24000, record_url: "https://crm.example/d/3" }],
      error: null,
    },
  };
}

/** The webhook example with the `recording_id` the real API sends, and nothing else added. */
export function webhookExample(): FathomMeetingInput {
  return { ...webhookExampleAsPublished(), recording_id: EXAMPLE_RECORDING_ID };
}

/**
 * Shaped like the quickstart's list item (metadata only): no recording_id, transcript_language,
 * calendar_invitees_domains_type or recorder email_domain; the include_* fields are null.
 */
export function listItemAsPublished(): MeetingAsPublished {
  return {
    title: "Onboarding check-in",
    meeting_title: "Contoso onboarding",
    url: LIST_EXAMPLE_URL,
    share_url: "https://fathom.video/share/lst789",
    created_at: "2025-04-03T10:31:40Z",
    scheduled_start_time: "2025-04-03T10:00:00Z",
    scheduled_end_time: "2025-04-03T10:30:00Z",
    recording_start_time: "2025-04-03T10:00:30Z",
    recording_end_time: "2025-04-03T10:29:55Z",
    calendar_invitees: [
      { name: "Liam Novak", email: "liam.novak@acme.com", email_domain: "acme.com", is_external: false },
      { name: "Sofia Ruiz", email: "sofia.ruiz@contoso.example", email_domain: "contoso.example", is_external: true },
    ],
    recorded_by: { name: "Liam Novak", email: "liam.novak@acme.com", team: "Customer Success" },
    transcript: null,
    default_summary: null,
    action_items: null,
    crm_matches: null,
  };
}

/** The quickstart's list item with the `recording_id` the real API sends. */
export function listItem(): FathomMeetingInput {
  return { ...listItemAsPublished(), recording_id: EXAMPLE_RECORDING_ID + 1 };
}

/** A `GET /meetings` response shaped like the quickstart's: `{limit, next_cursor, items}`, one page. */
export function listResponse(items: readonly MeetingAsPublished[]): { limit: number; next_cursor: null; items: MeetingAsPublished[] } {
  return { limit: 10, next_cursor: null, items: [...items] };
}
