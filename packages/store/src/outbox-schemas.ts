/** Inputs and public shapes of the writeback outbox (./outbox.ts). */
import { CanonicalRecordSchema, type CanonicalRecord } from "@gtm-clarity/core";
import { z } from "zod";
import { ConnectionIdSchema, ConnectionRefSchema, storableText, TenantIdSchema } from "./schemas.js";

export const OUTBOX_STATUSES = ["queued", "sent", "confirmed", "failed"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
export const OutboxStatusSchema = z.enum(OUTBOX_STATUSES);

/** Longest reason kept on a row; a vendor's error body is cut to this. */
export const MAX_OUTBOX_ERROR = 2_000;
/** Most rows one claim may take. Connectors cap a push (Salesforce: 200 records); the caller passes its own cap. */
export const MAX_OUTBOX_CLAIM = 1_000;

export const EnqueueWritebackSchema = ConnectionRefSchema.extend({
  /** The change: a canonical record, validated like a synced one (an invalid change is refused, never queued). */
  record: CanonicalRecordSchema,
  /** The caller's id for this change: enqueueing the same id again is a no-op that returns the existing row. */
  changeId: z.guid({ message: "changeId must be a UUID" }).optional(),
});

export const ClaimWritebackSchema = ConnectionRefSchema.extend({
  limit: z.number().int().min(1).max(MAX_OUTBOX_CLAIM),
  /**
   * How long the claim holds the rows. Past it, another drainer may claim and push them again (the claimant is
   * presumed dead); make it longer than a push can take.
   */
  leaseMs: z.number().int().min(0).max(24 * 3_600_000),
});

const SettleOutcomeSchema = z.discriminatedUnion("outcome", [
  z.object({ id: z.guid(), outcome: z.literal("confirmed") }),
  /** Back to queued, tried again after `delayMs`; the attempt counts. */
  z.object({ id: z.guid(), outcome: z.literal("retry"), error: z.string(), delayMs: z.number().int().min(0) }),
  /** Permanently failed with the reason. */
  z.object({ id: z.guid(), outcome: z.literal("failed"), error: z.string() }),
  /** Back to queued WITHOUT counting the attempt: the push never reached a verdict on it (a refused credential). */
  z.object({ id: z.guid(), outcome: z.literal("release"), error: z.string(), delayMs: z.number().int().min(0) }),
]);
export type SettleOutcome = z.input<typeof SettleOutcomeSchema>;

export const SettleWritebackSchema = ConnectionRefSchema.extend({
  attemptId: z.guid(),
  outcomes: z.array(SettleOutcomeSchema).max(MAX_OUTBOX_CLAIM),
});

export const ListWritebackSchema = z.object({
  tenantId: TenantIdSchema,
  connectionId: ConnectionIdSchema.optional(),
  status: OutboxStatusSchema.optional(),
  limit: z.number().int().min(1).max(10_000).default(100),
});

export const WritebackCountsSchema = ConnectionRefSchema;

export const OutboxErrorText = storableText(MAX_OUTBOX_ERROR);

export interface OutboxEntry {
  id: string;
  tenantId: string;
  connectionId: string;
  /** Position among all changes; changes to one record are pushed in this order. */
  seq: number;
  kind: CanonicalRecord["kind"];
  externalId: string;
  record: CanonicalRecord;
  status: OutboxStatus;
  /** Claims so far (a retry after a crash counts too). */
  attempts: number;
  /** The claim that last sent it; null while queued. */
  attemptId: string | null;
  leaseExpiresAt: Date | null;
  nextAttemptAt: Date;
  /** Why the last attempt failed (kept after a later success is not; cleared on confirm). */
  error: string | null;
  sentAt: Date | null;
  /** When it was confirmed or permanently failed. */
  settledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ClaimedBatch {
  /** Settle these rows with this id; null when nothing was due. */
  attemptId: string | null;
  entries: OutboxEntry[];
}

export interface SettleResult {
  confirmed: number;
  retried: number;
  failed: number;
  released: number;
  /** Outcomes dropped because the row is no longer held by this attempt (its lease ran out and another took it). */
  stale: number;
}

export type OutboxCounts = Record<OutboxStatus, number>;
