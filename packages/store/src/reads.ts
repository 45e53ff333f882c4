/** Read side for apps, tests and the UI: records, quarantine and documents, always tenant-scoped. */
import type { z } from "zod";
import type { StoreContext } from "./context.js";
import {
  type DocumentRow,
  QUARANTINE_COLUMNS,
  type QuarantineRow,
  RECORD_COLUMNS,
  type RecordRow,
  toDocument,
  toQuarantineEntry,
  toRecord,
} from "./rows.js";
import {
  GetDocumentSchema,
  GetRecordSchema,
  ListDocumentsSchema,
  ListQuarantineSchema,
  ListRecordsSchema,
  parseInput,
} from "./schemas.js";
import { withTenantTransaction } from "./tenancy.js";
import type { QuarantineEntry, StoredDocument, StoredRecord } from "./types.js";

const DOCUMENT_COLUMNS =
  "connection_id, external_id, activity_external_id, type, media_type, text, byte_size, content_hash, created_at, updated_at";

/** One record, tombstones included; null when absent (or another tenant's). */
export async function getRecord(
  ctx: StoreContext,
  input: z.input<typeof GetRecordSchema>,
): Promise<StoredRecord | null> {
  const parsed = parseInput(GetRecordSchema, input, "getRecord input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM records
       WHERE tenant_id = $1 AND connection_id = $2 AND kind = $3 AND external_id = $4`,
      [parsed.tenantId, parsed.connectionId, parsed.kind, parsed.externalId],
    );
    const row = rows[0];
    return row ? toRecord(row) : null;
  });
}

/** Records ordered by (connection, kind, externalId), keyset-paged with `after`. */
export async function listRecords(
  ctx: StoreContext,
  input: z.input<typeof ListRecordsSchema>,
): Promise<StoredRecord[]> {
  const parsed = parseInput(ListRecordsSchema, input, "listRecords input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM records
       WHERE tenant_id = $1
         AND ($2::uuid IS NULL OR connection_id = $2)
         AND ($3::text IS NULL OR kind = $3)
         AND ($4::boolean OR NOT is_deleted)
         AND ($5::uuid IS NULL OR (connection_id, kind, external_id) > ($5::uuid, $6::text, $7::text))
       ORDER BY connection_id, kind, external_id
       LIMIT $8`,
      [
        parsed.tenantId,
        parsed.connectionId ?? null,
        parsed.kind ?? null,
        parsed.includeDeleted,
        parsed.after?.connectionId ?? null,
        parsed.after?.kind ?? null,
        parsed.after?.externalId ?? null,
        parsed.limit,
      ],
    );
    return rows.map(toRecord);
  });
}

/** Most recently seen first; `runId` keeps the entries that run saw last. */
export async function listQuarantine(
  ctx: StoreContext,
  input: z.input<typeof ListQuarantineSchema>,
): Promise<QuarantineEntry[]> {
  const parsed = parseInput(ListQuarantineSchema, input, "listQuarantine input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<QuarantineRow>(
      `SELECT ${QUARANTINE_COLUMNS} FROM quarantine
       WHERE tenant_id = $4 AND connection_id = $1 AND ($2::uuid IS NULL OR run_id = $2)
       ORDER BY last_seen_at DESC, id
       LIMIT $3`,
      [parsed.connectionId, parsed.runId ?? null, parsed.limit, parsed.tenantId],
    );
    return rows.map(toQuarantineEntry);
  });
}

export async function getDocument(
  ctx: StoreContext,
  input: z.input<typeof GetDocumentSchema>,
): Promise<StoredDocument | null> {
  const parsed = parseInput(GetDocumentSchema, input, "getDocument input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE tenant_id = $1 AND connection_id = $2 AND external_id = $3`,
      [parsed.tenantId, parsed.connectionId, parsed.externalId],
    );
    const row = rows[0];
    return row ? toDocument(row) : null;
  });
}

/** The documents that belong to one activity. */
export async function listDocuments(
  ctx: StoreContext,
  input: z.input<typeof ListDocumentsSchema>,
): Promise<StoredDocument[]> {
  const parsed = parseInput(ListDocumentsSchema, input, "listDocuments input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<DocumentRow>(
      `SELECT ${DOCUMENT_COLUMNS} FROM documents
       WHERE tenant_id = $1 AND connection_id = $2 AND activity_external_id = $3
       ORDER BY external_id`,
      [parsed.tenantId, parsed.connectionId, parsed.activityExternalId],
    );
    return rows.map(toDocument);
  });
}
