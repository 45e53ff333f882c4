/**
 * The contract between the writeback drain loop (the `drainWriteback` workflow or the in-process runner) and its
 * activity. Types only: the workflow bundle imports this file with `import type`.
 */

export interface WritebackTarget {
  tenantId: string;
  connectionId: string;
}

export interface DrainBatchInput extends WritebackTarget {
  /** Changes per push; at most the connector's cap (WRITEBACK_BATCH_MAX). Default WRITEBACK_BATCH_MAX. */
  batchSize?: number;
}

export interface DrainBatchResult {
  /** Changes claimed (marked sent) and pushed in this batch; 0 when none was due. */
  claimed: number;
  confirmed: number;
  /** Back to queued for a later attempt (retryable failures, a refused batch). */
  retried: number;
  failed: number;
  /** Outcomes dropped because another drainer had taken the rows over (this one outlived its lease). */
  stale: number;
  /** Changes were settled for good: more may be due right away (another batch, or a later change to a record). */
  more: boolean;
}

/** Whether a connection's outbox is worth a drain right after its sync (`writebackPending`). */
export interface WritebackPendingResult {
  /** The connection is active and its connector writes back. */
  supported: boolean;
  /**
   * Changes due now: queued past their backoff, or sent under a lease that ran out (pushed again). A change waiting
   * out its backoff or held by a running drain is not counted: a drain started for it would claim nothing. 0 when
   * not supported.
   */
  pending: number;
}

/** Registered on the Temporal worker beside the sync activities. */
export interface WritebackActivities {
  drainWritebackBatch(input: DrainBatchInput): Promise<DrainBatchResult>;
  /** A store read, no vendor call: lets `syncConnection` start `drainWriteback` only when there is work for it. */
  writebackPending(input: WritebackTarget): Promise<WritebackPendingResult>;
}
