/**
 * What `worker writeback enqueue` reads: JSON from a file or standard input holding one change or an array of
 * them. A change is a canonical record (`{"kind":"person","externalId":"003…","title":"CFO"}`), or an envelope
 * `{"changeId":"<uuid>","record":{…}}` whose id makes enqueueing it again a no-op. Everything is checked before
 * anything is queued: one invalid change refuses the whole input, with every issue listed by position.
 */
import { CanonicalRecordSchema, toSchemaIssues, type CanonicalRecord } from "@gtm-clarity/core";
import { z } from "zod";
import { InputError } from "../connection-input.js";

/** Generous for a hand-made file, small enough that a wrong file (a dump, a binary) is refused at once. */
export const MAX_CHANGE_INPUT_BYTES = 10 * 1024 * 1024;
export const MAX_CHANGES_PER_ENQUEUE = 10_000;

export interface ParsedChange {
  changeId?: string;
  record: CanonicalRecord;
}

const EnvelopeSchema = z.strictObject({ changeId: z.guid({ message: "changeId must be a UUID" }), record: z.unknown() });

export function parseChanges(text: string): ParsedChange[] {
  if (Buffer.byteLength(text) > MAX_CHANGE_INPUT_BYTES) {
    throw new InputError(`the change input is over ${MAX_CHANGE_INPUT_BYTES / 1024 / 1024} MB`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the change input is not JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(json) ? json : [json];
  if (items.length === 0) throw new InputError("the change input holds no change");
  if (items.length > MAX_CHANGES_PER_ENQUEUE) throw new InputError(`at most ${MAX_CHANGES_PER_ENQUEUE} changes per enqueue`);
  const problems: string[] = [];
  const changes: ParsedChange[] = [];
  items.forEach((item, index) => {
    const where = Array.isArray(json) ? `change ${index}` : "change";
    const envelope = typeof item === "object" && item !== null && "record" in item ? EnvelopeSchema.safeParse(item) : undefined;
    if (envelope && !envelope.success) {
      problems.push(`${where}: ${envelope.error.issues.map((i) => i.message).join("; ")}`);
      return;
    }
    const parsed = CanonicalRecordSchema.safeParse(envelope?.data.record ?? item);
    if (!parsed.success) {
      const issues = toSchemaIssues(parsed.error.issues)
        .slice(0, 5)
        .map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`));
      problems.push(`${where}: ${issues.join("; ")}`);
      return;
    }
    changes.push({ ...(envelope ? { changeId: envelope.data.changeId } : {}), record: parsed.data });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? [`… and ${problems.length - shown.length} more`] : [];
    throw new InputError(["Nothing was queued; invalid change input:", ...shown.map((p) => `  ${p}`), ...more].join("\n"));
  }
  return changes;
}
