/**
 * Webhook signature checks. Verification functions never throw on malformed input: a forged or garbled request
 * is an expected event, not a bug, and it must not turn into a 500 (or a stack trace in the logs).
 * Every comparison of secret-derived bytes is constant-time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { HeaderBag } from "./connector.js";
import { ConfigError, SignatureError } from "./errors.js";

export type BinaryLike = string | Uint8Array;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;

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
  return createHmac("sha256", secret).update(payload).digest("hex");
}

/**
 * Constant-time check of a hex HMAC-SHA256 signature. Upper-case hex and surrounding whitespace are accepted;
 * anything else malformed (non-hex, wrong length, not a string, empty secret) returns false.
 */
export function verifyHmacSha256Hex(payload: BinaryLike, signatureHex: string, secret: BinaryLike): boolean {
  try {
    if (!isBinaryLike(payload) || !isBinaryLike(secret) || byteLength(secret) === 0) return false;
    if (typeof signatureHex !== "string") return false;
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
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) return false;
  return Math.abs(nowMs / 1000 - timestampSeconds) <= toleranceSeconds;
}

// ---- headers ----------------------------------------------------------------------------------------------------

/** All values of a header, case-insensitively, from a `Headers` or a plain record. */
function headerValues(headers: HeaderBag, name: string): string[] {
  if (typeof headers !== "object" || headers === null) return [];
  const lower = name.toLowerCase();
  // Duck-typed rather than `instanceof Headers`: undici, node-fetch and test doubles each bring their own class.
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === "function") {
    const value: unknown = getter.call(headers, lower);
    return typeof value === "string" ? [value] : [];
  }
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower) continue;
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((item): item is string => typeof item === "string"));
  }
  return values;
}

/** A single-valued header: undefined when absent, blank, or present with conflicting values. */
function singleHeader(headers: HeaderBag, name: string): string | undefined {
  let found: string | undefined;
  for (const raw of headerValues(headers, name)) {
    const value = raw.trim();
    if (value === "") continue;
    if (found !== undefined && found !== value) return undefined;
    found = value;
  }
  return found;
}

// ---- Standard Webhooks (Svix) ------------------------------------------------------------------------------------

export type StandardWebhookFailure =
  | "missing_headers"
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
  /** `whsec_<base64>` (or the bare base64). */
  secret: string;
}

export interface StandardWebhookVerifyInput {
  headers: HeaderBag;
  /** The body exactly as received. */
  rawBody: BinaryLike;
  secret: string;
  /** Default 300 s (5 minutes), as the spec recommends. */
  toleranceSeconds?: number;
  now?: Date;
}

const SECRET_PREFIX = "whsec_";
const TIMESTAMP = /^[0-9]{1,15}$/;

function decodeStrictBase64(value: string): Buffer | undefined {
  if (!BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64");
  // Reject non-canonical encodings (wrong padding, stray bits) rather than guess what the sender meant.
  return bytes.toString("base64") === value ? bytes : undefined;
}

/** `whsec_<base64>` or bare base64 -> key bytes; undefined when it is neither. */
function standardWebhookKey(secret: unknown): Buffer | undefined {
  if (typeof secret !== "string") return undefined;
  const trimmed = secret.trim();
  const encoded = trimmed.startsWith(SECRET_PREFIX) ? trimmed.slice(SECRET_PREFIX.length) : trimmed;
  const key = decodeStrictBase64(encoded);
  return key !== undefined && key.length > 0 ? key : undefined;
}

function standardWebhookDigest(key: Buffer, id: string, timestamp: string, body: BinaryLike): Buffer {
  // One update call, not two: each call crosses into C++, and for typical bodies that crossing is a visible share.
  const signed =
    typeof body === "string" ? `${id}.${timestamp}.${body}` : Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), body]);
  return createHmac("sha256", key).update(signed).digest();
}

/** Signs like a Standard Webhooks sender; returns the `webhook-signature` value `v1,<base64>`. */
export function signStandardWebhook({ id, timestamp, body, secret }: StandardWebhookSignInput): string {
  const key = standardWebhookKey(secret);
  if (key === undefined) throw new ConfigError("Invalid Standard Webhooks secret: expected whsec_<base64>");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new ConfigError("Standard Webhooks timestamp must be a non-negative integer of unix seconds");
  }
  return `v1,${standardWebhookDigest(key, id, String(timestamp), body).toString("base64")}`;
}

/**
 * Verifies a Standard Webhooks request (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The signature
 * header may carry several space-delimited `v<n>,<base64>` entries; any matching `v1` entry is enough, other
 * versions are ignored. Never throws.
 */
export function verifyStandardWebhook({
  headers,
  rawBody,
  secret,
  toleranceSeconds = 300,
  now = new Date(),
}: StandardWebhookVerifyInput): StandardWebhookVerification {
  try {
    const id = singleHeader(headers, "webhook-id");
    const timestampText = singleHeader(headers, "webhook-timestamp");
    const signatureValues = headerValues(headers, "webhook-signature").join(" ").trim();
    if (id === undefined || timestampText === undefined || signatureValues === "") {
      return { ok: false, reason: "missing_headers" };
    }
    if (!TIMESTAMP.test(timestampText)) return { ok: false, reason: "invalid_timestamp" };
    const timestamp = Number(timestampText);
    if (!isTimestampWithinTolerance(timestamp, toleranceSeconds, now)) {
      return { ok: false, reason: "timestamp_out_of_tolerance" };
    }
    const key = standardWebhookKey(secret);
    if (key === undefined) return { ok: false, reason: "invalid_secret" };
    if (!isBinaryLike(rawBody)) return { ok: false, reason: "no_matching_signature" };

    const expected = standardWebhookDigest(key, id, timestampText, rawBody);
    let matched = false;
    for (const entry of signatureValues.split(/\s+/)) {
      // A proxy that merged repeated headers leaves "v1,abc=," behind: a trailing comma is never part of base64.
      const cleaned = entry.replace(/,+$/, "");
      const comma = cleaned.indexOf(",");
      if (comma < 0 || cleaned.slice(0, comma) !== "v1") continue;
      const candidate = decodeStrictBase64(cleaned.slice(comma + 1));
      if (candidate === undefined || candidate.length !== SHA256_BYTES) continue;
      // No early exit: the time taken does not depend on which entry (if any) matched.
      if (timingSafeEqual(expected, candidate)) matched = true;
    }
    return matched ? { ok: true, id, timestamp } : { ok: false, reason: "no_matching_signature" };
  } catch {
    return { ok: false, reason: "no_matching_signature" };
  }
}

const FAILURE_MESSAGES: Record<StandardWebhookFailure, string> = {
  missing_headers: "webhook-id, webhook-timestamp or webhook-signature header is missing",
  invalid_timestamp: "webhook-timestamp is not unix seconds",
  timestamp_out_of_tolerance: "webhook-timestamp is too far from now (stale or replayed request)",
  invalid_secret: "the configured signing secret is not whsec_<base64>",
  no_matching_signature: "no webhook-signature entry matches the request",
};

/** Like `verifyStandardWebhook`, but throws SignatureError (with `details.reason`) when verification fails. */
export function assertStandardWebhook(input: StandardWebhookVerifyInput): { id: string; timestamp: number } {
  const result = verifyStandardWebhook(input);
  if (!result.ok) {
    throw new SignatureError(`Standard Webhooks verification failed (${result.reason}): ${FAILURE_MESSAGES[result.reason]}`, {
      details: { reason: result.reason },
    });
  }
  return { id: result.id, timestamp: result.timestamp };
}
