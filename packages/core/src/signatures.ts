/**
 * Webhook signature checks. Verification functions never throw on malformed input: a forged or garbled request
 * is an expected event, not a bug, and it must not turn into a 500 (or a stack trace in the logs).
 * Every comparison of secret-derived bytes is constant-time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { HeaderBag } from "./connector.js";
import { ConfigError, SignatureError, ValidationError } from "./errors.js";
import {
  MAX_WEBHOOK_ID_CHARS,
  MAX_WEBHOOK_SIGNATURE_CHARS,
  MAX_WEBHOOK_TIMESTAMP_CHARS,
  parseSignatureEntries,
  readHeaderValues,
  readSingleHeader,
} from "./webhook-headers.js";

export type BinaryLike = string | Uint8Array;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;
/** base64 of 32 bytes: 43 characters and one `=`. Anything else cannot be a v1 signature, so it is never decoded. */
const SHA256_BASE64_CHARS = 44;
/** Hex of 32 bytes is 64 characters; the slack is for whitespace a sender may leave around it. */
const MAX_HEX_SIGNATURE_CHARS = 256;

function isBinaryLike(value: unknown): value is BinaryLike {
  return typeof value === "string" || value instanceof Uint8Array;
}

function byteLength(value: BinaryLike): number {
  return typeof value === "string" ? Buffer.byteLength(value, "utf8") : value.byteLength;
}

/** Lower-case hex HMAC-SHA256. A string secret is used as its UTF-8 bytes (Customer.io's scheme). */
export function signHmacSha256Hex(payload: BinaryLike, secret: BinaryLike): string {
  if (!isBinaryLike(secret) || byteLength(secret) === 0) {
    throw new ConfigError("Refusing to sign with an empty HMAC secret");
  }
  if (!isBinaryLike(payload)) throw new ValidationError("HMAC payload must be a string or bytes");
  return createHmac("sha256", secret).update(payload).digest("hex");
}

/**
 * Constant-time check of a hex HMAC-SHA256 signature. Upper-case hex and surrounding whitespace are accepted;
 * anything else malformed (non-hex, wrong length, not a string, empty secret) returns false.
 */
export function verifyHmacSha256Hex(payload: BinaryLike, signatureHex: string, secret: BinaryLike): boolean {
  try {
    if (!isBinaryLike(payload) || !isBinaryLike(secret) || byteLength(secret) === 0) return false;
    // Capped before trim/toLowerCase, so an oversized header costs nothing.
    if (typeof signatureHex !== "string" || signatureHex.length > MAX_HEX_SIGNATURE_CHARS) return false;
    const normalized = signatureHex.trim().toLowerCase();
    if (!HEX_SHA256.test(normalized)) return false;
    const expected = createHmac("sha256", secret).update(payload).digest();
    return timingSafeEqual(expected, Buffer.from(normalized, "hex"));
  } catch {
    return false;
  }
}

/** Whether a unix timestamp (seconds) is within `toleranceSeconds` of `now`, in either direction. */
export function isTimestampWithinTolerance(timestampSeconds: number, toleranceSeconds: number, now: Date = new Date()): boolean {
  if (!Number.isFinite(timestampSeconds) || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) return false;
  // `null` (or any non-Date) slips past the default parameter at runtime; it must not become a TypeError.
  if (!(now instanceof Date)) return false;
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) return false;
  return Math.abs(nowMs / 1000 - timestampSeconds) <= toleranceSeconds;
}

// ---- Standard Webhooks (Svix) ------------------------------------------------------------------------------------

export type StandardWebhookFailure =
  | "missing_headers"
  | "header_too_long"
  | "invalid_timestamp"
  | "timestamp_out_of_tolerance"
  | "invalid_secret"
  | "no_matching_signature";

export type StandardWebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: StandardWebhookFailure };

export interface StandardWebhookSignInput {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: BinaryLike;
  /** `whsec_<base64>` (or the bare base64) of at least 16 bytes. */
  secret: string;
}

export interface StandardWebhookVerifyInput {
  headers: HeaderBag;
  /** The body exactly as received. */
  rawBody: BinaryLike;
  /** `whsec_<base64>` (or the bare base64) of at least 16 bytes. */
  secret: string;
  /** Default 300 s (5 minutes), as the spec recommends. */
  toleranceSeconds?: number;
  now?: Date;
}

const SECRET_PREFIX = "whsec_";
/** A shorter key is guessable offline from one signed message; senders use 24 to 64 bytes. */
export const MIN_STANDARD_WEBHOOK_SECRET_BYTES = 16;
/** Far above the spec's 64-byte keys; it only bounds the work a misconfigured value can cause. */
const MAX_SECRET_CHARS = 1024;
const TIMESTAMP = /^[0-9]{1,15}$/;

function decodeStrictBase64(value: string): Buffer | undefined {
  if (!BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  // Reject non-canonical encodings (wrong padding, stray bits) rather than guess what the sender meant.
  return bytes.toString("base64") === value ? bytes : undefined;
}

/** `whsec_<base64>` or bare base64 of 16+ bytes -> key bytes; undefined when it is neither. */
function standardWebhookKey(secret: unknown): Buffer | undefined {
  if (typeof secret !== "string" || secret.length > MAX_SECRET_CHARS) return undefined;
  const trimmed = secret.trim();
  const encoded = trimmed.startsWith(SECRET_PREFIX) ? trimmed.slice(SECRET_PREFIX.length) : trimmed;
  const key = decodeStrictBase64(encoded);
  return key !== undefined && key.length >= MIN_STANDARD_WEBHOOK_SECRET_BYTES ? key : undefined;
}

function standardWebhookDigest(key: Buffer, id: string, timestamp: string, body: BinaryLike): Buffer {
  // One update call, not two: each call crosses into C++, and for typical bodies that crossing is a visible share.
  const signed =
    typeof body === "string" ? `${id}.${timestamp}.${body}` : Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), body]);
  return createHmac("sha256", key).update(signed).digest();
}

const INVALID_SECRET_MESSAGE = `the configured Standard Webhooks secret is not whsec_<base64> of at least ${MIN_STANDARD_WEBHOOK_SECRET_BYTES} bytes`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Signs like a Standard Webhooks sender; returns the `webhook-signature` value `v1,<base64>`. */
export function signStandardWebhook(input: StandardWebhookSignInput): string {
  if (!isObject(input)) throw new ValidationError("signStandardWebhook needs { id, timestamp, body, secret }");
  const { id, timestamp, body, secret } = input;
  const key = standardWebhookKey(secret);
  if (key === undefined) throw new ConfigError(`Invalid Standard Webhooks secret: ${INVALID_SECRET_MESSAGE}`);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new ConfigError("Standard Webhooks timestamp must be a non-negative integer of unix seconds");
  }
  if (typeof id !== "string" || id === "" || !isBinaryLike(body)) {
    throw new ValidationError("signStandardWebhook needs a non-empty string id and a string or byte body");
  }
  return `v1,${standardWebhookDigest(key, id, String(timestamp), body).toString("base64")}`;
}

/** The v1 entries of the signature header as 32-byte digests; malformed or other-version entries are skipped. */
function v1Candidates(signatureValues: readonly string[]): Buffer[] {
  const candidates: Buffer[] = [];
  for (const { version, signature } of parseSignatureEntries(signatureValues)) {
    // The length check comes first: only a 44-character value is ever matched or decoded.
    if (version !== "v1" || signature.length !== SHA256_BASE64_CHARS) continue;
    const candidate = decodeStrictBase64(signature);
    if (candidate?.length === SHA256_BYTES) candidates.push(candidate);
  }
  return candidates;
}

/**
 * Verifies a Standard Webhooks request (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The signature
 * header may carry several space-delimited `v<n>,<base64>` entries; any matching `v1` entry is enough, other
 * versions are ignored. Never throws, whatever the input (a non-object included).
 *
 * Headers longer than a legitimate sender ever sends are rejected (`header_too_long`) before they are parsed, so a
 * crafted request costs the same small, fixed amount of work with or without the secret.
 */
export function verifyStandardWebhook(input: StandardWebhookVerifyInput): StandardWebhookVerification {
  try {
    if (!isObject(input)) return { ok: false, reason: "missing_headers" };
    const { headers, rawBody } = input;
    const toleranceSeconds = input.toleranceSeconds ?? 300;
    const now = input.now ?? new Date();
    const id = readSingleHeader(headers, "webhook-id", MAX_WEBHOOK_ID_CHARS);
    const timestampText = readSingleHeader(headers, "webhook-timestamp", MAX_WEBHOOK_TIMESTAMP_CHARS);
    const signatures = readHeaderValues(headers, "webhook-signature", MAX_WEBHOOK_SIGNATURE_CHARS);
    if (!id.ok || !timestampText.ok || !signatures.ok) return { ok: false, reason: "header_too_long" };
    if (id.value === undefined || timestampText.value === undefined || signatures.values.every((value) => value.trim() === "")) {
      return { ok: false, reason: "missing_headers" };
    }
    if (!TIMESTAMP.test(timestampText.value)) return { ok: false, reason: "invalid_timestamp" };
    const timestamp = Number(timestampText.value);
    if (!isTimestampWithinTolerance(timestamp, toleranceSeconds, now)) {
      return { ok: false, reason: "timestamp_out_of_tolerance" };
    }
    const key = standardWebhookKey(input.secret);
    if (key === undefined) return { ok: false, reason: "invalid_secret" };
    if (!isBinaryLike(rawBody)) return { ok: false, reason: "no_matching_signature" };

    const expected = standardWebhookDigest(key, id.value, timestampText.value, rawBody);
    let matched = false;
    for (const candidate of v1Candidates(signatures.values)) {
      // No early exit: the time taken does not depend on which entry (if any) matched.
      if (timingSafeEqual(expected, candidate)) matched = true;
    }
    return matched ? { ok: true, id: id.value, timestamp } : { ok: false, reason: "no_matching_signature" };
  } catch {
    return { ok: false, reason: "no_matching_signature" };
  }
}

const FAILURE_MESSAGES: Record<StandardWebhookFailure, string> = {
  missing_headers: "webhook-id, webhook-timestamp or webhook-signature header is missing",
  header_too_long: "webhook-id, webhook-timestamp or webhook-signature header is longer than any sender sends",
  invalid_timestamp: "webhook-timestamp is not unix seconds",
  timestamp_out_of_tolerance: "webhook-timestamp is too far from now (stale or replayed request)",
  invalid_secret: INVALID_SECRET_MESSAGE,
  no_matching_signature: "no webhook-signature entry matches the request",
};

/**
 * Like `verifyStandardWebhook`, but throws when verification fails: SignatureError (with `details.reason`) for
 * anything about the request, ConfigError when the configured secret is missing or weak, since no request can fix
 * that and it must not read as a forged delivery.
 */
export function assertStandardWebhook(input: StandardWebhookVerifyInput): { id: string; timestamp: number } {
  const result = verifyStandardWebhook(input);
  if (!result.ok) {
    const message = `Standard Webhooks verification failed (${result.reason}): ${FAILURE_MESSAGES[result.reason]}`;
    const options = { details: { reason: result.reason } };
    throw result.reason === "invalid_secret" ? new ConfigError(message, options) : new SignatureError(message, options);
  }
  return { id: result.id, timestamp: result.timestamp };
}
