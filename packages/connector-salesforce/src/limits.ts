/**
 * The org's daily API allocation, read from `Sforce-Limit-Info: api-usage=N/M` on every response (vendor-apis.md
 * §1.5). A sync stops (RateLimitError, retryable, with a wait) before it uses more than its configured share of the
 * allocation, so that the org's own integrations keep theirs; a 403 REQUEST_LIMIT_EXCEEDED (the allocation is gone)
 * is a rate limit with a long wait, never hammered.
 */
import { RateLimitError } from "@gtm-clarity/core";

/** The allocation is a rolling 24 h: no reset time is given, so a paused sync comes back after an hour. */
export const LIMIT_PAUSE_MS = 3_600_000;
/** The concurrent long-request limit (`ConcurrentPerOrgLongTxn`) frees within seconds. */
export const CONCURRENCY_PAUSE_MS = 20_000;

export interface ApiUsage {
  used: number;
  max: number;
}

/** `api-usage=18/5000` or `api-usage=10018/100000; api-bursts=1/750`; undefined for anything else. */
export function parseLimitInfo(header: string | null | undefined): ApiUsage | undefined {
  if (header === null || header === undefined) return undefined;
  const match = /(?:^|[;,\s])api-usage=(\d+)\/(\d+)/.exec(header);
  if (match === null) return undefined;
  const used = Number(match[1]);
  const max = Number(match[2]);
  return Number.isSafeInteger(used) && Number.isSafeInteger(max) && max > 0 ? { used, max } : undefined;
}

/** The last usage each org reported, by instance URL, kept for the connector's lifetime. */
export class ApiUsageTracker {
  readonly #byOrg = new Map<string, ApiUsage & { at: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  observe(org: string, header: string | null): void {
    const usage = parseLimitInfo(header);
    if (usage !== undefined) this.#byOrg.set(org, { ...usage, at: this.#now() });
  }

  /** Whether the org's last fresh reading is below `sharePercent` of its allocation (no reading: yes). */
  withinShare(org: string, sharePercent: number): boolean {
    const usage = this.#byOrg.get(org);
    if (usage === undefined || this.#now() - usage.at >= LIMIT_PAUSE_MS) return true;
    return usage.used < Math.floor((usage.max * sharePercent) / 100);
  }

  get(org: string): ApiUsage | undefined {
    const usage = this.#byOrg.get(org);
    return usage === undefined ? undefined : { used: usage.used, max: usage.max };
  }

  /**
   * Throws before a request when the org's usage has reached `sharePercent` of its allocation. A reading older than
   * the pause is not trusted: the rolling window has moved, and the next response tells the truth again.
   */
  assertWithinShare(org: string, sharePercent: number): void {
    const usage = this.#byOrg.get(org);
    if (usage === undefined || this.withinShare(org, sharePercent)) return;
    const budget = Math.floor((usage.max * sharePercent) / 100);
    throw new RateLimitError(
      `Salesforce: the org has used ${usage.used} of its ${usage.max} daily API requests; this connection may use ` +
        `${sharePercent}% (${budget}), so the sync pauses`,
      LIMIT_PAUSE_MS,
      { details: { used: usage.used, max: usage.max, sharePercent } },
    );
  }
}
