/**
 * When a failed attempt may be sent again. A GET repeated is harmless; a POST or PATCH that timed out, lost its
 * connection or got a 502 may already have been carried out, and repeating it could create a record twice or rotate
 * a refresh token twice. So a non-idempotent request is retried only when the server said it did NOT act on it,
 * or when the caller marks it `idempotent: true` (a search sent as POST, a write carrying an idempotency key).
 */
import type { ResponseDecision } from "./decision.js";
import type { HttpMethod, RequestOptions } from "./types.js";

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** The answer of a failed attempt, or undefined when there was none (a network failure or a timeout). */
export interface FailedAnswer {
  status: number;
  headers: Headers;
  decision: ResponseDecision;
}

export function mayRepeat(method: HttpMethod, options: RequestOptions, answer: FailedAnswer | undefined): boolean {
  if (options.idempotent === true || IDEMPOTENT_METHODS.has(method)) return true;
  return answer !== undefined && serverDidNotAct(answer);
}

/**
 * A rate limit and any 4xx (408 Request Timeout and 425 Too Early included) are refusals: nothing was done. A 503
 * with Retry-After says the same ("come back later"). Other 5xx may come from a gateway after the backend acted.
 */
function serverDidNotAct({ status, headers, decision }: FailedAnswer): boolean {
  if (decision.kind === "rate_limit") return true;
  if (status >= 400 && status < 500) return true;
  return status === 503 && headers.has("retry-after");
}
