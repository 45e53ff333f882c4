/**
 * Customer.io's reporting-webhook signature: `X-CIO-Signature` is the lower-case hex HMAC-SHA256, keyed with the
 * webhook's signing secret as UTF-8 bytes, of `"v0:" + X-CIO-Timestamp + ":" + <raw body bytes>`. Checked with core's
 * timing-safe `verifyHmacSha256Hex` over the raw bytes and core's `isTimestampWithinTolerance` (Customer.io states no
 * replay window; 5 minutes either way, as Standard Webhooks use).
 *
 * Every input is bounded before any work that grows with it: the body (`maxBodyBytes`) and both headers are
 * length-checked first, so an oversized or crafted request costs a fixed, small amount.
 */
import {
  ConfigError,
  SignatureError,
  isTimestampWithinTolerance,
  verifyHmacSha256Hex,
  readSingleHeader,
  type WebhookRequest,
} from "@gtm-clarity/core";

export const CIO_TIMESTAMP_HEADER = "x-cio-timestamp";
export const CIO_SIGNATURE_HEADER = "x-cio-signature";
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
/**
 * Reporting events are small JSON objects; with "Body content" on, a `sent` event carries the message's HTML too.
 * 1 MiB holds any email Customer.io will send (its own message size limit is lower) and bounds the HMAC's work.
 */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
const MAX_TIMESTAMP_CHARS = 32;
const MAX_SIGNATURE_CHARS = 256;
const TIMESTAMP = /^[0-9]{1,15}$/;

export type CioSignatureFailure =
  | "missing_headers"
  | "header_too_long"
  | "body_too_large"
  | "invalid_timestamp"
  | "timestamp_out_of_tolerance"
  | "no_matching_signature";

const MESSAGES: Record<CioSignatureFailure, string> = {
  missing_headers: "X-CIO-Timestamp or X-CIO-Signature header is missing",
  header_too_long: "X-CIO-Timestamp or X-CIO-Signature header is longer than Customer.io ever sends",
  body_too_large: `the body is larger than ${MAX_WEBHOOK_BODY_BYTES} bytes`,
  invalid_timestamp: "X-CIO-Timestamp is not unix seconds",
  timestamp_out_of_tolerance: "X-CIO-Timestamp is too far from now (stale or replayed request)",
  no_matching_signature: "X-CIO-Signature does not match the body",
};

export interface VerifiedCioWebhook {
  timestamp: number;
  /** The raw body as bytes, for parsing. */
  body: Buffer;
}

/** Throws SignatureError (with `details.reason`) for any request Customer.io did not sign just now. */
export function verifyCioSignature(request: WebhookRequest, options: { maxBodyBytes?: number; toleranceSeconds?: number } = {}): VerifiedCioWebhook {
  const fail = (reason: CioSignatureFailure): never => {
    throw new SignatureError(`Customer.io webhook verification failed (${reason}): ${MESSAGES[reason]}`, { details: { reason } });
  };
  const given: Partial<WebhookRequest> = request !== null && typeof request === "object" ? request : {};
  if (typeof given.secret !== "string" || given.secret === "") {
    throw new ConfigError("The Customer.io webhook signing secret is not configured for this connection");
  }
  const { rawBody } = given;
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array)) return fail("no_matching_signature");
  const maxBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit: the cheap bound first, the exact count only near it.
  const size = typeof rawBody === "string" ? (rawBody.length * 3 <= maxBytes ? 0 : Buffer.byteLength(rawBody)) : rawBody.byteLength;
  if (size > maxBytes) return fail("body_too_large");
  const timestamp = readSingleHeader(given.headers, CIO_TIMESTAMP_HEADER, MAX_TIMESTAMP_CHARS);
  const signature = readSingleHeader(given.headers, CIO_SIGNATURE_HEADER, MAX_SIGNATURE_CHARS);
  if (!timestamp.ok || !signature.ok) return fail("header_too_long");
  if (timestamp.value === undefined || signature.value === undefined) return fail("missing_headers");
  if (!TIMESTAMP.test(timestamp.value)) return fail("invalid_timestamp");
  const seconds = Number(timestamp.value);
  const now = given.now instanceof Date ? given.now : new Date();
  if (!isTimestampWithinTolerance(seconds, options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS, now)) {
    return fail("timestamp_out_of_tolerance");
  }
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const signed = Buffer.concat([Buffer.from(`v0:${timestamp.value}:`, "utf8"), body]);
  if (!verifyHmacSha256Hex(signed, signature.value, given.secret)) return fail("no_matching_signature");
  return { timestamp: seconds, body };
}
