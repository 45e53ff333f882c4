/**
 * What a sandbox route answers: a plain value, not a write to the socket. The server writes it, which is what lets
 * the kit add rate-limit headers, count outcomes, and deliver it slowly or cut it off when a fault asks for that.
 */

/** Why a reply was sent, for the sandbox's counters. Inferred from the status (401, 429) when a reply names none;
 * a vendor that signals quota with another status (Salesforce: 403 REQUEST_LIMIT_EXCEEDED) names it. */
export type ReplyOutcome = "unauthorized" | "rate-limited";

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly outcome?: ReplyOutcome;
}

export type Headers = Readonly<Record<string, string>>;

function reply(status: number, body: Buffer, contentType: string | undefined, headers: Headers): Reply {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new RangeError(`not an HTTP status: ${status}`);
  return { status, body, headers: contentType === undefined ? { ...headers } : { "content-type": contentType, ...headers } };
}

/** A JSON body. `undefined` is sent as `null`, so a body is always valid JSON. */
export function json(status: number, body: unknown, headers: Headers = {}): Reply {
  const text = JSON.stringify(body) ?? "null";
  return reply(status, Buffer.from(text), "application/json; charset=utf-8", headers);
}

export function text(status: number, body: string, headers: Headers = {}): Reply {
  return reply(status, Buffer.from(body), "text/plain; charset=utf-8", headers);
}

/** An HTML body: what a proxy or load balancer answers in front of an API (a 502 page, a maintenance page). */
export function html(status: number, body: string, headers: Headers = {}): Reply {
  return reply(status, Buffer.from(body), "text/html; charset=utf-8", headers);
}

export function empty(status: number, headers: Headers = {}): Reply {
  return reply(status, Buffer.alloc(0), undefined, headers);
}

export function redirect(location: string, status = 302): Reply {
  return empty(status, { location });
}

/** The same reply, counted as `outcome`. */
export function withOutcome(base: Reply, outcome: ReplyOutcome): Reply {
  return { ...base, outcome };
}

/**
 * Thrown from a handler (or by `req.json()` and friends) to answer with the sandbox's own error body for `status`.
 * Lets parsing helpers deep inside a handler give up without knowing the vendor's error format.
 */
export class SandboxHttpError extends Error {
  override readonly name = "SandboxHttpError";
  readonly status: number;
  /** A machine-readable code for vendors whose bodies carry one (e.g. `invalid_cursor`). */
  readonly code: string | undefined;
  readonly headers: Headers;

  constructor(status: number, message: string, options: { code?: string; headers?: Headers } = {}) {
    super(message);
    this.status = status;
    this.code = options.code;
    this.headers = options.headers ?? {};
  }
}

/** The error details a sandbox turns into its vendor-style body. */
export interface SandboxErrorInfo {
  status: number;
  message: string;
  code: string | undefined;
}

export type ErrorReply = (error: SandboxErrorInfo) => Reply;

/** Used when a sandbox supplies no error format: `{ "error": { "code", "message" } }`. */
export const defaultErrorReply: ErrorReply = ({ status, message, code }) =>
  json(status, { error: { code: code ?? `http_${status}`, message } });
