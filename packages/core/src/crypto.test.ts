import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ciphertextKeyId,
  createKeyRing,
  decryptApiKey,
  decryptCredentials,
  decryptSecret,
  encryptApiKey,
  encryptCredentials,
  encryptSecret,
  loadKeyRing,
  needsReencryption,
  parseEncryptionKey,
  reencryptSecret,
  type CiphertextBinding,
  type KeyRing,
} from "./crypto.js";
import { isConfigError, isCryptoError, isValidationError, type ConnectorError } from "./errors.js";

const KEY_A = "a".repeat(64);
const KEY_B = "0123456789abcdef".repeat(4);
const KEY_C = "f".repeat(63) + "e";
const binding: CiphertextBinding = { tenantId: "tenant-1", connectionId: "conn-1" };

function ring(current: string, previous: string[] = []): KeyRing {
  return createKeyRing(current, previous);
}

function thrown(fn: () => unknown): ConnectorError {
  try {
    fn();
  } catch (error) {
    return error as ConnectorError;
  }
  throw new Error("expected the call to throw");
}

function decodePayload(ciphertext: string): { prefix: string; bytes: Buffer } {
  const last = ciphertext.lastIndexOf(".");
  return { prefix: ciphertext.slice(0, last + 1), bytes: Buffer.from(ciphertext.slice(last + 1), "base64url") };
}

describe("parseEncryptionKey", () => {
  it("rejects a missing key with a message naming the variable", () => {
    const error = thrown(() => parseEncryptionKey(""));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain("CONNECTOR_ENCRYPTION_KEY is not set");
  });

  it("rejects a short key without echoing it", () => {
    const short = "abcdef0123";
    const error = thrown(() => parseEncryptionKey(short));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain("CONNECTOR_ENCRYPTION_KEY must be exactly 64 hex characters");
    expect(error.message).toContain("has 10 hex characters");
    expect(error.message).not.toContain(short);
  });

  it("rejects a 64-char key with non-hex characters without echoing it", () => {
    const bad = "z".repeat(64);
    const error = thrown(() => parseEncryptionKey(bad));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain("not hex digits");
    expect(error.message).not.toContain("zzzz");
  });

  it("rejects an all-zero key, current or previous, without echoing it", () => {
    const zero = "0".repeat(64);
    const error = thrown(() => parseEncryptionKey(zero));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain("CONNECTOR_ENCRYPTION_KEY is all zeros");
    expect(error.message).not.toContain("0000");
    const previous = thrown(() => createKeyRing(KEY_A, [zero]));
    expect(isConfigError(previous)).toBe(true);
    expect(previous.message).toContain("CONNECTOR_ENCRYPTION_PREVIOUS_KEYS entry #1");
    expect(isConfigError(thrown(() => loadKeyRing({ CONNECTOR_ENCRYPTION_KEY: ` ${zero}\n` })))).toBe(true);
  });

  it("rejects a 66-char key (e.g. with a 0x prefix)", () => {
    expect(isConfigError(thrown(() => parseEncryptionKey(`0x${KEY_A}`)))).toBe(true);
  });

  it("derives the key id from sha256 of the key bytes, deterministically", () => {
    const key = parseEncryptionKey(KEY_B);
    const expected = createHash("sha256").update(Buffer.from(KEY_B, "hex")).digest("hex").slice(0, 12);
    expect(key.id).toBe(expected);
    expect(key.key).toHaveLength(32);
    expect(parseEncryptionKey(KEY_B.toUpperCase()).id).toBe(expected);
    expect(parseEncryptionKey(` ${KEY_B}\n`).id).toBe(expected);
  });

  it("names the source when given", () => {
    expect(thrown(() => parseEncryptionKey("12", "MY_VAR")).message).toContain("MY_VAR");
  });
});

describe("loadKeyRing", () => {
  it("fails clearly when CONNECTOR_ENCRYPTION_KEY is missing", () => {
    const error = thrown(() => loadKeyRing({}));
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toMatch(/CONNECTOR_ENCRYPTION_KEY is not set/);
  });

  it("names the bad previous key by position, never by value", () => {
    const error = thrown(() =>
      loadKeyRing({ CONNECTOR_ENCRYPTION_KEY: KEY_A, CONNECTOR_ENCRYPTION_PREVIOUS_KEYS: `${KEY_B},nothex` }),
    );
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain("CONNECTOR_ENCRYPTION_PREVIOUS_KEYS entry #2");
    expect(error.message).not.toContain("nothex");
  });

  it("loads the current key and the previous keys, ignoring blanks and duplicates", () => {
    const loaded = loadKeyRing({
      CONNECTOR_ENCRYPTION_KEY: KEY_A,
      CONNECTOR_ENCRYPTION_PREVIOUS_KEYS: ` ${KEY_B} ,, ${KEY_C},${KEY_A},`,
    });
    expect(loaded.current.id).toBe(parseEncryptionKey(KEY_A).id);
    expect([...loaded.keys.keys()].sort()).toEqual(
      [parseEncryptionKey(KEY_A).id, parseEncryptionKey(KEY_B).id, parseEncryptionKey(KEY_C).id].sort(),
    );
  });
});

describe("decryptSecret: bad paths", () => {
  const keys = ring(KEY_A);

  it("fails authentication with the wrong key (same key id forced by a ring that maps it to another key)", () => {
    const ciphertext = encryptSecret("s3cret", binding, keys);
    const wrong: KeyRing = {
      current: keys.current,
      keys: new Map([[keys.current.id, { id: keys.current.id, key: randomBytes(32) }]]),
    };
    const error = thrown(() => decryptSecret(ciphertext, binding, wrong));
    expect(isCryptoError(error)).toBe(true);
    expect(error.message).toMatch(/authentication failed/);
    expect(error.details["reason"]).toBe("authentication_failed");
  });

  it("reports an unknown key id with the fix to apply", () => {
    const ciphertext = encryptSecret("s3cret", binding, ring(KEY_B));
    const error = thrown(() => decryptSecret(ciphertext, binding, keys));
    expect(isCryptoError(error)).toBe(true);
    expect(error.message).toBe(
      `Ciphertext was encrypted with key ${parseEncryptionKey(KEY_B).id}, which is not in the key ring: ` +
        "add it to CONNECTOR_ENCRYPTION_PREVIOUS_KEYS",
    );
  });

  it("detects a tampered byte at every position of the payload (iv, tag and body)", () => {
    const ciphertext = encryptSecret("a secret worth protecting", binding, keys);
    const { prefix, bytes } = decodePayload(ciphertext);
    expect(bytes.length).toBe(12 + 16 + Buffer.byteLength("a secret worth protecting"));
    for (let position = 0; position < bytes.length; position += 1) {
      for (const flip of [0x01, 0x80]) {
        const tampered = Buffer.from(bytes);
        tampered[position] = (tampered[position] ?? 0) ^ flip;
        const error = thrown(() => decryptSecret(prefix + tampered.toString("base64url"), binding, keys));
        expect(isCryptoError(error), `position ${position}`).toBe(true);
        expect(error.message).toMatch(/authentication failed/);
      }
    }
  });

  it("rejects a ciphertext moved to another tenant", () => {
    const ciphertext = encryptSecret("s3cret", binding, keys);
    const error = thrown(() => decryptSecret(ciphertext, { ...binding, tenantId: "tenant-2" }, keys));
    expect(isCryptoError(error)).toBe(true);
    expect(error.message).toMatch(/bound to another tenant, connection or purpose/);
  });

  it("rejects a ciphertext moved to another connection", () => {
    const ciphertext = encryptSecret("s3cret", binding, keys);
    expect(isCryptoError(thrown(() => decryptSecret(ciphertext, { ...binding, connectionId: "conn-2" }, keys)))).toBe(true);
  });

  it("rejects a ciphertext used for another purpose", () => {
    const ciphertext = encryptSecret("s3cret", { ...binding, purpose: "webhook-secret" }, keys);
    expect(isCryptoError(thrown(() => decryptSecret(ciphertext, binding, keys)))).toBe(true);
    expect(isCryptoError(thrown(() => decryptSecret(ciphertext, { ...binding, purpose: "credentials" }, keys)))).toBe(true);
  });

  it("cannot be confused by ids that contain a delimiter", () => {
    const ciphertext = encryptSecret("s3cret", { tenantId: "a|b", connectionId: "c" }, keys);
    expect(isCryptoError(thrown(() => decryptSecret(ciphertext, { tenantId: "a", connectionId: "b|c" }, keys)))).toBe(true);
  });

  it("rejects a key id swapped in the header for another known key", () => {
    const both = ring(KEY_A, [KEY_B]);
    const ciphertext = encryptSecret("s3cret", binding, both);
    const swapped = ciphertext.replace(parseEncryptionKey(KEY_A).id, parseEncryptionKey(KEY_B).id);
    expect(isCryptoError(thrown(() => decryptSecret(swapped, binding, both)))).toBe(true);
  });

  it.each([
    ["the empty string", "", /empty value/],
    ["a bad prefix", "gcv2.0123456789ab.AAAA", /expected "gcv1/],
    ["a plaintext value", "fake_key_plaintext", /expected "gcv1/],
    ["too many parts", "gcv1.0123456789ab.AAAA.BBBB", /expected "gcv1/],
    ["a bad key id", "gcv1.XYZ.AAAA", /key id/],
    ["garbage base64", "gcv1.0123456789ab.@@@!!", /not base64url/],
    ["standard base64 characters", "gcv1.0123456789ab.ab+/cd==", /not base64url/],
    ["non-canonical base64url", "gcv1.0123456789ab.AB", /not canonical/],
    ["a payload shorter than iv + tag", `gcv1.0123456789ab.${Buffer.alloc(27).toString("base64url")}`, /too short/],
  ])("rejects %s as malformed", (_label, ciphertext, message) => {
    const error = thrown(() => decryptSecret(ciphertext, binding, keys));
    expect(isCryptoError(error)).toBe(true);
    expect(error.message).toMatch(/^Malformed ciphertext/);
    expect(error.message).toMatch(message);
    expect(() => ciphertextKeyId(ciphertext)).toThrow(/Malformed ciphertext/);
  });

  it("rejects a truncated ciphertext", () => {
    const ciphertext = encryptSecret("some secret value", binding, keys);
    for (const cut of [1, 5, 20, ciphertext.length - 30]) {
      expect(isCryptoError(thrown(() => decryptSecret(ciphertext.slice(0, -cut), binding, keys))), `cut ${cut}`).toBe(true);
    }
  });

  it("rejects a non-string at runtime", () => {
    expect(isCryptoError(thrown(() => decryptSecret(undefined as unknown as string, binding, keys)))).toBe(true);
  });

  it("rejects an incomplete binding instead of binding to 'undefined'", () => {
    const noTenant = { connectionId: "c" } as unknown as CiphertextBinding;
    expect(isValidationError(thrown(() => encryptSecret("x", noTenant, keys)))).toBe(true);
    expect(isValidationError(thrown(() => encryptSecret("x", { tenantId: "t", connectionId: "" }, keys)))).toBe(true);
    expect(isValidationError(thrown(() => decryptSecret("x", null as unknown as CiphertextBinding, keys)))).toBe(true);
  });

  it("never puts plaintext or key material in error messages", () => {
    const secret = "PLAINTEXT-MARKER-123";
    const ciphertext = encryptSecret(secret, binding, keys);
    const error = thrown(() => decryptSecret(ciphertext, { ...binding, tenantId: "x" }, keys));
    const text = `${error.message} ${JSON.stringify(error.details)} ${String(error.cause)}`;
    expect(text).not.toContain(secret);
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(keys.current.key.toString("base64"));
  });
});

describe("encryptSecret / decryptSecret", () => {
  const keys = ring(KEY_A);

  it.each([
    ["ascii", "fake_key_abc123"],
    ["empty", ""],
    ["unicode", "pässwörd 🔐 密码 \u0000 end"],
    ["long", "x".repeat(100_000)],
  ])("round-trips %s plaintext", (_label, plaintext) => {
    const ciphertext = encryptSecret(plaintext, binding, keys);
    expect(ciphertext).toMatch(/^gcv1\.[0-9a-f]{12}\.[A-Za-z0-9_-]+$/);
    expect(decryptSecret(ciphertext, binding, keys)).toBe(plaintext);
  });

  it("writes the format gcv1.<keyId>.<iv|tag|body> with a fresh iv each time", () => {
    const one = encryptSecret("same", binding, keys);
    const two = encryptSecret("same", binding, keys);
    expect(one).not.toBe(two);
    expect(ciphertextKeyId(one)).toBe(keys.current.id);
    const { bytes } = decodePayload(one);
    expect(bytes.length).toBe(12 + 16 + 4);
    expect(one).not.toContain(Buffer.from("same").toString("base64url"));
  });
});

describe("key rotation", () => {
  it("decrypts old ciphertext after rotation and re-encrypts it under the new key", () => {
    const before = ring(KEY_A);
    const old = encryptSecret("rotate me", binding, before);

    const after = ring(KEY_B, [KEY_A]);
    expect(needsReencryption(old, after)).toBe(true);
    expect(decryptSecret(old, binding, after)).toBe("rotate me");

    const fresh = reencryptSecret(old, binding, after);
    expect(ciphertextKeyId(fresh)).toBe(after.current.id);
    expect(ciphertextKeyId(fresh)).not.toBe(ciphertextKeyId(old));
    expect(needsReencryption(fresh, after)).toBe(false);
    expect(decryptSecret(fresh, binding, ring(KEY_B))).toBe("rotate me");

    // Once the old key is dropped, the old ciphertext names the missing key.
    expect(() => decryptSecret(old, binding, ring(KEY_B))).toThrow(/not in the key ring: add it to CONNECTOR_ENCRYPTION_PREVIOUS_KEYS/);
  });

  it("returns a ciphertext already under the current key unchanged, after authenticating it", () => {
    const keys = ring(KEY_A);
    const ciphertext = encryptSecret("x", binding, keys);
    expect(reencryptSecret(ciphertext, binding, keys)).toBe(ciphertext);
    expect(isCryptoError(thrown(() => reencryptSecret(ciphertext, { ...binding, tenantId: "other" }, keys)))).toBe(true);
  });

  it("keeps the binding when re-encrypting", () => {
    const old = encryptSecret("x", binding, ring(KEY_A));
    const fresh = reencryptSecret(old, binding, ring(KEY_B, [KEY_A]));
    expect(isCryptoError(thrown(() => decryptSecret(fresh, { ...binding, connectionId: "c2" }, ring(KEY_B))))).toBe(true);
  });

  it("needsReencryption throws on a malformed value rather than guessing", () => {
    expect(isCryptoError(thrown(() => needsReencryption("plain", ring(KEY_A))))).toBe(true);
  });
});

describe("credentials records", () => {
  const keys = ring(KEY_A);
  const credentials = { accessToken: "at-1", refreshToken: "rt-ü", instanceUrl: "https://x.my.salesforce.com" };

  it("round-trips a record", () => {
    const ciphertext = encryptCredentials(credentials, binding, keys);
    expect(decryptCredentials(ciphertext, binding, keys)).toEqual(credentials);
    expect(ciphertext).not.toContain("at-1");
  });

  it("rejects a record with non-string values before encrypting, naming the field not the value", () => {
    const bad = { accessToken: 42 } as unknown as Record<string, string>;
    const error = thrown(() => encryptCredentials(bad, binding, keys));
    expect(isValidationError(error)).toBe(true);
    expect(error.message).toContain("accessToken");
    expect(error.message).not.toContain("42");
  });

  it("rejects a ciphertext that decrypts to something other than a record of strings", () => {
    const notJson = encryptSecret("not json at all", binding, keys);
    expect(thrown(() => decryptCredentials(notJson, binding, keys)).message).toMatch(/not a credentials record/);
    const wrongShape = encryptSecret(JSON.stringify({ accessToken: 1 }), binding, keys);
    expect(thrown(() => decryptCredentials(wrongShape, binding, keys)).message).toMatch(/not a record of string credentials/);
    const array = encryptSecret(JSON.stringify(["a"]), binding, keys);
    expect(isCryptoError(thrown(() => decryptCredentials(array, binding, keys)))).toBe(true);
  });

  it("is bound like any secret", () => {
    const ciphertext = encryptCredentials(credentials, binding, keys);
    expect(isCryptoError(thrown(() => decryptCredentials(ciphertext, { ...binding, tenantId: "t2" }, keys)))).toBe(true);
  });
});

describe("default key ring from the environment (encryptApiKey / decryptApiKey)", () => {
  beforeEach(() => {
    vi.stubEnv("CONNECTOR_ENCRYPTION_KEY", KEY_A);
    vi.stubEnv("CONNECTOR_ENCRYPTION_PREVIOUS_KEYS", "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("round-trips bound and unbound API keys", () => {
    const bound = encryptApiKey("dlvr_123", binding);
    expect(decryptApiKey(bound, binding)).toBe("dlvr_123");
    const unbound = encryptApiKey("dlvr_123");
    expect(decryptApiKey(unbound)).toBe("dlvr_123");
  });

  it("does not mix bound and unbound ciphertext", () => {
    expect(isCryptoError(thrown(() => decryptApiKey(encryptApiKey("k", binding))))).toBe(true);
    expect(isCryptoError(thrown(() => decryptApiKey(encryptApiKey("k"), binding)))).toBe(true);
  });

  it("picks up a rotated environment without a restart of the module", () => {
    const old = encryptApiKey("k", binding);
    vi.stubEnv("CONNECTOR_ENCRYPTION_KEY", KEY_B);
    expect(() => decryptApiKey(old, binding)).toThrow(/not in the key ring/);
    vi.stubEnv("CONNECTOR_ENCRYPTION_PREVIOUS_KEYS", KEY_A);
    expect(decryptApiKey(old, binding)).toBe("k");
    expect(needsReencryption(old)).toBe(true);
    expect(ciphertextKeyId(encryptSecret("k", binding))).toBe(parseEncryptionKey(KEY_B).id);
  });

  it("fails with a ConfigError when the key is missing", () => {
    vi.stubEnv("CONNECTOR_ENCRYPTION_KEY", "");
    expect(isConfigError(thrown(() => encryptApiKey("k", binding)))).toBe(true);
  });
});
