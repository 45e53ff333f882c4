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
  type SchemaIssue,
} from "@gtm-clarity/core";
import {
  MeetingSchema,
  type CalendarInviteesDomainsType,
  type FathomActionItem,
  type FathomCrmMatches,
  type FathomInvitee,
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

/**
 * Parses an untrusted meeting (a page item or a webhook body) and transforms it; a malformed one is quarantined.
 *
 * A meeting quarantined without a `recording_id` is keyed by its Fathom URL (`url:<url>`), and the reason names that
 * URL: it is what a person reading quarantine can open to find the meeting, and it keeps two such meetings apart.
 */
export function transformRawMeeting(raw: unknown): MeetingTransformResult {
  const { records, documents, quarantined } = transformMeetingsPage([raw]);
  return { records, documents, quarantined };
}

/** Prefix of the quarantine key of a meeting that has no `recording_id` but has a URL. */
export const MEETING_URL_KEY_PREFIX = "url:";

function quarantineMeeting(raw: unknown, issues: SchemaIssue[]): QuarantinedRecord {
  const recordingId = rawRecordingId(raw);
  const url = rawMeetingUrl(raw);
  const reasons =
    recordingId === undefined
      ? issues.map((issue) =>
          issue.path === "recording_id"
            ? {
                path: issue.path,
                message: url
                  ? `recording_id is missing, so the meeting has no stable id; it is the Fathom meeting at ${url}`
                  : "recording_id is missing, so the meeting has no stable id (and no url or share_url to find it by)",
              }
            : issue,
        )
      : issues;
  const externalId = recordingId ?? (url === undefined ? undefined : `${MEETING_URL_KEY_PREFIX}${url}`);
  return { ...(externalId === undefined ? {} : { externalId }), raw, reasons };
}

export interface PageTransformResult extends MeetingTransformResult {
  /** `created_at` of every meeting that parsed (what moves the watermark); malformed ones move nothing. */
  createdAt: string[];
}

/**
 * A page of untrusted meetings, each parsed once: records once per (kind, externalId), in first-seen order (a page of
 * ten meetings names the same people many times, and each is validated only the first time it is accepted).
 */
export function transformMeetingsPage(items: readonly unknown[]): PageTransformResult {
  const out: PageTransformResult = { records: [], documents: [], quarantined: [], createdAt: [] };
  const seen = new Set<string>();
  for (const raw of items) {
    const parsed = MeetingSchema.safeParse(raw);
    if (!parsed.success) {
      out.quarantined.push(quarantineMeeting(raw, toSchemaIssues(parsed.error.issues)));
      continue;
    }
    if (parsed.data.created_at) out.createdAt.push(parsed.data.created_at);
    transformInto(parsed.data, out, seen);
  }
  out.records = dedupeRecords(out.records);
  return out;
}

/** Adds a meeting's records to `out`, skipping people and accounts already accepted (their keys are in `seen`). */
function transformInto(meeting: FathomMeeting, out: MeetingTransformResult, seen: Set<string>): void {
  const activityId = meetingExternalId(meeting);

  const accepted = (input: Record<string, unknown>, raw: unknown): boolean => {
    const key = `${String(input["kind"])}:${String(input["externalId"])}`;
    if (input["kind"] !== "activity" && seen.has(key)) return true;
    const result = validateCanonicalRecord(input);
    if (result.ok) {
      seen.add(key);
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
    return;
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
}

// ---- activity ---------------------------------------------------------------------------------------------------

function buildActivity(
  meeting: FathomMeeting,
  activityId: string,
  people: readonly MeetingPerson[],
  externalDomains: readonly string[],
): Record<string, unknown> {
  const scope = meetingScope(meeting, people);
  const internal = scope.type === "only_internal";
  const recorder = recorderOf(meeting);
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
    subject: nonBlank(meeting.title) ?? nonBlank(meeting.meeting_title),
    // The canonical direction has no "external": an external meeting leaves it unset and says so in properties.
    direction: internal ? "internal" : undefined,
    personExternalId: recorder.email,
    // Only an unambiguous account: a meeting with one external company belongs to that company.
    accountExternalId: externalDomains.length === 1 ? externalDomains[0] : undefined,
    remoteCreatedAt: meeting.created_at ?? undefined,
    properties: compact({
      source: FATHOM_SOURCE,
      recordingId: meeting.recording_id,
      title: meeting.title ?? undefined,
      meetingTitle: meeting.meeting_title ?? undefined,
      url: meeting.url ?? undefined,
      shareUrl: meeting.share_url ?? undefined,
      scheduledStartTime: meeting.scheduled_start_time ?? undefined,
      scheduledEndTime: meeting.scheduled_end_time ?? undefined,
      recordingStartTime: meeting.recording_start_time ?? undefined,
      recordingEndTime: meeting.recording_end_time ?? undefined,
      transcriptLanguage: meeting.transcript_language ?? undefined,
      calendarInviteesDomainsType: scope.type,
      meetingScope: scope.type === undefined ? undefined : internal ? "internal" : "external",
      recordedBy: meeting.recorded_by
        ? compact({
            name: nonBlank(meeting.recorded_by.name),
            email: recorder.email,
            emailDomain: recorder.domain,
            team: meeting.recorded_by.team ?? undefined,
          })
        : undefined,
      inviteeEmails: people.filter((person) => person.invited).map((person) => person.email),
      inviteesWithoutEmail: invitees(meeting).filter((invitee) => !invitee.email?.trim()).length,
      externalDomains: [...externalDomains],
      // `null` means "not requested" (include_action_items=false): the key is left out rather than set to [].
      actionItems: meeting.action_items ? meeting.action_items.map(actionItemProperties) : undefined,
      crmMatches: meeting.crm_matches ? crmMatchesProperties(meeting.crm_matches) : undefined,
      hasTranscript: transcriptIncluded && (meeting.transcript?.length ?? 0) > 0,
      hasSummary: summaryText.trim() !== "",
      summaryTemplateName: meeting.default_summary?.template_name ?? undefined,
      // Values Fathom left out and the transform worked out, so nobody mistakes them for Fathom's own.
      derived: derivedFields(recorder, scope, people),
    }),
  });
}

/** `calendar_invitees_domains_type` as sent, else worked out from the invitees' external flags. */
interface MeetingScope {
  type: CalendarInviteesDomainsType | undefined;
  derived: boolean;
}

function meetingScope(meeting: FathomMeeting, people: readonly MeetingPerson[]): MeetingScope {
  if (meeting.calendar_invitees_domains_type) return { type: meeting.calendar_invitees_domains_type, derived: false };
  // Every invitee counts, those without an email too: Fathom's flag if it sent one, else the one worked out above.
  const flagOf = (invitee: FathomInvitee): boolean | undefined => {
    if (typeof invitee.is_external === "boolean") return invitee.is_external;
    const email = invitee.email ? normalizeEmail(invitee.email) : "";
    return email === "" ? undefined : people.find((person) => person.email === email)?.isExternal;
  };
  const external = invitees(meeting).map(flagOf);
  if (external.some((flag) => flag === true)) return { type: "one_or_more_external", derived: true };
  // Internal only when every invitee is known to be internal (no invitees at all: nobody from outside was there).
  if (external.every((flag) => flag === false)) return { type: "only_internal", derived: true };
  return { type: undefined, derived: false };
}

interface Recorder {
  email: string | undefined;
  /** `recorded_by.email_domain`, else the domain of the recorder's email. */
  domain: string | undefined;
  domainDerived: boolean;
}

function recorderOf(meeting: FathomMeeting): Recorder {
  const email = nonBlank(meeting.recorded_by?.email);
  const normalized = email === undefined ? undefined : normalizeEmail(email);
  const given = nonBlank(meeting.recorded_by?.email_domain);
  if (given !== undefined) return { email: normalized, domain: normalizeDomain(given), domainDerived: false };
  const domain = normalized === undefined ? undefined : domainOfEmail(normalized);
  return { email: normalized, domain, domainDerived: domain !== undefined };
}

function derivedFields(
  recorder: Recorder,
  scope: MeetingScope,
  people: readonly MeetingPerson[],
): string[] | undefined {
  const derived = [
    ...(scope.derived ? ["calendar_invitees_domains_type"] : []),
    ...(recorder.domainDerived ? ["recorded_by.email_domain"] : []),
    ...(people.some((person) => person.externalDerived) ? ["calendar_invitees.is_external"] : []),
  ];
  return derived.length > 0 ? derived : undefined;
}

function actionItemProperties(item: FathomActionItem): Record<string, unknown> {
  return compact({
    description: item.description ?? undefined,
    completed: item.completed ?? undefined,
    userGenerated: item.user_generated ?? undefined,
    recordingTimestamp: item.recording_timestamp ?? undefined,
    recordingPlaybackUrl: item.recording_playback_url ?? undefined,
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
  /** Undefined when neither Fathom nor the recorder's domain says. */
  isExternal: boolean | undefined;
  /** Whether `isExternal` was worked out from the domains rather than sent by Fathom. */
  externalDerived: boolean;
  /** The normalised domain of an external person: the externalId of their account. */
  accountDomain: string | undefined;
  /** Whether the person is on the calendar invite (the recorder may not be). */
  invited: boolean;
  raw: unknown;
}

function invitees(meeting: FathomMeeting): FathomInvitee[] {
  return meeting.calendar_invitees ?? [];
}

/**
 * Invitees plus the recorder, one entry per normalised email, in invite order. An invitee without `is_external` is
 * external when its domain differs from the recorder's (the recorder is a user of the tenant's own Fathom account).
 */
function collectPeople(meeting: FathomMeeting): MeetingPerson[] {
  const recorder = recorderOf(meeting);
  const byEmail = new Map<string, MeetingPerson>();
  for (const invitee of invitees(meeting)) {
    const email = invitee.email ? normalizeEmail(invitee.email) : "";
    if (email === "") continue; // an invitee without an email has no key to be stored under
    const domainSource = nonBlank(invitee.email_domain);
    const domain = domainSource ? normalizeDomain(domainSource) : domainOfEmail(email);
    const given = invitee.is_external ?? undefined;
    const derived = given === undefined && domain !== undefined && recorder.domain !== undefined ? domain !== recorder.domain : undefined;
    const existing = byEmail.get(email);
    const isExternal = anyExternal(existing?.isExternal, given ?? derived);
    byEmail.set(email, {
      email,
      name: existing?.name ?? nonBlank(invitee.name),
      isExternal,
      externalDerived: (existing?.externalDerived ?? false) || derived !== undefined,
      accountDomain: isExternal === true ? (existing?.accountDomain ?? domain) : undefined,
      invited: true,
      raw: invitee,
    });
  }
  if (recorder.email !== undefined) {
    const invited = byEmail.get(recorder.email);
    byEmail.set(recorder.email, {
      email: recorder.email,
      name: nonBlank(meeting.recorded_by?.name) ?? invited?.name,
      // The recorder is a Fathom user of the account: internal, whatever the invite says.
      isExternal: false,
      externalDerived: false,
      accountDomain: undefined,
      invited: invited !== undefined,
      raw: meeting.recorded_by,
    });
  }
  return [...byEmail.values()];
}

/** The same person listed twice: external if either entry says so, unknown only if both are unknown. */
function anyExternal(a: boolean | undefined, b: boolean | undefined): boolean | undefined {
  if (a === true || b === true) return true;
  if (a === false || b === false) return false;
  return undefined;
}

// ---- documents ----------------------------------------------------------------------------------------------------

/**
 * `[00:05:32] Jane Doe: Let's revisit the budget.` one line per transcript item. A missing timestamp drops the
 * brackets; a missing speaker reads "Unknown speaker".
 */
export function transcriptToText(items: readonly FathomTranscriptItem[]): string {
  return items
    .map((item) => {
      const timestamp = nonBlank(item.timestamp);
      const speaker = nonBlank(item.speaker?.display_name) ?? "Unknown speaker";
      return `${timestamp === undefined ? "" : `[${timestamp}] `}${speaker}: ${item.text ?? ""}`;
    })
    .join("\n");
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
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const inner = value[key];
    if (inner !== undefined) out[key] = inner;
  }
  return out as T;
}

function rawField(raw: unknown, name: string): unknown {
  return raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>)[name] : undefined;
}

function rawRecordingId(raw: unknown): string | undefined {
  const id = rawField(raw, "recording_id");
  return typeof id === "number" || (typeof id === "string" && id.trim() !== "") ? String(id).trim() : undefined;
}

/** `url`, else `share_url`, of an unparsed meeting: where a person can find it in Fathom. */
function rawMeetingUrl(raw: unknown): string | undefined {
  for (const name of ["url", "share_url"]) {
    const value = rawField(raw, name);
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
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
