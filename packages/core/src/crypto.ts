/**
 * AES-256-GCM for every credential at rest.
 *
 * Ciphertext format: `gcv1.<keyId>.<base64url(iv(12) | tag(16) | ciphertext)>`.
 * - `keyId` is the first 12 hex chars of sha256(key bytes): deterministic, so rotation needs no extra config.
 *   Old ciphertext keeps decrypting while its key is listed in CONNECTOR_ENCRYPTION_PREVIOUS_KEYS.
 * - The additional authenticated data (AAD) binds a ciphertext to its version, key id, tenant, connection and
 *   purpose: a ciphertext copied into another tenant's or connection's row fails to decrypt instead of leaking.
 *
 * No error message ever includes plaintext or key material.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { ConfigError, CryptoError, ValidationError } from "./errors.js";

export const ENCRYPTION_KEY_ENV = "CONNECTOR_ENCRYPTION_KEY";
export const PREVIOUS_ENCRYPTION_KEYS_ENV = "CONNECTOR_ENCRYPTION_PREVIOUS_KEYS";

const VERSION = "gcv1";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_HEX_CHARS = 12;
const KEY_HEX = /^[0-9a-fA-F]{64}$/;
const KEY_ID = /^[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** New ciphertext is always written under this key. */
  current: EncryptionKey;
  /** Every key that may decrypt, the current one included, by key id. */
  keys: ReadonlyMap<string, EncryptionKey>;
}

/** What a ciphertext is bound to. Decrypting with any other binding fails authentication. */
export interface CiphertextBinding {
  tenantId: string;
  connectionId: string;
  /** Separates several secrets of one connection (e.g. "credentials", "webhook-secret"). */
  purpose?: string;
}

const GENERATE_HINT = `generate one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('hex'))"`;

/**
 * Parses a 64-hex-char (32-byte) key. `source` names the setting in error messages; the value itself is never
 * echoed, not even partly.
 */
export function parseEncryptionKey(hex: string, source: string = ENCRYPTION_KEY_ENV): EncryptionKey {
  if (typeof hex !== "string" || hex.trim() === "") {
    throw new ConfigError(`${source} is not set: it must be 64 hex characters (32 bytes); ${GENERATE_HINT}`);
  }
  const trimmed = hex.trim();
  if (!KEY_HEX.test(trimmed)) {
    const problem = /^[0-9a-fA-F]*$/.test(trimmed)
      ? `has ${trimmed.length} hex characters`
      : "contains characters that are not hex digits";
    throw new ConfigError(`${source} must be exactly 64 hex characters (32 bytes) but ${problem}; ${GENERATE_HINT}`);
  }
  const key = Buffer.from(trimmed, "hex");
  // An all-zero key is what a placeholder ("000...0") or a zero-filled buffer produces, never a generated key:
  // everything "encrypted" under it is readable by anyone who tries the obvious.
  if (key.every((byte) => byte === 0)) {
    throw new ConfigError(`${source} is all zeros, a placeholder rather than a random key; ${GENERATE_HINT}`);
  }
  const id = createHash("sha256").update(key).digest("hex").slice(0, KEY_ID_HEX_CHARS);
  return { id, key };
}

/** Builds a key ring: `currentHex` encrypts, every key (current and previous) may decrypt. */
export function createKeyRing(currentHex: string, previousHex: readonly string[] = []): KeyRing {
  const current = parseEncryptionKey(currentHex, ENCRYPTION_KEY_ENV);
  const keys = new Map<string, EncryptionKey>([[current.id, current]]);
  previousHex.forEach((hex, index) => {
    const previous = parseEncryptionKey(hex, `${PREVIOUS_ENCRYPTION_KEYS_ENV} entry #${index + 1}`);
    if (!keys.has(previous.id)) keys.set(previous.id, previous);
  });
  return { current, keys };
}

function splitKeyList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

/** Reads CONNECTOR_ENCRYPTION_KEY and CONNECTOR_ENCRYPTION_PREVIOUS_KEYS (comma-separated) from `env`. */
export function loadKeyRing(env: Record<string, string | undefined> = process.env): KeyRing {
  return createKeyRing(env[ENCRYPTION_KEY_ENV] ?? "", splitKeyList(env[PREVIOUS_ENCRYPTION_KEYS_ENV]));
}

// The default key ring is parsed once per distinct env value, so tests that change the env still see the change.
let cachedRing: { source: string; ring: KeyRing } | undefined;

function defaultKeyRing(): KeyRing {
  const source = `${process.env[ENCRYPTION_KEY_ENV] ?? ""}|${process.env[PREVIOUS_ENCRYPTION_KEYS_ENV] ?? ""}`;
  if (cachedRing?.source !== source) cachedRing = { source, ring: loadKeyRing(process.env) };
  return cachedRing.ring;
}

function checkBinding(binding: CiphertextBinding): void {
  // Runtime checks too: a JS caller passing `undefined` must not silently bind to the string "undefined".
  if (typeof binding !== "object" || binding === null) {
    throw new ValidationError("Ciphertext binding must be an object with tenantId and connectionId");
  }
  if (typeof binding.tenantId !== "string" || binding.tenantId === "") {
    throw new ValidationError("Ciphertext binding needs a non-empty tenantId");
  }
  if (typeof binding.connectionId !== "string" || binding.connectionId === "") {
    throw new ValidationError("Ciphertext binding needs a non-empty connectionId");
  }
  if (binding.purpose !== undefined && typeof binding.purpose !== "string") {
    throw new ValidationError("Ciphertext binding purpose must be a string when given");
  }
}

/** AAD as a JSON array: unambiguous whatever characters the ids contain (no delimiter injection). */
function boundAad(keyId: string, binding: CiphertextBinding): Buffer {
  return Buffer.from(
    JSON.stringify([VERSION, keyId, "bound", binding.tenantId, binding.connectionId, binding.purpose ?? ""]),
    "utf8",
  );
}

function unboundAad(keyId: string): Buffer {
  return Buffer.from(JSON.stringify([VERSION, keyId, "unbound"]), "utf8");
}

type Aad = (keyId: string) => Buffer;

function aadFor(binding: CiphertextBinding): Aad {
  checkBinding(binding);
  return (keyId) => boundAad(keyId, binding);
}

interface ParsedCiphertext {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  body: Buffer;
}

function malformed(reason: string): CryptoError {
  return new CryptoError(`Malformed ciphertext: ${reason}`, { details: { reason: "malformed" } });
}

function parseCiphertext(ciphertext: string): ParsedCiphertext {
  if (typeof ciphertext !== "string" || ciphertext === "") throw malformed("empty value");
  const parts = ciphertext.split(".");
  if (parts.length !== 3 || parts[0] !== VERSION) {
    throw malformed(`expected "${VERSION}.<keyId>.<payload>"`);
  }
  const keyId = parts[1] ?? "";
  const payload = parts[2] ?? "";
  if (!KEY_ID.test(keyId)) throw malformed(`key id must be ${KEY_ID_HEX_CHARS} lower-case hex characters`);
  if (!BASE64URL.test(payload)) throw malformed("payload is not base64url");
  const decoded = Buffer.from(payload, "base64url");
  // Node's decoder is lenient (ignores stray bits); requiring a canonical encoding means that any change to the
  // text changes the bytes, so a tampered string can never decrypt to the original.
  if (decoded.toString("base64url") !== payload) throw malformed("payload is not canonical base64url");
  if (decoded.length < IV_BYTES + TAG_BYTES) throw malformed("payload too short");
  return {
    keyId,
    iv: decoded.subarray(0, IV_BYTES),
    tag: decoded.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
    body: decoded.subarray(IV_BYTES + TAG_BYTES),
  };
}

function encryptWith(plaintext: string, aad: Aad, keyRing: KeyRing): string {
  if (typeof plaintext !== "string") throw new ValidationError("Only strings can be encrypted");
  const { id, key } = keyRing.current;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(id));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${VERSION}.${id}.${Buffer.concat([iv, tag, body]).toString("base64url")}`;
}

function decryptWith(ciphertext: string, aad: Aad, keyRing: KeyRing): string {
  const parsed = parseCiphertext(ciphertext);
  const entry = keyRing.keys.get(parsed.keyId);
  if (!entry) {
    throw new CryptoError(
      `Ciphertext was encrypted with key ${parsed.keyId}, which is not in the key ring: ` +
        `add it to ${PREVIOUS_ENCRYPTION_KEYS_ENV}`,
      { details: { reason: "unknown_key", keyId: parsed.keyId } },
    );
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, entry.key, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(parsed.keyId));
    decipher.setAuthTag(parsed.tag);
    return Buffer.concat([decipher.update(parsed.body), decipher.final()]).toString("utf8");
  } catch {
    // Deliberately no `cause`: OpenSSL's message adds nothing and keeps the error free of internals.
    throw new CryptoError(
      `Ciphertext authentication failed (key ${parsed.keyId}): wrong key, tampered ciphertext, ` +
        `or a ciphertext bound to another tenant, connection or purpose`,
      { details: { reason: "authentication_failed", keyId: parsed.keyId } },
    );
  }
}

/** Encrypts `plaintext` under the current key, bound to `binding`. */
export function encryptSecret(plaintext: string, binding: CiphertextBinding, keyRing: KeyRing = defaultKeyRing()): string {
  return encryptWith(plaintext, aadFor(binding), keyRing);
}

/** Decrypts a ciphertext from `encryptSecret` with the same binding. Throws CryptoError otherwise. */
export function decryptSecret(ciphertext: string, binding: CiphertextBinding, keyRing: KeyRing = defaultKeyRing()): string {
  return decryptWith(ciphertext, aadFor(binding), keyRing);
}

/** The key id a ciphertext was written with. CryptoError when the value is not a ciphertext of ours. */
export function ciphertextKeyId(ciphertext: string): string {
  return parseCiphertext(ciphertext).keyId;
}

/** True when the ciphertext was written under a key other than the current one. */
export function needsReencryption(ciphertext: string, keyRing: KeyRing = defaultKeyRing()): boolean {
  return ciphertextKeyId(ciphertext) !== keyRing.current.id;
}

/**
 * Decrypts with whichever key wrote the ciphertext and encrypts again under the current key.
 * A ciphertext already under the current key is authenticated and returned unchanged, so callers can skip the
 * write when `result === ciphertext`.
 */
export function reencryptSecret(ciphertext: string, binding: CiphertextBinding, keyRing: KeyRing = defaultKeyRing()): string {
  const aad = aadFor(binding);
  const plaintext = decryptWith(ciphertext, aad, keyRing);
  if (!needsReencryption(ciphertext, keyRing)) return ciphertext;
  return encryptWith(plaintext, aad, keyRing);
}

const CredentialsSchema = z.record(z.string(), z.string());

/** Encrypts a whole credentials record (JSON) as one ciphertext. */
export function encryptCredentials(
  credentials: Record<string, string>,
  binding: CiphertextBinding,
  keyRing: KeyRing = defaultKeyRing(),
): string {
  const parsed = CredentialsSchema.safeParse(credentials);
  if (!parsed.success) {
    // Paths only: an issue's input could be a secret value.
    const fields = parsed.error.issues.map((issue) => issue.path.map(String).join(".") || "(root)");
    throw new ValidationError(`Credentials must be a record of strings (bad: ${fields.join(", ")})`);
  }
  return encryptSecret(JSON.stringify(parsed.data), binding, keyRing);
}

/** Decrypts a record written by `encryptCredentials` and checks it is still a record of strings. */
export function decryptCredentials(
  ciphertext: string,
  binding: CiphertextBinding,
  keyRing: KeyRing = defaultKeyRing(),
): Record<string, string> {
  const json = decryptSecret(ciphertext, binding, keyRing);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CryptoError("Decrypted value is not a credentials record (was it written by encryptSecret?)", {
      details: { reason: "not_credentials" },
    });
  }
  const parsed = CredentialsSchema.safeParse(value);
  if (!parsed.success) {
    throw new CryptoError("Decrypted value is not a record of string credentials", {
      details: { reason: "not_credentials" },
    });
  }
  return parsed.data;
}

/**
 * Encrypts an API key. Pass the binding whenever the tenant and connection are known (they almost always are):
 * bound ciphertext cannot be replayed into another tenant's row. Without a binding the AAD is a fixed "unbound"
 * context, which still authenticates the ciphertext but ties it to nothing.
 */
export function encryptApiKey(apiKey: string, binding?: CiphertextBinding): string {
  const keyRing = defaultKeyRing();
  return binding === undefined ? encryptWith(apiKey, unboundAad, keyRing) : encryptSecret(apiKey, binding, keyRing);
}

/** Decrypts what `encryptApiKey` wrote; the binding (or its absence) must be the same. */
export function decryptApiKey(ciphertext: string, binding?: CiphertextBinding): string {
  const keyRing = defaultKeyRing();
  return binding === undefined ? decryptWith(ciphertext, unboundAad, keyRing) : decryptSecret(ciphertext, binding, keyRing);
}
