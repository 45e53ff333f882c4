/**
 * Full meetings: every field of the OpenAPI `Meeting` schema present, laid out like Fathom's `newMeeting` webhook
 * payload. Fathom's own published examples leave fields out; meetings shaped like those are in
 * `published-examples.ts`.
 */
import type { FathomApiMeeting } from "../src/api-schema.js";

/** The webhook payload with every include_* on: transcript, summary, action items and CRM matches. */
export function fullWebhookMeeting(): FathomApiMeeting {
  return {
    title: "Quarterly Business Review",
    meeting_title: "QBR 2025 Q1",
    recording_id: 123456789,
    url: "https://fathom.video/xyz123",
    share_url: "https://fathom.video/share/xyz123",
    created_at: "2025-03-01T17:01:30Z",
    scheduled_start_time: "2025-03-01T16:00:00Z",
    scheduled_end_time: "2025-03-01T17:00:00Z",
    recording_start_time: "2025-03-01T16:01:12Z",
    recording_end_time: "2025-03-01T17:00:55Z",
    calendar_invitees_domains_type: "one_or_more_external",
    transcript_language: "en",
    calendar_invitees: [
      {
        name: "Alice Johnson",
        email: "alice.johnson@acme.com",
        email_domain: "acme.com",
        is_external: false,
        matched_speaker_display_name: "Alice Johnson",
      },
      {
        name: "Bob Lee",
        email: "Bob.Lee@Client.com",
        email_domain: "client.com",
        is_external: true,
        matched_speaker_display_name: "Bob Lee",
      },
    ],
    recorded_by: {
      name: "Alice Johnson",
      email: "alice.johnson@acme.com",
      email_domain: "acme.com",
      team: "Customer Success",
    },
    transcript: [
      {
        speaker: { display_name: "Alice Johnson", matched_calendar_invitee_email: "alice.johnson@acme.com" },
        text: "Let's revisit the budget allocations.",
        timestamp: "00:05:32",
      },
      {
        speaker: { display_name: "Bob Lee", matched_calendar_invitee_email: "bob.lee@client.com" },
        text: "I agree, we need to adjust our projections.",
        timestamp: "00:05:40",
      },
    ],
    default_summary: {
      template_name: "general",
      markdown_formatted:
        "## Summary\nWe reviewed Q1 OKRs, identified budget risks, and agreed to revisit projections next month.\n",
    },
    action_items: [
      {
        description: "Email revised proposal to client",
        user_generated: false,
        completed: false,
        recording_timestamp: "00:10:45",
        recording_playback_url: "https://fathom.video/xyz123#t=645",
        assignee: { name: "Alice Johnson", email: "alice.johnson@acme.com", team: "Customer Success" },
      },
    ],
    crm_matches: {
      contacts: [{ name: "Bob Lee", email: "bob.lee@client.com", record_url: "https://app.hubspot.com/contacts/123" }],
      companies: [{ name: "Client Inc", record_url: "https://app.hubspot.com/companies/456" }],
      deals: [{ name: "Q1 Renewal", amount: 50000, record_url: "https://app.hubspot.com/deals/789" }],
      error: null,
    },
  };
}

/** A `GET /meetings` item with every include_* left false (Fathom sends them as null). */
export function fullListMeeting(): FathomApiMeeting {
  return {
    ...fullWebhookMeeting(),
    calendar_invitees: fullWebhookMeeting().calendar_invitees.map(
      ({ matched_speaker_display_name: _omitted, ...invitee }) => invitee,
    ),
    transcript: null,
    default_summary: null,
    action_items: null,
    crm_matches: null,
  };
}

/** An internal-only meeting: no external invitees, no accounts. */
export function internalMeeting(): FathomApiMeeting {
  return {
    ...fullListMeeting(),
    recording_id: 987654321,
    title: "Weekly pipeline sync",
    meeting_title: null,
    calendar_invitees_domains_type: "only_internal",
    calendar_invitees: [
      { name: "Alice Johnson", email: "alice.johnson@acme.com", email_domain: "acme.com", is_external: false },
      { name: "Carol Diaz", email: "carol.diaz@acme.com", email_domain: "acme.com", is_external: false },
    ],
  };
}
