/** Exponential backoff with "full jitter" (a uniform pick in [0, cap]), which spreads retries of many clients apart. */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: "full" | "none";
}

/** Delay before retry number `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return policy.jitter === "full" ? Math.round(random() * cap) : cap;
}
