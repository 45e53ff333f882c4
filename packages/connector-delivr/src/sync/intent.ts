/**
 * Intent: Delivr audiences (built from intent topics) and their members. An audience whose build completed since
 * the last run is read member by member (offset paging, like events); each member row becomes one `intent_signal`
 * activity per topic, on the member's account (and person, when Delivr identified one), with the topic's name from
 * the taxonomy endpoint and the strength Delivr gave. Delivr documents the audience statuses and the taxonomy's shape
 * but not a member row: see the README for the names this reads.
 */
import { createHash } from "node:crypto";
import { nextPosition, SchemaError, type HttpClient } from "@gtm-clarity/core";
import { z } from "zod";
import { DelivrAudiencesPageSchema, DelivrEventsPageSchema, DelivrTaxonomySchema, DelivrTopicSchema } from "../api-schema.js";
import type { AudienceRef } from "../cursor.js";
import { accountExternalId, personExternalId } from "../events/identity.js";
import { readVisitorEvent } from "../events/visitor.js";
import { isRecord, readEpochMs, readText } from "../events/values.js";
import { eventsPaging } from "./events.js";
import { accountRecord, personRecord, type TransformOutput } from "./transform.js";
import { validateCanonicalRecord } from "@gtm-clarity/core";

export interface Topic {
  name: string | null;
  category: string | null;
  subcategory: string | null;
}

function first(row: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    const value = row[name];
    if (value !== null && value !== undefined && value !== "") return value;
  }
  return undefined;
}

/** Topic id -> topic; rows that are not topics are skipped (the taxonomy only names things). */
export async function fetchTaxonomy(client: HttpClient, signal?: AbortSignal): Promise<Map<string, Topic>> {
  const body = await client.getJson("/taxonomy/topics", DelivrTaxonomySchema, signal === undefined ? {} : { signal });
  const topics = new Map<string, Topic>();
  for (const raw of body.response.topics) {
    const topic = DelivrTopicSchema.safeParse(raw);
    if (!topic.success) continue;
    const { topic_id, name, category_name, subcategory_name } = topic.data;
    topics.set(topic_id, { name: name ?? null, category: category_name ?? null, subcategory: subcategory_name ?? null });
  }
  return topics;
}

const idValue = z.union([z.string().min(1), z.number()]).transform(String);

/** Audiences per request when listing; the list is paged like events (`offset` + `limit`). */
const AUDIENCE_PAGE = 100;
/** A bound on the listing: 10,000 audiences per project is far beyond any account Delivr describes. */
const MAX_AUDIENCE_PAGES = 100;

/** The most audiences one run reads (the cursor holds them); a run that finds more ends at the last one it read. */
export const MAX_AUDIENCES_PER_RUN = 1000;

/** Completed audiences updated at or after `sinceMs` (all when null), oldest first, at most MAX_AUDIENCES_PER_RUN. */
export async function listAudiences(
  client: HttpClient,
  projectId: string | undefined,
  sinceMs: number | null,
  signal?: AbortSignal,
): Promise<{ audiences: AudienceRef[]; truncated: boolean }> {
  const rows: unknown[] = [];
  for (let offset = 0, pages = 0; ; pages += 1) {
    if (pages >= MAX_AUDIENCE_PAGES) {
      throw new SchemaError(`Delivr.ai listed more than ${MAX_AUDIENCE_PAGES * AUDIENCE_PAGE} audiences`, [
        { path: "offset", message: "the audience list does not end" },
      ]);
    }
    const page = await client.getJson("/api/v1/audiences", DelivrAudiencesPageSchema, {
      searchParams: { offset, limit: AUDIENCE_PAGE, ...(projectId === undefined ? {} : { project_id: projectId }) },
      ...(projectId === undefined ? {} : { headers: { "X-Project-Id": projectId } }),
      ...(signal === undefined ? {} : { signal }),
    });
    rows.push(...page.rows);
    if (page.rows.length < AUDIENCE_PAGE) break;
    offset += page.rows.length;
  }
  const audiences: AudienceRef[] = [];
  for (const raw of rows) {
    if (!isRecord(raw)) continue;
    const id = idValue.safeParse(first(raw, ["audience_id", "AudienceId", "id", "Id"]));
    const status = readText(first(raw, ["status", "Status"]))?.toLowerCase();
    const updatedAtMs = readEpochMs(first(raw, ["completed_at", "CompletedAt", "updated_at", "UpdatedAt"]));
    if (!id.success || status !== "completed" || updatedAtMs === undefined) continue;
    if (sinceMs !== null && updatedAtMs < sinceMs) continue;
    const topics = first(raw, ["topic_ids", "TopicIds", "topics", "Topics"]);
    const topicIds = Array.isArray(topics) ? topics.flatMap((t) => (typeof t === "string" || typeof t === "number" ? [String(t)] : [])) : [];
    audiences.push({ id: id.data, name: readText(first(raw, ["name", "Name"]), 400) ?? null, updatedAtMs, topicIds: topicIds.slice(0, 500) });
  }
  audiences.sort((a, b) => a.updatedAtMs - b.updatedAtMs || a.id.localeCompare(b.id));
  return { audiences: audiences.slice(0, MAX_AUDIENCES_PER_RUN), truncated: audiences.length > MAX_AUDIENCES_PER_RUN };
}

export async function fetchAudienceMembers(
  client: HttpClient,
  audience: AudienceRef,
  offset: number,
  limit: number,
  signal?: AbortSignal,
): Promise<{ rows: unknown[]; last: boolean }> {
  const page = await client.getJson(`/api/v1/audiences/${encodeURIComponent(audience.id)}/preview`, DelivrEventsPageSchema, {
    searchParams: { offset, limit },
    ...(signal === undefined ? {} : { signal }),
  });
  if (page.rows.length > limit) {
    throw new SchemaError(`Delivr.ai sent ${page.rows.length} audience members for limit ${limit}`, [
      { path: "data", message: "more rows than the limit asked for" },
    ]);
  }
  return { rows: page.rows, last: nextPosition(eventsPaging(limit), page, offset).done };
}

const TOPIC_FIELDS = ["topic_id", "TopicId", "TopicID"];
const STRENGTH_FIELDS = ["intent_score", "IntentScore", "score", "Score", "strength", "Strength"];
const SIGNAL_TIME_FIELDS = ["signal_date", "SignalDate", "last_seen", "LastSeen", "date", "Date"];

/**
 * One audience member row: its account (and person) records and one `intent_signal` per topic (the row's own
 * `topic_id`, else the audience's topics). The id hashes audience, account or person, topic and signal day, so a
 * rebuilt audience adds a signal per day and a re-read one changes nothing.
 */
export function transformIntentRow(raw: unknown, audience: AudienceRef, topics: ReadonlyMap<string, Topic>): TransformOutput {
  const output: TransformOutput = { records: [], quarantined: [] };
  if (!isRecord(raw)) {
    output.quarantined.push({ raw, reasons: [{ path: "", message: "an audience member must be a JSON object" }] });
    return output;
  }
  // Members carry the same person and company fields as events; the time is the signal's or the build's.
  const signalMs = readEpochMs(first(raw, SIGNAL_TIME_FIELDS)) ?? audience.updatedAtMs;
  const read = readVisitorEvent({ ...raw, timestamp: signalMs });
  if (!read.ok) {
    output.quarantined.push({ raw, reasons: read.reasons });
    return output;
  }
  const { event } = read;
  const accountId = accountExternalId(event.company);
  const personId = personExternalId({ ...event, resolved: true });
  if (accountId === undefined && personId === undefined) {
    output.quarantined.push({
      raw,
      reasons: [{ path: "company_domain", message: "an audience member needs a company (domain or name) or a person" }],
    });
    return output;
  }
  const keep = (input: Record<string, unknown>) => {
    const result = validateCanonicalRecord(input);
    if (result.ok) output.records.push(result.record);
    else output.quarantined.push({ raw, reasons: result.reasons });
    return result.ok;
  };
  const account = accountId !== undefined && keep(accountRecord(event.company, accountId)) ? accountId : undefined;
  const person =
    personId !== undefined && event.person.email !== undefined && keep(personRecord(event.person, personId, account))
      ? personId
      : undefined;
  const rowTopic = readText(first(raw, TOPIC_FIELDS), 100);
  const topicIds = rowTopic !== undefined ? [rowTopic] : audience.topicIds.length > 0 ? audience.topicIds : [null];
  const strengthValue = first(raw, STRENGTH_FIELDS);
  const strength = typeof strengthValue === "number" ? strengthValue : readText(strengthValue, 50);
  const day = new Date(signalMs).toISOString().slice(0, 10);
  for (const topicId of topicIds) {
    const topic = topicId === null ? undefined : topics.get(topicId);
    const hash = createHash("sha256")
      .update(JSON.stringify([audience.id, account ?? null, person ?? null, topicId, day]))
      .digest("hex")
      .slice(0, 40);
    keep({
      kind: "activity",
      externalId: `dlvr_int_${hash}`,
      type: "intent_signal",
      channel: "intent",
      occurredAt: new Date(signalMs).toISOString(),
      subject: topic?.name ?? audience.name ?? undefined,
      ...(account === undefined ? {} : { accountExternalId: account }),
      ...(person === undefined ? {} : { personExternalId: person }),
      properties: Object.fromEntries(
        Object.entries({
          source: "delivr",
          topicId,
          topic: topic?.name ?? null,
          category: topic?.category ?? null,
          subcategory: topic?.subcategory ?? null,
          strength: strength ?? null,
          audienceId: audience.id,
          audienceName: audience.name,
        }).filter(([, v]) => v !== null),
      ),
    });
  }
  return output;
}
