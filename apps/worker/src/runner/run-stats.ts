/** How a run's named counts and notices (core's `SyncStats.counts` / `notices`, summed per run) read in the CLI. */
import { formatCount } from "./progress.js";

/** `a=1, b=2` in name order; empty when there are none. */
export function formatCounts(counts: Readonly<Record<string, number>> | undefined): string {
  if (!counts) return "";
  return Object.keys(counts)
    .sort()
    .map((name) => `${name}=${formatCount(counts[name] ?? 0)}`)
    .join(", ");
}

/** Lines under a summary table: each connection's counts, then each of its notices once. */
export function statsLines(label: string, stats: { counts?: Readonly<Record<string, number>>; notices?: readonly string[] }): string[] {
  const counts = formatCounts(stats.counts);
  return [...(counts ? [`${label}: ${counts}`] : []), ...(stats.notices ?? []).map((notice) => `${label}: note: ${notice}`)];
}
