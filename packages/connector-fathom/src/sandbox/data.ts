/**
 * Deterministic, seeded Fathom meetings for the sandbox. Meeting `i` (0 = oldest) depends only on the seed and `i`,
 * so a data set of 5,000 starts with the same 50 meetings as a data set of 50.
 *
 * Every generated meeting carries everything (transcript, summary, action items, CRM matches); the server blanks
 * what the request's `include_*` flags did not ask for, as Fathom does.
 */
import { isoSeconds as iso, SeededRandom } from "@gtm-clarity/testkit/sandbox";
import type { FathomApiMeeting } from "../api-schema.js";

export const SANDBOX_INTERNAL_DOMAIN = "acme.example";
/** The oldest generated meeting is scheduled at this instant; later ones follow every 75 minutes. */
export const SANDBOX_EPOCH = Date.parse("2025-01-06T09:00:00Z");
export const SANDBOX_SPACING_MS = 75 * 60_000;
export const SANDBOX_FIRST_RECORDING_ID = 100_000_000;

interface SandboxPerson {
  name: string;
  email: string;
  domain: string;
}

const TEAMS = ["Sales", "Customer Success", "Solutions"] as const;

const INTERNAL_PEOPLE: readonly SandboxPerson[] = [
  "Alice Moreno",
  "Ben Okafor",
  "Chloe Tanaka",
  "Dev Patel",
  "Elena Rossi",
  "Felix Wagner",
].map((name) => personAt(name, SANDBOX_INTERNAL_DOMAIN));

const EXTERNAL_COMPANIES = [
  "globex.example",
  "initech.example",
  "umbrella.example",
  "hooli.example",
  "vandelay.example",
  "soylent.example",
  "tyrell.example",
  "cyberdyne.example",
  "wonka.example",
  "stark.example",
  "wayne.example",
  "oscorp.example",
] as const;

const FIRST_NAMES = ["Jane", "John", "Priya", "Marco", "Sofia", "Liam", "Aiko", "Omar", "Greta", "Noah"] as const;
const LAST_NAMES = ["Doe", "Smith", "Iyer", "Bianchi", "Lopez", "Byrne", "Sato", "Haddad", "Berg", "Kim"] as const;
const TOPICS = ["Discovery call", "Product demo", "Quarterly business review", "Pricing discussion", "Onboarding", "Renewal check-in", "Security review", "Pipeline review"] as const;
const LINES = [
  "Thanks everyone for joining today.",
  "Let's revisit the budget allocations.",
  "Can you walk us through the integration timeline?",
  "We need to adjust our projections for next quarter.",
  "Security sign-off is the main blocker on our side.",
  "I'll send the revised proposal after this call.",
  "How does pricing scale with the number of seats?",
  "Our team is happy with the pilot so far.",
  "Let's schedule a follow-up for next week.",
  "Could we get a reference customer in our industry?",
] as const;
const ACTIONS = [
  "Email revised proposal to client",
  "Share the security questionnaire",
  "Book a technical deep-dive",
  "Send pricing for 250 seats",
  "Loop in the legal team",
] as const;

function personAt(name: string, domain: string): SandboxPerson {
  return { name, email: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@${domain}`, domain };
}

/** A person's team never changes between meetings. */
function teamOf(person: SandboxPerson): string {
  return TEAMS[INTERNAL_PEOPLE.indexOf(person) % TEAMS.length] ?? "Sales";
}

function hms(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.floor(totalSeconds % 60);
  return [h, m, s].map((part) => String(part).padStart(2, "0")).join(":");
}

/** Meeting number `sequence` (0 = oldest) of the data set seeded with `seed`. */
export function generateMeeting(seed: number, sequence: number): FathomApiMeeting {
  const random = SeededRandom.forItem(seed, sequence);
  const recordingId = SANDBOX_FIRST_RECORDING_ID + sequence;
  const recorder = random.pick(INTERNAL_PEOPLE);
  const team = teamOf(recorder);

  const internal = new Map<string, SandboxPerson>([[recorder.email, recorder]]);
  const colleagues = random.int(0, 2);
  for (let n = 0; n < colleagues; n += 1) {
    const colleague = random.pick(INTERNAL_PEOPLE);
    internal.set(colleague.email, colleague);
  }
  const external: SandboxPerson[] = [];
  if (random.bool(0.7)) {
    const companies = random.bool(0.8) ? 1 : 2;
    for (let c = 0; c < companies; c += 1) {
      const domain = random.pick(EXTERNAL_COMPANIES);
      const people = random.int(1, 3);
      for (let p = 0; p < people; p += 1) {
        const person = personAt(`${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`, domain);
        if (!external.some((known) => known.email === person.email)) external.push(person);
      }
    }
  }

  const scheduledStart = SANDBOX_EPOCH + sequence * SANDBOX_SPACING_MS;
  const scheduledMinutes = random.pick([15, 30, 45, 60] as const);
  const recordingStart = scheduledStart + random.int(0, 179) * 1000;
  const recordedSeconds = Math.max(60, scheduledMinutes * 60 + Math.floor((random.next() - 0.5) * 600));
  const recordingEnd = recordingStart + recordedSeconds * 1000;
  const createdAt = recordingEnd + random.int(30, 119) * 1000;

  const topic = random.pick(TOPICS);
  const company = external[0]?.domain.split(".")[0];
  const title = company ? `${topic} with ${company[0]?.toUpperCase() ?? ""}${company.slice(1)}` : `${topic} (internal)`;
  const speakers = [...internal.values(), ...external];
  const inviteeNoEmail = random.bool(0.05);

  const transcript = Array.from({ length: random.int(4, 8) }, (_, line) => {
    const speaker = random.pick(speakers);
    return {
      speaker: { display_name: speaker.name, matched_calendar_invitee_email: speaker.email },
      text: random.pick(LINES),
      timestamp: hms(line * 37 + random.int(0, 29)),
    };
  });
  const actionItems = Array.from({ length: random.int(0, 2) }, () => {
    const at = random.int(0, recordedSeconds - 1);
    const assignee = random.pick(speakers);
    return {
      description: random.pick(ACTIONS),
      user_generated: random.bool(0.2),
      completed: random.bool(0.3),
      recording_timestamp: hms(at),
      recording_playback_url: `https://fathom.video/calls/${recordingId}?timestamp=${at}`,
      assignee: { name: assignee.name, email: assignee.email, team: internal.has(assignee.email) ? teamOf(assignee) : null },
    };
  });

  return {
    title,
    meeting_title: random.bool(0.9) ? `${topic}: ${company ?? "team"}` : null,
    recording_id: recordingId,
    url: `https://fathom.video/calls/${recordingId}`,
    share_url: `https://fathom.video/share/${recordingId.toString(36)}${random.int(0, 999_999_999).toString(36)}`,
    created_at: iso(createdAt),
    scheduled_start_time: iso(scheduledStart),
    scheduled_end_time: iso(scheduledStart + scheduledMinutes * 60_000),
    recording_start_time: iso(recordingStart),
    recording_end_time: iso(recordingEnd),
    calendar_invitees_domains_type: external.length > 0 ? "one_or_more_external" : "only_internal",
    transcript_language: "en",
    calendar_invitees: [
      ...[...internal.values()].map((person) => ({
        name: person.name,
        email: person.email,
        email_domain: person.domain,
        is_external: false,
        matched_speaker_display_name: person.name,
      })),
      ...external.map((person) => ({
        name: person.name,
        email: person.email,
        email_domain: person.domain,
        is_external: true,
        matched_speaker_display_name: person.name,
      })),
      ...(inviteeNoEmail ? [{ name: "Conference Room 4", email: null, email_domain: null, is_external: false }] : []),
    ],
    recorded_by: { name: recorder.name, email: recorder.email, email_domain: recorder.domain, team },
    transcript,
    default_summary: {
      template_name: "general",
      markdown_formatted: `## Summary\n${topic} with ${speakers.length} participants.\n\n## Next steps\n${
        actionItems.map((item) => `- ${item.description}`).join("\n") || "- None"
      }\n`,
    },
    action_items: actionItems,
    crm_matches:
      external.length > 0
        ? {
            contacts: external.map((person) => ({
              name: person.name,
              email: person.email,
              record_url: `https://crm.example/contacts/${encodeURIComponent(person.email)}`,
            })),
            companies: [...new Set(external.map((person) => person.domain))].map((domain) => ({
              name: domain.split(".")[0] ?? domain,
              record_url: `https://crm.example/companies/${domain}`,
            })),
            deals: [],
            error: null,
          }
        : { contacts: [], companies: [], deals: [], error: null },
  };
}

/** Meetings `first .. first+count-1` of the seeded data set (oldest first). */
export function generateMeetings(count: number, seed = 1, first = 0): FathomApiMeeting[] {
  return Array.from({ length: count }, (_, offset) => generateMeeting(seed, first + offset));
}

/** A meeting the connector must quarantine: valid JSON, wrong shape (kept recognisable by its recording_id). */
export function malformMeeting(meeting: FathomApiMeeting): Record<string, unknown> {
  return { ...meeting, created_at: "last tuesday", calendar_invitees: "see calendar" };
}
