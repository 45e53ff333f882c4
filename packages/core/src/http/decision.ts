/** The generic reading of an HTTP status, used when the policy's `classify` has no opinion. */
import type { HttpDecision, RateLimitPolicy } from "./types.js";

export type ResponseDecision = HttpDecision | { kind: "success" };

export function decide(
  response: Parameters<NonNullable<RateLimitPolicy["classify"]>>[0],
  classify: RateLimitPolicy["classify"],
): ResponseDecision {
  const classified = classify?.(response);
  if (classified !== undefined) return classified;
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: "success" };
  if (status === 429) return { kind: "rate_limit" };
  // 403 is "forbidden", not a quota, unless the provider's classify says otherwise (Salesforce).
  if (status === 401 || status === 403) return { kind: "auth" };
  // 408 Request Timeout and 425 Too Early ask for a retry; a 5xx may be a blip, except "this will never work".
  if (status === 501 || status === 505) return { kind: "fail" };
  if (status === 408 || status === 425 || status >= 500) return { kind: "retry" };
  return { kind: "fail" };
}
