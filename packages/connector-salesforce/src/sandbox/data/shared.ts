/** What every kind's sandbox records share: seeded randomness, ids and timestamps. */
import { itemSeed, SeededRandom } from "@gtm-clarity/testkit/sandbox";

/** The first record was created at this instant, each later one an hour after the previous. */
export const SANDBOX_EPOCH = Date.parse("2025-01-06T09:00:00Z");
export const HOUR_MS = 3_600_000;
/** Records that point at an account point at one of the first few. */
export const ACCOUNT_REFERENCES = 8;
/** The data set's seed unless a caller picks another: same seed, same records. */
export const DEFAULT_SEED = 1;

/**
 * One kind's records: record `i` depends only on (seed, i) (testkit's `SeededRandom` from `itemSeed`), so a data set
 * of 5,000 starts with the same records as one of 50; and one malformed record a sync must quarantine.
 */
export interface SandboxKind<T> {
  /** Well-formed records in the default data set; with the page size of 10 each kind spans several pages. */
  readonly count: number;
  make(index: number, seed?: number): T;
  malformed(index?: number): T;
}

export function randomFor(index: number, seed: number): SeededRandom {
  return new SeededRandom(itemSeed(seed, index));
}

export function pad(index: number): string {
  return String(index + 1).padStart(4, "0");
}

/** Created on the hour, updated half an hour later: `updated_at` increases with the index. */
export function timestamps(index: number): { created_at: string; updated_at: string; deleted: boolean } {
  const created = SANDBOX_EPOCH + index * HOUR_MS;
  return {
    created_at: new Date(created).toISOString(),
    updated_at: new Date(created + HOUR_MS / 2).toISOString(),
    deleted: false,
  };
}
