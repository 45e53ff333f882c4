/**
 * Pure transforms of one delta item: no I/O, no clock (the removal time is passed in), no randomness. An item is a
 * change (→ canonical records), an `@removed` marker (→ a tombstone) or invalid (→ quarantine with reasons, its raw
 * form cut down to the fields we may keep, so a body the server sent anyway never reaches the quarantine table).
 */
import {
  toSchemaIssues,
  validateCanonicalRecord,
  type CanonicalRecord,
  type CanonicalRecordInput,
  type QuarantinedRecord,
} from "@gtm-clarity/core";
import { GraphEventSchema, GraphMessageSchema, GraphUserSchema, RemovedSchema } from "../graph/schemas.js";
import type { StreamName } from "../sync/streams.js";
import { eventExternalId, messageExternalId, userExternalId } from "./ids.js";
import { transformEvent, transformMessage, transformUser, type Built } from "./records.js";

export interface TransformContext {
  /** The tenant's verified domains, lower case. */
  domains: ReadonlySet<string>;
  includeSubjects: boolean;
  /** When a removal was observed: a tombstone's occurredAt (Graph says nothing else about a removed item). */
  observedAt: Date;
}

export type ItemResult =
  | { kind: "change"; externalId: string; records: CanonicalRecord[] }
  | { kind: "removed"; externalId: string; records: CanonicalRecord[] }
  | { kind: "skipped"; reason: "draft" }
  | { kind: "quarantined"; quarantined: QuarantinedRecord };

const SCHEMAS = { users: GraphUserSchema, inbox: GraphMessageSchema, sentitems: GraphMessageSchema, calendar: GraphEventSchema };

function externalIdOf(stream: StreamName, id: string): string {
  if (stream === "users") return userExternalId(id);
  return stream === "calendar" ? eventExternalId(id) : messageExternalId(id);
}

/**
 * The raw item with only the fields its schema knows (no body, preview or attachments), subject only if kept. An item
 * that is not an object is described, never kept: a bare string could be anything, a body included.
 */
export function keptFields(stream: StreamName, raw: unknown, includeSubjects: boolean): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { notAnObject: raw === null ? "null" : Array.isArray(raw) ? "array" : typeof raw };
  }
  const allowed = new Set([...Object.keys(SCHEMAS[stream].shape), "@removed"]);
  if (!includeSubjects) allowed.delete("subject");
  return Object.fromEntries(Object.entries(raw).filter(([key]) => allowed.has(key)));
}

function quarantine(
  stream: StreamName,
  raw: unknown,
  context: TransformContext,
  reasons: { path: string; message: string }[],
): ItemResult {
  const kept = keptFields(stream, raw, context.includeSubjects);
  const id = kept !== null && typeof kept === "object" && "id" in kept && typeof kept.id === "string" ? kept.id : undefined;
  return {
    kind: "quarantined",
    quarantined: { ...(id === undefined ? {} : { externalId: externalIdOf(stream, id) }), raw: kept, reasons },
  };
}

function tombstone(stream: StreamName, id: string, reason: string | undefined, context: TransformContext): CanonicalRecord {
  return tombstoneFor(stream, externalIdOf(stream, id), reason, context.observedAt);
}

/** The record that says `externalId` is gone (also used for id-set reconciliation, which knows only the id). */
export function tombstoneFor(stream: StreamName, externalId: string, reason: string | undefined, observedAt: Date): CanonicalRecord {
  const properties = { removedReason: reason ?? "deleted", ...(reason === "changed" ? { softDeleted: true } : {}) };
  if (stream === "users") return { kind: "person", externalId, isDeleted: true, properties };
  const [type, channel] = stream === "calendar" ? ["meeting", "calendar"] : ["email", "email"];
  return { kind: "activity", externalId, type, channel, occurredAt: observedAt, isDeleted: true, properties };
}

function validated(stream: StreamName, raw: unknown, context: TransformContext, records: readonly CanonicalRecordInput[]) {
  const out: CanonicalRecord[] = [];
  for (const record of records) {
    const checked = validateCanonicalRecord(record);
    if (!checked.ok) return { error: quarantine(stream, raw, context, checked.reasons.map((r) => ({ ...r, path: `${record.kind}.${r.path}` }))) };
    out.push(checked.record);
  }
  return { records: out };
}

export function transformItem(stream: StreamName, raw: unknown, context: TransformContext): ItemResult {
  const removed = RemovedSchema.safeParse(raw);
  if (removed.success) {
    const record = tombstone(stream, removed.data.id, removed.data["@removed"].reason, context);
    return { kind: "removed", externalId: record.externalId, records: [record] };
  }
  let built: Built;
  if (stream === "users") {
    const user = GraphUserSchema.safeParse(raw);
    if (!user.success) return quarantine(stream, raw, context, toSchemaIssues(user.error.issues));
    built = transformUser(user.data);
  } else if (stream === "calendar") {
    const event = GraphEventSchema.safeParse(raw);
    if (!event.success) return quarantine(stream, raw, context, toSchemaIssues(event.error.issues));
    built = transformEvent(event.data, context);
  } else {
    const message = GraphMessageSchema.safeParse(raw);
    if (!message.success) return quarantine(stream, raw, context, toSchemaIssues(message.error.issues));
    if (message.data.isDraft === true) return { kind: "skipped", reason: "draft" };
    built = transformMessage(message.data, stream, context);
  }
  if ("error" in built) return quarantine(stream, raw, context, [{ path: "", message: built.error }]);
  const checked = validated(stream, raw, context, built.records);
  if ("error" in checked) return checked.error;
  const [primary] = checked.records;
  if (primary === undefined) return quarantine(stream, raw, context, [{ path: "", message: "no record" }]);
  return { kind: "change", externalId: primary.externalId, records: checked.records };
}
