/**
 * zod schemas for every public function's input: outside data is checked once, here, and a bad call fails with a
 * ValidationError before any SQL runs.
 */
import { toSchemaIssues, ValidationError } from "@gtm-clarity/core";
import { z } from "zod";

const noNul = (value: string) => !value.includes("\u0000");

/** Text that fits a Postgres `text` column. */
export const storableText = (max: number) =>
  z.string().max(max).refine(noNul, { message: "must not contain NUL characters" });

export const TenantIdSchema = z
  .string()
  .min(1, "tenantId is required")
  .max(200)
  .refine((id) => ![...id].some((char) => char <= "\u001f" || char === "\u007f"), {
    message: "tenantId must not contain control characters",
  });
export const ConnectionIdSchema = z.guid({ message: "connectionId must be a UUID" });
export const RunIdSchema = z.guid({ message: "runId must be a UUID" });
export const StreamSchema = storableText(200).min(1).default("default");
/** Opaque connector cursor. Generous: some sources pack paging state into it. */
export const CursorSchema = storableText(1024 * 1024).nullable();
export const ConnectionStatusSchema = z.enum(["active", "needs_reauth", "disabled", "dpa_required"]);
export const RunStatusSchema = z.enum(["running", "succeeded", "failed", "cancelled", "abandoned"]);
export const FinishedRunStatusSchema = z.enum(["succeeded", "failed", "cancelled"]);
export const CanonicalKindSchema = z.enum(["person", "account", "activity"]);

export const CredentialsSchema = z.record(storableText(64 * 1024), z.string());
export const SettingsSchema = z.record(z.string(), z.unknown());

export const TenantRefSchema = z.object({ tenantId: TenantIdSchema });
export const ConnectionRefSchema = z.object({ tenantId: TenantIdSchema, connectionId: ConnectionIdSchema });

export const CreateTenantSchema = z.object({
  tenantId: TenantIdSchema,
  name: storableText(400).optional(),
});

export const AcceptDpaSchema = z.object({
  tenantId: TenantIdSchema,
  /** Default: now. */
  acceptedAt: z.date().optional(),
  /** Which DPA text was accepted, e.g. "2025-01". */
  version: storableText(100).optional(),
});

export const CreateConnectionSchema = z.object({
  tenantId: TenantIdSchema,
  connectorId: storableText(200).min(1),
  connectorVersion: storableText(100).min(1),
  settings: SettingsSchema.default({}),
  credentials: CredentialsSchema,
  /** Normally generated; pass one to make creation idempotent from the caller's side. */
  connectionId: ConnectionIdSchema.optional(),
  status: ConnectionStatusSchema.default("active"),
});

export const UpdateConnectionSchema = ConnectionRefSchema.extend({
  settings: SettingsSchema.optional(),
  connectorVersion: storableText(100).min(1).optional(),
});

export const UpdateCredentialsSchema = ConnectionRefSchema.extend({
  credentials: CredentialsSchema,
  /** Status to set with the new credentials; default "active" (a re-authorised connection works again). */
  status: ConnectionStatusSchema.default("active"),
});

export const RefreshCredentialsSchema = ConnectionRefSchema.extend({
  timeoutMs: z.number().int().min(1).max(10 * 60_000).optional(),
});

export const SetConnectionStatusSchema = ConnectionRefSchema.extend({
  status: ConnectionStatusSchema,
  /** The error behind the status; null clears it. Default: null for "active", unchanged otherwise. */
  lastError: storableText(10_000).nullable().optional(),
});

export const ListConnectionsSchema = z.object({
  tenantId: TenantIdSchema,
  connectorId: storableText(200).optional(),
  status: ConnectionStatusSchema.optional(),
});

export const CursorRefSchema = ConnectionRefSchema.extend({ stream: StreamSchema });
export const SetCursorSchema = CursorRefSchema.extend({ cursor: CursorSchema });

export const StartRunSchema = ConnectionRefSchema.extend({
  /** Default: the connection's pinned connector version. */
  connectorVersion: storableText(100).min(1).optional(),
  /**
   * A full refresh reads everything from the source; only a succeeded full-refresh run may mark unseen records as
   * deleted (`markUnseenAsDeleted`).
   */
  fullRefresh: z.boolean().default(false),
  /** The caller's name for the run: starting again with the same key returns the same run (a lost reply). */
  runKey: storableText(300).min(1).optional(),
});

export const FinishRunSchema = z.object({
  tenantId: TenantIdSchema,
  runId: RunIdSchema,
  status: FinishedRunStatusSchema,
  error: storableText(10_000).optional(),
  /** A connector's named counts summed over the run. */
  counts: z.record(storableText(200), z.number().finite()).optional(),
  /** A connector's distinct notices for the run. */
  notices: z.array(storableText(2_000)).max(100).optional(),
});

export const RunRefSchema = z.object({ tenantId: TenantIdSchema, runId: RunIdSchema });

export const AbandonConnectionRunsSchema = ConnectionRefSchema.extend({
  /** The run that stays (the one being started). */
  exceptRunId: RunIdSchema.optional(),
});

export const AbandonStaleRunsSchema = z.object({
  /** A running run with no heartbeat for this long belongs to a dead process. */
  staleAfterMs: z.number().int().min(1_000),
});

export const WithdrawDpaSchema = z.object({
  tenantId: TenantIdSchema,
  /** Connectors that need the agreement (the store cannot know): their connections become `dpa_required`. */
  dpaConnectorIds: z.array(storableText(200)).max(1_000),
});

export const ListSchedulableSchema = z.object({
  status: ConnectionStatusSchema.optional(),
});

export const RouteConnectionSchema = z.object({ connectionId: ConnectionIdSchema });

export const ListRunsSchema = ConnectionRefSchema.extend({
  limit: z.number().int().min(1).max(1000).default(50),
});

export const MarkUnseenSchema = ConnectionRefSchema.extend({
  runId: RunIdSchema,
  /** Restrict the sweep to these kinds (a source that only fully refreshes some of them). Default: all. */
  kinds: z.array(CanonicalKindSchema).min(1).optional(),
});

export const WebhookEventSchema = ConnectionRefSchema.extend({ eventId: storableText(500).min(1) });

export const QuarantinedRecordSchema = z.object({
  externalId: z.string().optional(),
  raw: z.unknown(),
  reasons: z.array(z.object({ path: z.string(), message: z.string() })),
});

export const MAX_PAGE_RECORDS = 20_000;

export const CommitPageSchema = ConnectionRefSchema.extend({
  /** Omit for commits outside a sync run (webhooks). */
  runId: RunIdSchema.optional(),
  stream: StreamSchema,
  /** Canonical-shaped records; each is validated here and quarantined when invalid. */
  records: z.array(z.unknown()).max(MAX_PAGE_RECORDS),
  quarantined: z.array(QuarantinedRecordSchema).max(MAX_PAGE_RECORDS).default([]),
  /** ConnectorDocument-shaped; each is validated and quarantined when invalid. */
  documents: z.array(z.unknown()).max(MAX_PAGE_RECORDS).default([]),
  /** The cursor to resume from after this page. `undefined` leaves the stored cursor alone (webhooks). */
  cursor: CursorSchema.optional(),
  /**
   * Whether the source said more pages follow. With `runId` and `cursor`, a cursor this run already committed (or
   * started from) then fails the page with a PagingLoopError: the next page would repeat an earlier one.
   */
  hasMore: z.boolean().optional(),
  /** The source's event id: the page commits only the first time this id is seen for the connection. */
  webhookEventId: storableText(500).min(1).optional(),
});

/**
 * A page `prepareCommit` made, maybe in another thread: plain data checked for shape here. The records' JSON is the
 * store's own serialisation of validated canonical records; the database parses it again as jsonb, so a malformed
 * one fails its page (nothing of it is written) instead of landing.
 */
const PreparedCommitSchema = z.object({
  records: z
    .array(
      z.object({
        kind: CanonicalKindSchema,
        externalId: storableText(512).min(1),
        isDeleted: z.boolean(),
        json: z.string().min(2),
      }),
    )
    .max(MAX_PAGE_RECORDS),
  documents: z
    .array(
      z.object({
        externalId: storableText(512).min(1),
        activityExternalId: storableText(512).min(1),
        type: storableText(100).min(1),
        mediaType: storableText(200).nullable(),
        text: z.string().refine(noNul, { message: "must not contain NUL characters" }),
        byteSize: z.number().int().nonnegative(),
        contentHash: z.string().regex(/^[0-9a-f]{64}$/),
      }),
    )
    .max(MAX_PAGE_RECORDS),
  quarantine: z
    .array(z.object({ kind: storableText(100).nullable(), externalId: storableText(512).nullable(), raw: z.string(), reasons: z.string() }))
    .max(MAX_PAGE_RECORDS * 2),
  duplicates: z.number().int().nonnegative(),
  limits: z.object({
    batchSize: z.number().int().positive(),
    maxPropertiesBytes: z.number().int().positive(),
    maxDocumentBytes: z.number().int().positive(),
    maxQuarantineRawBytes: z.number().int().positive(),
  }),
});

/** `commitPage` with the page already prepared (`prepareCommit`): records, documents and quarantine in one. */
export const CommitPreparedSchema = CommitPageSchema.omit({ records: true, quarantined: true, documents: true }).extend({
  prepared: PreparedCommitSchema,
});

export const DocumentSchema = z.object({
  externalId: storableText(512).min(1),
  activityExternalId: storableText(512).min(1),
  type: storableText(100).min(1),
  text: z.string().refine(noNul, { message: "must not contain NUL characters" }),
  byteSize: z.number().int().nonnegative(),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/, "must be sha256 hex"),
  mediaType: storableText(200).optional(),
});

export const GetRecordSchema = ConnectionRefSchema.extend({
  kind: CanonicalKindSchema,
  externalId: storableText(512).min(1),
});

export const ListRecordsSchema = z.object({
  tenantId: TenantIdSchema,
  connectionId: ConnectionIdSchema.optional(),
  kind: CanonicalKindSchema.optional(),
  includeDeleted: z.boolean().default(false),
  limit: z.number().int().min(1).max(10_000).default(1000),
  /** Keyset paging: pass the last record's `{connectionId, kind, externalId}` to get the next page. */
  after: z.object({ connectionId: ConnectionIdSchema, kind: CanonicalKindSchema, externalId: z.string() }).optional(),
});

export const ListQuarantineSchema = ConnectionRefSchema.extend({
  runId: RunIdSchema.optional(),
  limit: z.number().int().min(1).max(10_000).default(100),
});

export const GetDocumentSchema = ConnectionRefSchema.extend({ externalId: storableText(512).min(1) });
export const ListDocumentsSchema = ConnectionRefSchema.extend({ activityExternalId: storableText(512).min(1) });

export const RotateOptionsSchema = z.object({
  batchSize: z.number().int().min(1).max(10_000).default(100),
  maxBatches: z.number().int().min(1).optional(),
});

/** Parses `input` or throws a ValidationError that names `what` and lists the issues (paths and messages only). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toSchemaIssues(result.error.issues);
  const summary = issues
    .slice(0, 5)
    .map((issue) => (issue.path === "" ? issue.message : `${issue.path}: ${issue.message}`))
    .join("; ");
  throw new ValidationError(`invalid ${what}: ${summary}`, issues);
}
