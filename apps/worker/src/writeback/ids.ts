/** Temporal ids and patch ids for writeback, pure so both the workflow bundle and client code may import them. */

/**
 * One drain per connection at a time: every start uses this id (the sync's child in ./trigger.ts, the client in
 * ./temporal-start.ts), so the server refuses a second while one runs, and a closed one may run again.
 */
export function writebackWorkflowId(tenantId: string, connectionId: string): string {
  return `writeback:${tenantId}:${connectionId}`;
}

/** The `patched()` id under which `syncConnection` gained its writeback step (./trigger.ts). */
export const WRITEBACK_AFTER_SYNC_PATCH = "writeback-after-sync";
