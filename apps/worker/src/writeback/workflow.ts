/**
 * `drainWriteback`: the Temporal twin of `worker writeback drain`. Bundled into the workflow sandbox (re-exported by
 * ../temporal/workflows.ts), so it imports only `@temporalio/workflow`, types and pure modules.
 *
 * One activity per batch (claim → push → settle, see ./drain.ts); the loop goes on while a batch settled something,
 * and continues as new every `maxBatchesPerRun` batches to keep the history short. A credential or configuration
 * failure marks the connection like a sync would, and fails the workflow without retrying; the changes stay queued.
 */
import { ActivityFailure, ApplicationFailure, continueAsNew, log, proxyActivities, workflowInfo } from "@temporalio/workflow";
import type { SyncActivities } from "../activities/types.js";
import { blockedStatusFor, isNonRetryableFailureType, NON_RETRYABLE_FAILURE_TYPES } from "../sync-policy.js";
import type { DrainBatchResult, WritebackActivities } from "./types.js";

/**
 * The push inside is bounded by the policy's 2-minute push timeout; the claim's 5-minute lease outlasts this
 * activity's start-to-close, so a retry after a dead worker finds the rows still held and leaves them to the next
 * drain once the lease runs out, never pushing them from two places at once.
 */
const batches = proxyActivities<WritebackActivities>({
  startToCloseTimeout: "4 minutes",
  retry: {
    initialInterval: "5 seconds",
    backoffCoefficient: 2,
    maximumInterval: "2 minutes",
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES, "ConnectorNotDeployed"],
  },
});

const bookkeeping = proxyActivities<Pick<SyncActivities, "markConnection">>({
  startToCloseTimeout: "1 minute",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "1 minute", maximumAttempts: 20 },
});

export interface WritebackTotals {
  batches: number;
  claimed: number;
  confirmed: number;
  retried: number;
  failed: number;
  stale: number;
}

export interface DrainWritebackInput {
  tenantId: string;
  connectionId: string;
  batchSize?: number;
  /** Batches per workflow run before continuing as new. Default 100. */
  maxBatchesPerRun?: number;
  /** Set only by continueAsNew. */
  resume?: { totals: WritebackTotals; continuations: number };
}

export interface DrainWritebackResult extends WritebackTotals {
  continuations: number;
}

export const DEFAULT_WRITEBACK_BATCHES_PER_RUN = 100;

function add(totals: WritebackTotals, batch: DrainBatchResult): WritebackTotals {
  return {
    batches: totals.batches + 1,
    claimed: totals.claimed + batch.claimed,
    confirmed: totals.confirmed + batch.confirmed,
    retried: totals.retried + batch.retried,
    failed: totals.failed + batch.failed,
    stale: totals.stale + batch.stale,
  };
}

export async function drainWriteback(input: DrainWritebackInput): Promise<DrainWritebackResult> {
  const { tenantId, connectionId } = input;
  const maxBatchesPerRun = Math.max(1, input.maxBatchesPerRun ?? DEFAULT_WRITEBACK_BATCHES_PER_RUN);
  const continuations = input.resume?.continuations ?? 0;
  let totals: WritebackTotals = input.resume?.totals ?? { batches: 0, claimed: 0, confirmed: 0, retried: 0, failed: 0, stale: 0 };

  for (let thisRun = 0; ; ) {
    let batch: DrainBatchResult;
    try {
      batch = await batches.drainWritebackBatch({
        tenantId,
        connectionId,
        ...(input.batchSize === undefined ? {} : { batchSize: input.batchSize }),
      });
    } catch (error) {
      const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
      if (cause instanceof ApplicationFailure && isNonRetryableFailureType(cause.type)) {
        await bookkeeping.markConnection({ tenantId, connectionId, status: blockedStatusFor(cause.type), reason: cause.message });
        throw ApplicationFailure.nonRetryable(cause.message, cause.type);
      }
      throw error;
    }
    if (batch.claimed === 0) break;
    totals = add(totals, batch);
    thisRun += 1;
    if (!batch.more) break;
    if (thisRun >= maxBatchesPerRun || workflowInfo().continueAsNewSuggested) {
      return await continueAsNew<typeof drainWriteback>({ ...input, resume: { totals, continuations: continuations + 1 } });
    }
  }
  log.info("writeback drained", { ...totals });
  return { ...totals, continuations };
}
