/** What every kind's sandbox records share: deterministic picks, ids and timestamps. */

/** The first record was created at this instant, each later one an hour after the previous. */
export const SANDBOX_EPOCH = Date.parse("2025-01-06T09:00:00Z");
export const HOUR_MS = 3_600_000;
/** Records that point at an account point at one of the first few. */
export const ACCOUNT_REFERENCES = 8;
export const COMPANIES = ["globex", "initech", "umbrella", "hooli", "vandelay", "soylent", "tyrell", "wonka"] as const;

/** One kind's records: record `i` depends only on `i`, and one malformed record a sync must quarantine. */
export interface SandboxKind<T> {
  /** Well-formed records in the default data set; with the page size of 10 each kind spans several pages. */
  readonly count: number;
  make(index: number): T;
  malformed(index?: number): T;
}

export function pick<T>(list: readonly T[], index: number): T {
  const value = list[index % list.length];
  if (value === undefined) throw new RangeError("pick from an empty list");
  return value;
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
