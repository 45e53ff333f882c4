/** Misconfiguration fails at construction, not as an odd wait in the middle of a sync. */
import { ConfigError } from "../errors.js";
import type { RateLimitPolicy } from "./types.js";

/** setTimeout's ceiling: a longer timer fires at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export function validateOptions(
  name: string,
  numbers: {
    timeoutMs: number;
    callTimeoutMs: number;
    maxBodyBytes: number;
    maxAttempts: number;
    maxTotalWaitMs: number;
    baseDelayMs: number;
    maxDelayMs: number;
  },
  policy: RateLimitPolicy,
): void {
  const problems: string[] = [];
  const positiveInteger = (key: string, value: number | undefined): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      problems.push(`${key} must be a positive integer`);
    }
  };
  const nonNegative = (key: string, value: number): void => {
    if (!Number.isFinite(value) || value < 0) problems.push(`${key} must be a finite number >= 0`);
  };
  positiveInteger("retry.maxAttempts", numbers.maxAttempts);
  positiveInteger("rateLimit.requests", policy.requests);
  positiveInteger("rateLimit.maxConcurrency", policy.maxConcurrency);
  positiveInteger("maxBodyBytes", numbers.maxBodyBytes);
  nonNegative("retry.maxTotalWaitMs", numbers.maxTotalWaitMs);
  nonNegative("retry.baseDelayMs", numbers.baseDelayMs);
  nonNegative("retry.maxDelayMs", numbers.maxDelayMs);
  for (const key of ["timeoutMs", "callTimeoutMs"] as const) {
    if (!(numbers[key] > 0 && numbers[key] <= MAX_TIMEOUT_MS)) problems.push(`${key} must be in (0, ${MAX_TIMEOUT_MS}]`);
  }
  if (policy.windowMs !== undefined && !(policy.windowMs > 0 && Number.isFinite(policy.windowMs))) {
    problems.push("rateLimit.windowMs must be a positive number");
  }
  if ((policy.requests === undefined) !== (policy.windowMs === undefined)) {
    problems.push("rateLimit.requests and rateLimit.windowMs go together");
  }
  if (problems.length > 0) throw new ConfigError(`HTTP client "${name}": ${problems.join("; ")}`);
}
