/**
 * Pure transforms: one Fathom Meeting becomes one `CanonicalActivity`, a `CanonicalPerson` per invitee (and the
 * recorder), a `CanonicalAccount` per external invitee domain, and documents for the transcript and the summary.
 *
 * Dual storage: transcripts and summaries never go inside the activity. They leave as `ConnectorDocument`s linked
 * by the activity's externalId, and the activity only says whether they exist.
 *
 * Every record is validated (and normalised) by core's canonical schema before it leaves; a record that fails is
 * quarantined with its reasons, never dropped. No I/O, no clock, no randomness: the same meeting always gives the
 * same output.
 */
import {
  contentHash,
  domainOfEmail,
  normalizeDomain,
  normalizeEmail,
  toSchemaIssues,
  validateCanonicalRecord,
  type CanonicalRecord,
  type ConnectorDocument,
  type QuarantinedRecord,
} from "@gtm-clarity/core";
import {
  MeetingSchema,
  type FathomActionItem,
  type FathomCrmMatches,
  type FathomMeeting,
  type FathomTranscriptItem,
} from "../api-schema.js";

export const FATHOM_SOURCE = "fathom";

export interface MeetingTransformResult {
  records: CanonicalRecord[];
  documents: ConnectorDocument[];
  quarantined: QuarantinedRecord[];
}

/** The activity's externalId: Fathom's `recording_id`, the only stable id a meeting has. */
export function meetingExternalId(meeting: Pick<FathomMeeting, "recording_id">): string {
  return String(meeting.recording_id);
}

/** Parses an untrusted meeting (a page item or a webhook body) and transforms it; a malformed one is quarantined. */
export function transformRawMeeting(raw: unknown): MeetingTransformResult {
  const parsed = MeetingSchema.safeParse(raw);
  if (!parsed.success) {
    const externalId = rawRecordingId(raw);
    return {
      records: [],
      documents: [],
      quarantined: [
        {
          ...(externalId === undefined ? {} : { externalId }),
          raw,
          reasons: toSchemaIssues(parsed.error.issues),
        },
      ],
    };
  }
  return transformMeeting(parsed.data);
}

/** Transforms a meeting that already passed `MeetingSchema`. */
export function transformMeeting(meeting: FathomMeeting): MeetingTransformResult {
  const out: MeetingTransformResult = { records: [], documents: [], quarantined: [] };
  const activityId = meetingExternalId(meeting);

  const accepted = (input: Record<string, unknown>, raw: unknown): boolean => {
    const result = validateCanonicalRecord(input);
    if (result.ok) {
      out.records.push(result.record);
      return true;
    }
    const externalId = typeof input["externalId"] === "string" ? input["externalId"] : undefined;
    out.quarantined.push({ ...(externalId === undefined ? {} : { externalId }), raw, reasons: result.reasons });
    return false;
  };

  const people = collectPeople(meeting);
  const externalDomains = [...new Set(people.flatMap((person) => (person.accountDomain ? [person.accountDomain] : [])))];

  const activity = buildActivity(meeting, activityId, people, externalDomains);
  if (!accepted(activity, meeting)) {
    // Without its activity a meeting's documents would point at nothing: quarantine the whole meeting.
    return out;
  }
  for (const domain of externalDomains) {
    const firstSeenIn = people.find((person) => person.accountDomain === domain)?.raw;
    accepted({ kind: "account", externalId: domain, domain, properties: { source: FATHOM_SOURCE } }, firstSeenIn);
  }
  for (const person of people) {
    accepted(
      compact({
        kind: "person",
        externalId: person.email,
        email: person.email,
        fullName: person.name,
        isExternal: person.isExternal,
        accountExternalId: person.accountDomain,
        // Only what is true of the person in every meeting: the same person must hash the same from any meeting.
        properties: { source: FATHOM_SOURCE },
      }),
      person.raw,
    );
  }
  out.documents.push(...buildDocuments(meeting, activityId));
  return out;
}

// ---- activity ---------------------------------------------------------------------------------------------------

function buildActivity(
  meeting: FathomMeeting,
  activityId: string,
  people: readonly MeetingPerson[],
  externalDomains: readonly string[],
): Record<string, unknown> {
  const internal = meeting.calendar_invitees_domains_type === "only_internal";
  const recorderEmail = normalizeEmail(meeting.recorded_by.email);
  const transcriptIncluded = meeting.transcript !== null && meeting.transcript !== undefined;
  const summaryText = meeting.default_summary?.markdown_formatted ?? "";

  return compact({
    kind: "activity",
    externalId: activityId,
    type: "meeting",
    channel: "video",
    occurredAt: meeting.recording_start_time ?? meeting.scheduled_start_time,
    durationSeconds:
      secondsBetween(meeting.recording_start_time, meeting.recording_end_time) ??
      secondsBetween(meeting.scheduled_start_time, meeting.scheduled_end_time),
    subject: meeting.title,
    // The canonical direction has no "external": an external meeting leaves it unset and says so in properties.
    direction: internal ? "internal" : undefined,
    personExternalId: recorderEmail === "" ? undefined : recorderEmail,
    // Only an unambiguous account: a meeting with one external company belongs to that company.
    accountExternalId: externalDomains.length === 1 ? externalDomains[0] : undefined,
    remoteCreatedAt: meeting.created_at,
    properties: compact({
      source: FATHOM_SOURCE,
      recordingId: meeting.recording_id,
      title: meeting.title,
      meetingTitle: meeting.meeting_title ?? undefined,
      url: meeting.url,
      shareUrl: meeting.share_url,
      scheduledStartTime: meeting.scheduled_start_time ?? undefined,
      scheduledEndTime: meeting.scheduled_end_time ?? undefined,
      recordingStartTime: meeting.recording_start_time ?? undefined,
      recordingEndTime: meeting.recording_end_time ?? undefined,
      transcriptLanguage: meeting.transcript_language ?? undefined,
      calendarInviteesDomainsType: meeting.calendar_invitees_domains_type,
      meetingScope: internal ? "internal" : "external",
      recordedBy: compact({
        name: meeting.recorded_by.name,
        email: recorderEmail,
        emailDomain: meeting.recorded_by.email_domain,
        team: meeting.recorded_by.team ?? undefined,
      }),
      inviteeEmails: people.filter((person) => person.invited).map((person) => person.email),
      inviteesWithoutEmail: meeting.calendar_invitees.filter((invitee) => !invitee.email?.trim()).length,
      externalDomains: [...externalDomains],
      // `null` means "not requested" (include_action_items=false): the key is left out rather than set to [].
      actionItems: meeting.action_items ? meeting.action_items.map(actionItemProperties) : undefined,
      crmMatches: meeting.crm_matches ? crmMatchesProperties(meeting.crm_matches) : undefined,
      hasTranscript: transcriptIncluded && (meeting.transcript?.length ?? 0) > 0,
      hasSummary: summaryText.trim() !== "",
      summaryTemplateName: meeting.default_summary?.template_name ?? undefined,
    }),
  });
}

function actionItemProperties(item: FathomActionItem): Record<string, unknown> {
  return compact({
    description: item.description,
    completed: item.completed,
    userGenerated: item.user_generated,
    recordingTimestamp: item.recording_timestamp,
    recordingPlaybackUrl: item.recording_playback_url,
    assignee: item.assignee
      ? compact({
          name: item.assignee.name ?? undefined,
          email: item.assignee.email ? normalizeEmail(item.assignee.email) : undefined,
          team: item.assignee.team ?? undefined,
        })
      : undefined,
  });
}

function crmMatchesProperties(matches: FathomCrmMatches): Record<string, unknown> {
  return compact({
    contacts: matches.contacts?.map((contact) =>
      compact({
        name: contact.name ?? undefined,
        email: contact.email ? normalizeEmail(contact.email) : undefined,
        recordUrl: contact.record_url ?? undefined,
      }),
    ),
    companies: matches.companies?.map((company) =>
      compact({ name: company.name ?? undefined, recordUrl: company.record_url ?? undefined }),
    ),
    deals: matches.deals?.map((deal) =>
      compact({ name: deal.name ?? undefined, amount: deal.amount ?? undefined, recordUrl: deal.record_url ?? undefined }),
    ),
    error: matches.error ?? undefined,
  });
}

function secondsBetween(start: string | null | undefined, end: string | null | undefined): number | undefined {
  if (!start || !end) return undefined;
  const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds) : undefined;
}

// ---- people and accounts ------------------------------------------------------------------------------------------

interface MeetingPerson {
  email: string;
  name: string | undefined;
  isExternal: boolean;
  /** The normalised domain of an external person: the externalId of their account. */
  accountDomain: string | undefined;
  /** Whether the person is on the calendar invite (the recorder may not be). */
  invited: boolean;
  raw: unknown;
}

/** Invitees plus the recorder, one entry per normalised email, in invite order. */
function collectPeople(meeting: FathomMeeting): MeetingPerson[] {
  const byEmail = new Map<string, MeetingPerson>();
  for (const invitee of meeting.calendar_invitees) {
    const email = invitee.email ? normalizeEmail(invitee.email) : "";
    if (email === "") continue; // an invitee without an email has no key to be stored under
    const domainSource = invitee.email_domain?.trim() ? invitee.email_domain : undefined;
    const domain = domainSource ? normalizeDomain(domainSource) : domainOfEmail(email);
    const existing = byEmail.get(email);
    const isExternal = (existing?.isExternal ?? false) || invitee.is_external;
    byEmail.set(email, {
      email,
      name: existing?.name ?? nonBlank(invitee.name),
      isExternal,
      accountDomain: isExternal ? (existing?.accountDomain ?? domain) : undefined,
      invited: true,
      raw: invitee,
    });
  }
  const recorderEmail = normalizeEmail(meeting.recorded_by.email);
  if (recorderEmail !== "") {
    const invited = byEmail.get(recorderEmail);
    byEmail.set(recorderEmail, {
      email: recorderEmail,
      name: nonBlank(meeting.recorded_by.name) ?? invited?.name,
      // The recorder is a Fathom user of the account: internal, whatever the invite says.
      isExternal: false,
      accountDomain: undefined,
      invited: invited !== undefined,
      raw: meeting.recorded_by,
    });
  }
  return [...byEmail.values()];
}

// ---- documents ----------------------------------------------------------------------------------------------------

/** `[00:05:32] Jane Doe: Let's revisit the budget.` one line per transcript item. */
export function transcriptToText(items: readonly FathomTranscriptItem[]): string {
  return items.map((item) => `[${item.timestamp}] ${item.speaker.display_name}: ${item.text}`).join("\n");
}

function buildDocuments(meeting: FathomMeeting, activityId: string): ConnectorDocument[] {
  const documents: ConnectorDocument[] = [];
  if (meeting.transcript && meeting.transcript.length > 0) {
    documents.push(makeDocument(activityId, "transcript", transcriptToText(meeting.transcript), "text/plain"));
  }
  const summary = meeting.default_summary?.markdown_formatted;
  if (summary && summary.trim() !== "") {
    documents.push(makeDocument(activityId, "summary", summary, "text/markdown"));
  }
  return documents;
}

function makeDocument(activityId: string, type: string, text: string, mediaType: string): ConnectorDocument {
  return {
    externalId: `${activityId}:${type}`,
    activityExternalId: activityId,
    type,
    text,
    byteSize: Buffer.byteLength(text, "utf8"),
    contentHash: contentHash(text),
    mediaType,
  };
}

// ---- helpers ------------------------------------------------------------------------------------------------------

function nonBlank(value: string | null | undefined): string | undefined {
  return value && value.trim() !== "" ? value.trim() : undefined;
}

/** Drops undefined values so records and properties stay plain, JSON-stable objects. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

function rawRecordingId(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const id = (raw as Record<string, unknown>)["recording_id"];
  return typeof id === "number" || (typeof id === "string" && id.trim() !== "") ? String(id) : undefined;
}

/** Keeps the first record per (kind, externalId): a page with ten meetings names the same people many times. */
export function dedupeRecords(records: readonly CanonicalRecord[]): CanonicalRecord[] {
  const seen = new Set<string>();
  const out: CanonicalRecord[] = [];
  for (const record of records) {
    const key = `${record.kind}:${record.externalId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(record);
  }
  return out;
}
