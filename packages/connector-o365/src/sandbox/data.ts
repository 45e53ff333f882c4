/**
 * Deterministic sandbox records: record `i` of a kind depends only on the seed and `i`, so a data set of 5,000
 * starts with the same records as one of 50. `sandboxData()` adds one malformed record per kind, which a sync must quarantine.
 * One entry per kind and line: generation removes the lines of the kinds it was not asked for.
 */
import { STREAM_KINDS, type StreamKind } from "../streams.js";
import { DEFAULT_SEED, type SandboxKind } from "./data/shared.js";
import { personSandbox } from "./data/person.js";
import { accountSandbox } from "./data/account.js";
import { activitySandbox } from "./data/activity.js";

export const SANDBOX_KINDS: Record<StreamKind, SandboxKind<unknown>> = {
  person: personSandbox,
  account: accountSandbox,
  activity: activitySandbox,
};

export type SandboxData = Partial<Record<StreamKind, unknown[]>>;

/** `count` well-formed records of `kind` (default: the kind's `count`) plus one malformed record. */
export function sandboxRecords(
  kind: StreamKind,
  count: number = SANDBOX_KINDS[kind].count,
  seed: number = DEFAULT_SEED,
): unknown[] {
  const data = SANDBOX_KINDS[kind];
  return [...Array.from({ length: count }, (_, index) => data.make(index, seed)), data.malformed(Math.floor(count / 2))];
}

/** `sandboxRecords` for every kind the connector syncs. */
export function sandboxData(counts: Partial<Record<StreamKind, number>> = {}, seed: number = DEFAULT_SEED): SandboxData {
  const data: SandboxData = {};
  for (const kind of STREAM_KINDS) data[kind] = sandboxRecords(kind, counts[kind], seed);
  return data;
}
