/**
 * HMAC-signed OAuth `state`: `base64url(JSON payload).base64url(HMAC-SHA256)`.
 *
 * The payload carries the tenant and connection the flow was started for, an expiry and a random nonce. The
 * callback trusts the tenant in the state only after the signature checks out, and a nonce store makes every
 * state single-use, so a leaked callback URL cannot be replayed.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ConfigError, SignatureError } from "./errors.js";

/** Remembers used nonces until they expire. Implementations must make `consume` atomic (e.g. INSERT ... ON CONFLICT). */
export interface NonceStore {
  /** True the first time `nonce` is consumed, false if it was already used. */
  consume(nonce: string, expiresAt: Date): Promise<boolean>;
}

export interface MemoryNonceStoreOptions {
  /** Clock for expiry cleanup; tests inject one. */
  now?: () => Date;
}

/**
 * An in-process nonce store, for a single process (tests, the embedded worker). Several web servers need a
 * shared store (the database). Expired nonces are swept at most once a minute.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore & { size(): number } {
  const clock = options.now ?? (() => new Date());
  const used = new Map<string, number>();
  let lastSweep = 0;
  const sweep = (nowMs: number) => {
    if (nowMs - lastSweep < 60_000) return;
    lastSweep = nowMs;
    for (const [nonce, expiresAtMs] of used) if (expiresAtMs <= nowMs) used.delete(nonce);
  };
  return {
    consume(nonce, expiresAt) {
      sweep(clock().getTime());
      if (used.has(nonce)) return Promise.resolve(false);
      used.set(nonce, expiresAt.getTime());
      return Promise.resolve(true);
    },
    size: () => used.size,
  };
}

export interface CreateOAuthStateInput {
  tenantId: string;
  connectionId: string;
  /** At least 32 bytes. */
  secret: string | Uint8Array;
  ttlSeconds?: number;
  now?: Date;
  /** Small non-secret values to carry through the redirect (e.g. where to send the user afterwards). */
  extra?: Record<string, string>;
}

export interface OAuthStateResult {
  state: string;
  nonce: string;
  expiresAt: Date;
}

export interface VerifyOAuthStateOptions {
  secret: string | Uint8Array;
  nonceStore: NonceStore;
  now?: Date;
}

export interface VerifiedOAuthState {
  tenantId: string;
  connectionId: string;
  nonce: string;
  expiresAt: Date;
  extra?: Record<string, string>;
}

const MIN_SECRET_BYTES = 32;
const MAX_STATE_CHARS = 4096;
const HMAC_CONTEXT = "gtm-clarity/oauth-state/v1.";
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const PayloadSchema = z.strictObject({
  v: z.literal(1),
  tenantId: z.string().min(1),
  connectionId: z.string().min(1),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,}$/),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  extra: z.record(z.string(), z.string()).optional(),
});

type Payload = z.infer<typeof PayloadSchema>;

function secretBytes(secret: unknown): Buffer {
  // An unset environment variable arrives here as undefined or "": that is a deployment problem (ConfigError),
  // not a TypeError from deep inside Buffer.
  let bytes: Buffer | undefined;
  if (typeof secret === "string") bytes = Buffer.from(secret, "utf8");
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret);
  if (bytes === undefined || bytes.length < MIN_SECRET_BYTES) {
    throw new ConfigError(`OAuth state secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

function mac(secret: Buffer, encodedPayload: string): Buffer {
  // The context prefix keeps a state MAC from ever being valid as any other HMAC made with the same secret.
  return createHmac("sha256", secret).update(HMAC_CONTEXT).update(encodedPayload).digest();
}

/** Creates a signed, expiring, single-use state for an authorization request. */
export function createOAuthState({
  tenantId,
  connectionId,
  secret,
  ttlSeconds = 600,
  now = new Date(),
  extra,
}: CreateOAuthStateInput): OAuthStateResult {
  const key = secretBytes(secret);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new ConfigError("OAuth state ttlSeconds must be positive");
  const nonce = randomBytes(16).toString("base64url");
  const iat = now.getTime();
  const exp = iat + Math.round(ttlSeconds * 1000);
  const payload: Payload = { v: 1, tenantId, connectionId, nonce, iat, exp, ...(extra === undefined ? {} : { extra }) };
  const checked = PayloadSchema.safeParse(payload);
  if (!checked.success) {
    throw new ConfigError("OAuth state needs a non-empty tenantId and connectionId, and string-valued extra fields");
  }
  const encoded = Buffer.from(JSON.stringify(checked.data), "utf8").toString("base64url");
  return { state: `${encoded}.${mac(key, encoded).toString("base64url")}`, nonce, expiresAt: new Date(exp) };
}

function rejected(reason: "malformed" | "bad_signature" | "expired" | "replayed", message: string): SignatureError {
  return new SignatureError(`Invalid OAuth state: ${message}`, { details: { reason } });
}

/**
 * Verifies the state returned on the OAuth callback and consumes its nonce. Throws SignatureError for a
 * malformed, forged, tampered, expired or already-used state (`details.reason` says which).
 */
export async function verifyOAuthState(
  state: string,
  { secret, nonceStore, now = new Date() }: VerifyOAuthStateOptions,
): Promise<VerifiedOAuthState> {
  const key = secretBytes(secret);
  if (typeof state !== "string" || state.length === 0 || state.length > MAX_STATE_CHARS) {
    throw rejected("malformed", "missing or oversized");
  }
  const parts = state.split(".");
  const [encoded, signature] = parts;
  if (parts.length !== 2 || encoded === undefined || signature === undefined) {
    throw rejected("malformed", "expected <payload>.<signature>");
  }
  if (!BASE64URL.test(encoded) || !BASE64URL.test(signature)) throw rejected("malformed", "not base64url");

  const given = Buffer.from(signature, "base64url");
  const expected = mac(key, encoded);
  if (given.length !== expected.length || given.toString("base64url") !== signature || !timingSafeEqual(given, expected)) {
    throw rejected("bad_signature", "signature does not match");
  }

  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    throw rejected("malformed", "payload is not JSON");
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) throw rejected("malformed", "unexpected payload");
  const payload = parsed.data;

  if (now.getTime() >= payload.exp) throw rejected("expired", "the authorization took too long; start again");
  const expiresAt = new Date(payload.exp);
  if (!(await nonceStore.consume(payload.nonce, expiresAt))) {
    throw rejected("replayed", "this state was already used");
  }
  return {
    tenantId: payload.tenantId,
    connectionId: payload.connectionId,
    nonce: payload.nonce,
    expiresAt,
    ...(payload.extra === undefined ? {} : { extra: payload.extra }),
  };
}
