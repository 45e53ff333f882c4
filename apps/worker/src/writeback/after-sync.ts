/**
 * The in-process runner's writeback step: after a connection's sync succeeds, push what its outbox holds that is
 * due. A failed drain never fails the sync that preceded it; it is reported, and the changes stay queued.
 */
import { redactString } from "@gtm-clarity/core";
import type { SyncTarget } from "../activities/types.js";
import type { WritebackDrainer } from "./activities.js";

export interface DrainAfterSyncReport {
  log(line: string): void;
}

export async function drainAfterSync(
  drainer: WritebackDrainer,
  target: SyncTarget & { label?: string },
  connectorId: string | null,
  report: DrainAfterSyncReport,
  signal?: AbortSignal,
): Promise<void> {
  if (connectorId === null || !drainer.supports(connectorId)) return;
  const name = target.label ?? target.connectionId;
  try {
    const totals = await drainer.drain({ tenantId: target.tenantId, connectionId: target.connectionId }, signal ? { signal } : {});
    if (totals.claimed > 0) {
      report.log(`${name}: writeback ${totals.confirmed} confirmed, ${totals.failed} failed, ${totals.retried} to retry later`);
    }
  } catch (error) {
    report.log(`${name}: writeback not drained: ${redactString(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`);
  }
}
