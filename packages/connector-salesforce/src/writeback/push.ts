/**
 * Writeback through sObject Collections (vendor-apis.md §1.7): records with a Salesforce Id are updated by
 * `PATCH /composite/sobjects`, records born elsewhere are upserted by the connection's external-id field
 * (`PATCH /composite/sobjects/{Object}/{Field}`), at most 200 records of one object per call, `allOrNone: false`.
 * Salesforce answers 200 even when records fail: each result says `success`, and its errors carry `statusCode`
 * (not `errorCode`). Records that failed on a locked row are sent again (alone), a few times; any other failure is
 * reported per record.
 *
 * Both calls set absolute values keyed by Id or external id, so repeating one changes nothing that the first did
 * not: they are marked `idempotent: true`, which is what lets core's client re-send them after a dropped connection
 * (it re-sends no other POST or PATCH).
 */
import {
  isConnectorError,
  isRetryable,
  type CanonicalRecord,
  type HttpClient,
  type WritebackResult,
} from "@gtm-clarity/core";
import { SaveResultsSchema, type SaveResult } from "../api-schema.js";
import type { SObjectName } from "../objects/index.js";
import { salesforceTarget, sObjectFields, upsertObject } from "./fields.js";

/** sObject Collections take at most 200 records per request. */
export const COLLECTION_LIMIT = 200;
/** Per-record errors worth sending again: another transaction held the row. */
export const RETRYABLE_STATUS_CODES: ReadonlySet<string> = new Set(["UNABLE_TO_LOCK_ROW"]);
/** Sends of a record in all (the first included) while its row stays locked. */
export const MAX_LOCK_ATTEMPTS = 3;

export interface PushOptions {
  externalIdField?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Called before every Collections call (the API share check); throwing stops the push. */
  beforeCall?: () => void;
  /** Waits between lock retries (tests pass a fake). Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

interface Pending {
  index: number;
  object: SObjectName;
  /** The sObject as sent: `attributes`, the key (`id` or the external-id field) and the fields. */
  body: Record<string, unknown>;
  /** Upsert by external id, or update by Id. */
  upsert: boolean;
}

export interface PushStats {
  calls: number;
  lockRetries: number;
}

export async function pushRecords(
  client: HttpClient,
  records: readonly CanonicalRecord[],
  options: PushOptions,
  stats: PushStats = { calls: 0, lockRetries: 0 },
): Promise<WritebackResult[]> {
  const results: WritebackResult[] = records.map((record) => ({ externalId: record.externalId, ok: false }));
  const pending: Pending[] = [];
  records.forEach((record, index) => {
    const planned = plan(record, index, options.externalIdField);
    if ("error" in planned) results[index] = { externalId: record.externalId, ok: false, error: planned.error, retryable: false };
    else pending.push(planned);
  });

  let queue = pending;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; queue.length > 0; attempt += 1) {
    const locked: Pending[] = [];
    const answered = new Set<Pending>();
    for (const batch of batches(queue)) {
      let answers: SaveResult[];
      try {
        options.beforeCall?.();
        stats.calls += 1;
        answers = await send(client, batch, options);
      } catch (error) {
        // The call failed as a whole (transport, limits, a 400): its records and those not sent yet are reported
        // with the reason; the ones already answered keep their answer.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
        const retryable = isConnectorError(error) ? isRetryable(error) : true;
        for (const item of queue) {
          if (answered.has(item)) continue;
          results[item.index] = { externalId: records[item.index]?.externalId ?? "", ok: false, error: message, retryable };
        }
        return results;
      }
      batch.forEach((item, position) => {
        const answer = answers[position];
        const externalId = records[item.index]?.externalId ?? "";
        answered.add(item);
        if (answer === undefined) {
          results[item.index] = { externalId, ok: false, error: "Salesforce returned no result for this record", retryable: true };
        } else if (answer.success) {
          results[item.index] = { externalId, ok: true };
        } else {
          const retryable = answer.errors.length > 0 && answer.errors.every((e) => RETRYABLE_STATUS_CODES.has(e.statusCode));
          results[item.index] = { externalId, ok: false, error: describe(answer), retryable };
          if (retryable && attempt < MAX_LOCK_ATTEMPTS) locked.push(item);
        }
      });
    }
    queue = locked;
    if (queue.length > 0) {
      stats.lockRetries += queue.length;
      await sleep(250 * 2 ** (attempt - 1));
      options.signal?.throwIfAborted();
    }
  }
  return results;
}

function plan(record: CanonicalRecord, index: number, externalIdField: string | undefined): Pending | { error: string } {
  const target = salesforceTarget(record);
  if (target !== undefined) {
    const fields = sObjectFields(target.object, record);
    return { index, object: target.object, upsert: false, body: { attributes: { type: target.object }, id: target.id, ...fields } };
  }
  if (externalIdField === undefined) {
    return { error: "not a Salesforce record (no Salesforce Id) and the connection has no externalIdField to upsert by" };
  }
  const object = upsertObject(record);
  if (object === undefined) return { error: `cannot tell which Salesforce object a ${record.kind} record belongs to` };
  const fields = sObjectFields(object, record);
  return { index, object, upsert: true, body: { attributes: { type: object }, ...fields, [externalIdField]: record.externalId } };
}

/** Runs of at most 200 records of one object and one operation, in the order given. */
function* batches(queue: readonly Pending[]): Generator<Pending[]> {
  const groups = new Map<string, Pending[]>();
  for (const item of queue) {
    const key = `${item.upsert ? "upsert" : "update"}:${item.object}`;
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += COLLECTION_LIMIT) yield group.slice(start, start + COLLECTION_LIMIT);
  }
}

async function send(client: HttpClient, batch: readonly Pending[], options: PushOptions): Promise<SaveResult[]> {
  const first = batch[0];
  if (first === undefined) return [];
  const path =
    first.upsert && options.externalIdField !== undefined
      ? `composite/sobjects/${first.object}/${options.externalIdField}`
      : "composite/sobjects";
  return client.requestJson("PATCH", path, SaveResultsSchema, {
    json: { allOrNone: false, records: batch.map((item) => item.body) },
    idempotent: true,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}

function describe(result: SaveResult): string {
  if (result.errors.length === 0) return "Salesforce did not save the record and gave no reason";
  return result.errors
    .map((error) => {
      const fields = error.fields === undefined || error.fields.length === 0 ? "" : ` (${error.fields.join(", ")})`;
      return `${error.statusCode}: ${error.message ?? ""}${fields}`.trim();
    })
    .join("; ");
}
