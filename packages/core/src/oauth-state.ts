/**
 * HMAC-signed OAuth `state`: `base64url(JSON payload).base64url(HMAC-SHA256)`.
 *
 * The payload (v2) carries the tenant and connection the flow was started for, the hash of the session binding
 * (see oauth-binding.ts), an expiry of at most 15 minutes and a random nonce. The callback accepts it only when
 * the signature checks out, the browser presents the binding cookie, the signed-in tenant is the state's tenant,
 * and the nonce was never used: a state is useless to anyone but the session that started the flow, and only once.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ConfigError, SignatureError } from "./errors.js";
import { hashOAuthBinding, isOAuthBindingValue, OAUTH_BINDING_HASH, oauthBindingMatches } from "./oauth-binding.js";

export { createOAuthBinding, type OAuthBinding } from "./oauth-binding.js";

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
  /**
   * `createOAuthBinding().cookieValue`, the value the app sets as the binding cookie on this response. Only its
   * hash goes into the state.
   */
  sessionBinding: string;
  /** At least 32 bytes. */
  secret: string | Uint8Array;
  /** Default 600 (10 minutes); at most 900. */
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
  /** The binding cookie's value as the callback request carries it; undefined when the browser sent none. */
  sessionBinding: string | undefined;
  /** The tenant of the signed-in session handling the callback, from the server-side session, never from the state. */
  expectedTenantId: string;
  now?: Date;
}

export interface VerifiedOAuthState {
  tenantId: string;
  connectionId: string;
  nonce: string;
  expiresAt: Date;
  extra?: Record<string, string>;
}

export type OAuthStateRejection =
  | "malformed"
  | "unsupported_version"
  | "bad_signature"
  | "binding_mismatch"
  | "tenant_mismatch"
  | "expired"
  | "replayed";

export const DEFAULT_OAUTH_STATE_TTL_SECONDS = 600;
/** Long enough for a consent screen and a login with MFA; short enough that a leaked state soon dies. */
export const MAX_OAUTH_STATE_TTL_SECONDS = 900;

const PAYLOAD_VERSION = 2;
const MIN_SECRET_BYTES = 32;
const MAX_STATE_CHARS = 4096;
// The MAC scheme has not changed since v1 (the payload carries its own version), so neither has its context.
const HMAC_CONTEXT = "gtm-clarity/oauth-state/v1.";
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const PayloadSchema = z.strictObject({
  v: z.literal(PAYLOAD_VERSION),
  tenantId: z.string().min(1),
  connectionId: z.string().min(1),
  bindingHash: z.string().regex(OAUTH_BINDING_HASH),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{22,}$/),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  extra: z.record(z.string(), z.string()).optional(),
});

type Payload = z.infer<typeof PayloadSchema>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

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

function clockOf(now: unknown): number {
  const ms = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ConfigError("OAuth state `now` must be a valid Date");
  return ms;
}

function mac(secret: Buffer, encodedPayload: string): Buffer {
  // The context prefix keeps a state MAC from ever being valid as any other HMAC made with the same secret.
  return createHmac("sha256", secret).update(HMAC_CONTEXT).update(encodedPayload).digest();
}

/** Constant-time string equality for values of any length (hashing first makes the lengths equal). */
function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Creates a signed, expiring, single-use state for an authorization request, bound to the browser session that
 * holds `sessionBinding` in its cookie and to `tenantId`. Throws ConfigError for a missing or short secret, a
 * missing binding, a ttl outside (0, 900] seconds, or a state that would exceed 4096 characters.
 */
export function createOAuthState(input: CreateOAuthStateInput): OAuthStateResult {
  if (!isObject(input)) throw new ConfigError("createOAuthState needs { tenantId, connectionId, sessionBinding, secret }");
  const { tenantId, connectionId, sessionBinding, secret, extra } = input;
  const ttlSeconds = input.ttlSeconds ?? DEFAULT_OAUTH_STATE_TTL_SECONDS;
  const key = secretBytes(secret);
  if (typeof ttlSeconds !== "number" || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new ConfigError("OAuth state ttlSeconds must be positive");
  }
  if (ttlSeconds > MAX_OAUTH_STATE_TTL_SECONDS) {
    throw new ConfigError(`OAuth state ttlSeconds must be at most ${MAX_OAUTH_STATE_TTL_SECONDS} (15 minutes)`);
  }
  if (!isOAuthBindingValue(sessionBinding)) {
    // The value itself is never echoed: it is the browser's proof of ownership of the flow.
    throw new ConfigError("OAuth state needs sessionBinding: the cookieValue from createOAuthBinding()");
  }
  const nonce = randomBytes(16).toString("base64url");
  const iat = clockOf(input.now);
  const exp = iat + Math.round(ttlSeconds * 1000);
  const payload: Payload = {
    v: PAYLOAD_VERSION,
    tenantId,
    connectionId,
    bindingHash: hashOAuthBinding(sessionBinding),
    nonce,
    iat,
    exp,
    ...(extra === undefined ? {} : { extra }),
  };
  const checked = PayloadSchema.safeParse(payload);
  if (!checked.success) {
    throw new ConfigError("OAuth state needs a non-empty tenantId and connectionId, and string-valued extra fields");
  }
  const encoded = Buffer.from(JSON.stringify(checked.data), "utf8").toString("base64url");
  const state = `${encoded}.${mac(key, encoded).toString("base64url")}`;
  if (state.length > MAX_STATE_CHARS) {
    // verifyOAuthState would refuse it as oversized: fail here, where the cause (too much `extra`) is known.
    throw new ConfigError(`OAuth state would exceed ${MAX_STATE_CHARS} characters: carry less in extra`);
  }
  return { state, nonce, expiresAt: new Date(exp) };
}

function rejected(reason: OAuthStateRejection, message: string): SignatureError {
  return new SignatureError(`Invalid OAuth state: ${message}`, { details: { reason } });
}

function decodePayload(encoded: string): Payload {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    throw rejected("malformed", "payload is not JSON");
  }
  if (isObject(json) && json["v"] !== PAYLOAD_VERSION) {
    // A v1 state was bound to no session: even correctly signed, it must not be honoured.
    throw rejected("unsupported_version", "issued by an older version; start the authorization again");
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success) throw rejected("malformed", "unexpected payload");
  if (parsed.data.exp - parsed.data.iat > MAX_OAUTH_STATE_TTL_SECONDS * 1000) {
    throw rejected("malformed", "lifetime longer than allowed");
  }
  return parsed.data;
}

/**
 * Verifies the state returned on the OAuth callback and consumes its nonce. Throws SignatureError for a malformed,
 * forged, tampered, outdated, expired or already-used state, for a callback from another browser session (missing
 * or different binding cookie) and for a signed-in tenant other than the state's (`details.reason` says which).
 * Throws ConfigError when the options themselves are wrong (secret, nonce store, expected tenant).
 */
export async function verifyOAuthState(state: string, options: VerifyOAuthStateOptions): Promise<VerifiedOAuthState> {
  if (!isObject(options)) {
    throw new ConfigError("verifyOAuthState needs { secret, nonceStore, sessionBinding, expectedTenantId }");
  }
  const { nonceStore, sessionBinding, expectedTenantId } = options;
  const key = secretBytes(options.secret);
  if (!isObject(nonceStore) || typeof nonceStore.consume !== "function") {
    throw new ConfigError("verifyOAuthState needs a nonceStore");
  }
  if (typeof expectedTenantId !== "string" || expectedTenantId === "") {
    throw new ConfigError("verifyOAuthState needs expectedTenantId: the signed-in session's tenant");
  }
  const nowMs = clockOf(options.now);

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
  const payload = decodePayload(encoded);

  // Every check that can fail runs before the nonce is consumed, and none of them has a side effect. Whoever gets
  // hold of a victim's state (a Referer, a log line, a shared screen) and presents it with their own cookie or
  // tenant learns nothing and burns nothing: the victim's own callback still succeeds. Retrying does not help
  // an attacker either: the binding is 256 random bits of which the state holds only a hash, and the state dies
  // within 15 minutes. Consuming last, atomically, means the one request that passes everything is the only one
  // that can ever use the state.
  if (!oauthBindingMatches(sessionBinding, payload.bindingHash)) {
    throw rejected("binding_mismatch", "this authorization was started in another browser session; start again");
  }
  if (!sameText(payload.tenantId, expectedTenantId)) {
    throw rejected("tenant_mismatch", "this authorization was started for another workspace; start again");
  }
  if (nowMs >= payload.exp) throw rejected("expired", "the authorization took too long; start again");
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
