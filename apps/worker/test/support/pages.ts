/** A page of account records as a connector returns it (a module of its own: fetch threads load it too). */
import type { CanonicalRecord, SyncResult } from "@gtm-clarity/core";

export function page(cursor: string | null, hasMore: boolean, ids: string[] = []): SyncResult<CanonicalRecord> {
  return {
    records: ids.map((externalId) => ({
      kind: "account" as const,
      externalId,
      name: `Account ${externalId}`,
      domain: `${externalId}.example`,
      properties: {},
      isDeleted: false,
    })) as CanonicalRecord[],
    cursor,
    hasMore,
    syncedAt: new Date(),
    stats: { created: ids.length, updated: 0, errors: 0 },
  };
}
