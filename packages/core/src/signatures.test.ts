import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { HeaderBag } from "./connector.js";
import { isConfigError, isSignatureError, isValidationError } from "./errors.js";
import {
  assertStandardWebhook,
  isTimestampWithinTolerance,
  signHmacSha256Hex,
  signStandardWebhook,
  verifyHmacSha256Hex,
  verifyStandardWebhook,
  type StandardWebhookSignInput,
  type StandardWebhookVerifyInput,
} from "./signatures.js";

describe("verifyHmacSha256Hex", () => {
  // Customer.io reporting webhooks: hex HMAC-SHA256 of `v0:<timestamp>:<body>` keyed by the secret's UTF-8 bytes.
  const secret = "cio-signing-secret";
  const payload = `v0:1712345678:{"event_id":"01E4C4C6P79C12J5A6KPE6XNFB"}`;
  const signature = createHmac("sha256", Buffer.from(secret, "utf8")).update(payload).digest("hex");

  it.each([
    ["an empty signature", ""],
    ["non-hex", "z".repeat(64)],
    ["a truncated signature", signature.slice(0, 63)],
    ["a signature one char too long", `${signature}0`],
    ["a sha1-length signature", signature.slice(0, 40)],
    ["base64 instead of hex", Buffer.from(signature, "hex").toString("base64")],
    ["a prefixed signature", `sha256=${signature}`],
  ])("returns false for %s", (_label, candidate) => {
    expect(verifyHmacSha256Hex(payload, candidate, secret)).toBe(false);
  });

  it("returns false (never throws) for values that are not strings at runtime", () => {
    expect(verifyHmacSha256Hex(payload, undefined as unknown as string, secret)).toBe(false);
    expect(verifyHmacSha256Hex(payload, null as unknown as string, secret)).toBe(false);
    expect(verifyHmacSha256Hex(payload, 42 as unknown as string, secret)).toBe(false);
    expect(verifyHmacSha256Hex(undefined as unknown as string, signature, secret)).toBe(false);
    expect(verifyHmacSha256Hex(payload, signature, undefined as unknown as string)).toBe(false);
  });

  it("returns false for an oversized signature before normalising it", () => {
    expect(verifyHmacSha256Hex(payload, `${" ".repeat(1 << 20)}${signature}`, secret)).toBe(false);
  });

  it("returns false for a forged signature, a wrong secret and an altered body", () => {
    const forged = (signature.startsWith("0") ? "1" : "0") + signature.slice(1);
    expect(verifyHmacSha256Hex(payload, forged, secret)).toBe(false);
    expect(verifyHmacSha256Hex(payload, signature, `${secret}x`)).toBe(false);
    expect(verifyHmacSha256Hex(`${payload} `, signature, secret)).toBe(false);
  });

  it("returns false for an empty secret, even with the matching empty-key HMAC", () => {
    const emptyKeyMac = createHmac("sha256", "").update(payload).digest("hex");
    expect(verifyHmacSha256Hex(payload, emptyKeyMac, "")).toBe(false);
  });

  it("accepts the correct signature, upper-case hex and surrounding whitespace", () => {
    expect(verifyHmacSha256Hex(payload, signature, secret)).toBe(true);
    expect(verifyHmacSha256Hex(payload, signature.toUpperCase(), secret)).toBe(true);
    expect(verifyHmacSha256Hex(payload, ` ${signature}\n`, secret)).toBe(true);
  });

  it("works on raw bytes for payload and secret", () => {
    const bytes = Buffer.from(payload, "utf8");
    expect(verifyHmacSha256Hex(new Uint8Array(bytes), signature, new Uint8Array(Buffer.from(secret)))).toBe(true);
  });

  it("signHmacSha256Hex produces lower-case hex that verifies, and refuses an empty secret", () => {
    const signed = signHmacSha256Hex(payload, secret);
    expect(signed).toBe(signature);
    expect(signed).toMatch(/^[0-9a-f]{64}$/);
    expect(isConfigError(catchError(() => signHmacSha256Hex(payload, "")))).toBe(true);
  });
});

describe("isTimestampWithinTolerance", () => {
  const now = new Date("2024-04-05T19:21:18Z");
  const nowSeconds = now.getTime() / 1000;

  it("rejects timestamps beyond the tolerance in either direction, and non-finite input", () => {
    expect(isTimestampWithinTolerance(nowSeconds - 301, 300, now)).toBe(false);
    expect(isTimestampWithinTolerance(nowSeconds + 301, 300, now)).toBe(false);
    expect(isTimestampWithinTolerance(Number.NaN, 300, now)).toBe(false);
    expect(isTimestampWithinTolerance(Number.POSITIVE_INFINITY, 300, now)).toBe(false);
    expect(isTimestampWithinTolerance(nowSeconds, -1, now)).toBe(false);
    expect(isTimestampWithinTolerance(nowSeconds, 300, new Date(Number.NaN))).toBe(false);
  });

  it("accepts timestamps inside or at the tolerance", () => {
    expect(isTimestampWithinTolerance(nowSeconds, 0, now)).toBe(true);
    expect(isTimestampWithinTolerance(nowSeconds - 300, 300, now)).toBe(true);
    expect(isTimestampWithinTolerance(nowSeconds + 300, 300, now)).toBe(true);
  });

  it("returns false (never throws) for a `now` that is not a Date at runtime", () => {
    expect(isTimestampWithinTolerance(nowSeconds, 300, null as unknown as Date)).toBe(false);
    expect(isTimestampWithinTolerance(nowSeconds, 300, "2024-04-05" as unknown as Date)).toBe(false);
  });

  it("defaults to the current time", () => {
    expect(isTimestampWithinTolerance(Date.now() / 1000, 5)).toBe(true);
    expect(isTimestampWithinTolerance(Date.now() / 1000 - 3600, 5)).toBe(false);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("Standard Webhooks", () => {
  // The example from the Standard Webhooks specification (and the Svix libraries' tests).
  const specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const specId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const specTimestamp = 1614265330;
  const specBody = '{"test": 2432232314}';
  const specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  const specNow = new Date(specTimestamp * 1000);

  const secret = "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH"; // the Fathom docs' example secret
  const id = "msg_2x2zwLOcWaRTzsLK8KtbQt1FTk9";
  const timestamp = 1712345678;
  const now = new Date((timestamp + 10) * 1000);
  const body = JSON.stringify({ title: "Quarterly review", url: "https://fathom.video/calls/1" });
  const signature = signStandardWebhook({ id, timestamp, body, secret });

  const headers = (overrides: Record<string, string | string[] | undefined> = {}): HeaderBag => ({
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
    ...overrides,
  });
  const verify = (input: Partial<StandardWebhookVerifyInput> = {}) =>
    verifyStandardWebhook({ headers: headers(), rawBody: body, secret, now, ...input });

  describe("rejects", () => {
    it("a forged signature", () => {
      const forged = `v1,${Buffer.alloc(32, 7).toString("base64")}`;
      expect(verify({ headers: headers({ "webhook-signature": forged }) })).toEqual({
        ok: false,
        reason: "no_matching_signature",
      });
    });

    it("the wrong secret", () => {
      expect(verify({ secret: `whsec_${Buffer.alloc(24, 1).toString("base64")}` })).toEqual({
        ok: false,
        reason: "no_matching_signature",
      });
    });

    it("the secret used as raw text instead of base64-decoded", () => {
      const wrongScheme = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64");
      expect(verify({ headers: headers({ "webhook-signature": `v1,${wrongScheme}` }) }).ok).toBe(false);
    });

    it("a body altered by one byte, at every position", () => {
      const bytes = Buffer.from(body, "utf8");
      for (let position = 0; position < bytes.length; position += 1) {
        const altered = Buffer.from(bytes);
        altered[position] = (altered[position] ?? 0) ^ 0x01;
        expect(verify({ rawBody: altered }).ok, `position ${position}`).toBe(false);
      }
    });

    it("a webhook-id or timestamp that differs from the signed one", () => {
      expect(verify({ headers: headers({ "webhook-id": "msg_other" }) }).ok).toBe(false);
      const later = String(timestamp + 1);
      expect(verify({ headers: headers({ "webhook-timestamp": later }) })).toEqual({
        ok: false,
        reason: "no_matching_signature",
      });
    });

    it("a replayed old timestamp and a future timestamp beyond the tolerance, even when correctly signed", () => {
      expect(verify({ now: new Date((timestamp + 301) * 1000) })).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
      expect(verify({ now: new Date((timestamp - 301) * 1000) })).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
      expect(verify({ now: new Date((timestamp + 61) * 1000), toleranceSeconds: 60 })).toEqual({
        ok: false,
        reason: "timestamp_out_of_tolerance",
      });
    });

    it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])("a request missing %s", (name) => {
      expect(verify({ headers: headers({ [name]: undefined }) })).toEqual({ ok: false, reason: "missing_headers" });
      expect(verify({ headers: headers({ [name]: "" }) })).toEqual({ ok: false, reason: "missing_headers" });
      expect(verify({ headers: headers({ [name]: [] }) })).toEqual({ ok: false, reason: "missing_headers" });
    });

    it("conflicting duplicate webhook-id values", () => {
      expect(verify({ headers: headers({ "webhook-id": [id, "msg_other"] }) })).toEqual({ ok: false, reason: "missing_headers" });
    });

    it.each([
      ["a non-numeric timestamp", "yesterday"],
      ["a millisecond-looking timestamp with a fraction", "1712345678.5"],
      ["a negative timestamp", "-1712345678"],
      ["an ISO date", "2024-04-05T19:21:18Z"],
    ])("%s", (_label, value) => {
      expect(verify({ headers: headers({ "webhook-timestamp": value }) })).toEqual({ ok: false, reason: "invalid_timestamp" });
    });

    it.each([
      ["an empty secret", ""],
      ["a secret that is not base64", "whsec_not base64!"],
      ["a bare prefix", "whsec_"],
      ["a non-string secret", undefined as unknown as string],
    ])("%s as invalid_secret", (_label, badSecret) => {
      expect(verify({ secret: badSecret })).toEqual({ ok: false, reason: "invalid_secret" });
    });

    it.each([
      ["garbage", "garbage"],
      ["a version without signature", "v1,"],
      ["a signature without version", signature.slice(3)],
      ["malformed base64", "v1,@@@@"],
      ["a truncated signature", signature.slice(0, -4)],
      ["the right bytes under another version", signature.replace(/^v1,/, "v1a,")],
      ["the right bytes under v2", signature.replace(/^v1,/, "v2,")],
      ["base64url instead of base64", `v1,${Buffer.from(signature.slice(3), "base64").toString("base64url")}`],
      ["a comma only", ","],
      ["only whitespace between entries", "   \t  "],
    ])("a signature header with %s", (_label, value) => {
      const result = verify({ headers: headers({ "webhook-signature": value }) });
      expect(result.ok).toBe(false);
    });

    it("headers that are not an object at runtime, and a non-binary body, without throwing", () => {
      expect(verify({ headers: null as unknown as HeaderBag })).toEqual({ ok: false, reason: "missing_headers" });
      expect(verify({ headers: "x" as unknown as HeaderBag })).toEqual({ ok: false, reason: "missing_headers" });
      expect(verify({ rawBody: { title: "x" } as unknown as string })).toEqual({ ok: false, reason: "no_matching_signature" });
    });
  });

  describe("any input, without throwing", () => {
    it.each([
      ["undefined", undefined],
      ["null", null],
      ["a string", "webhook"],
      ["a number", 42],
    ])("returns missing_headers for %s instead of the input object", (_label, input) => {
      const call = () => verifyStandardWebhook(input as unknown as StandardWebhookVerifyInput);
      expect(call).not.toThrow();
      expect(call()).toEqual({ ok: false, reason: "missing_headers" });
    });

    it("returns missing_headers for an empty object and for header values that are not strings", () => {
      expect(verifyStandardWebhook({} as StandardWebhookVerifyInput)).toEqual({ ok: false, reason: "missing_headers" });
      const odd = { "webhook-id": 7, "webhook-timestamp": { t: 1 }, "webhook-signature": [null, 3] };
      expect(verify({ headers: odd as unknown as HeaderBag })).toEqual({ ok: false, reason: "missing_headers" });
    });

    it("returns a failure for a Headers-like object whose get() returns a non-string", () => {
      const weird = { get: () => 12 } as unknown as HeaderBag;
      expect(verify({ headers: weird })).toEqual({ ok: false, reason: "missing_headers" });
    });

    it("treats a null or non-Date `now`, or a non-number tolerance, as out of tolerance or now", () => {
      expect(verify({ now: null as unknown as Date }).ok).toBe(false);
      expect(verify({ now: "later" as unknown as Date })).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
      expect(verify({ toleranceSeconds: "300" as unknown as number })).toEqual({
        ok: false,
        reason: "timestamp_out_of_tolerance",
      });
    });

    it("assertStandardWebhook throws a SignatureError, not a TypeError, for a missing input", () => {
      const error = catchError(() => assertStandardWebhook(undefined as unknown as StandardWebhookVerifyInput));
      expect(isSignatureError(error)).toBe(true);
    });
  });

  describe("weak secrets", () => {
    const secretOf = (bytes: number) => `whsec_${Buffer.alloc(bytes, 0x41).toString("base64")}`;
    const signedWith = (key: string) => ({
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${createHmac("sha256", Buffer.from(key.slice(6), "base64")).update(`${id}.${timestamp}.${body}`).digest("base64")}`,
    });

    it("rejects a secret under 16 bytes even when the signature matches it", () => {
      const weak = secretOf(15);
      expect(verify({ secret: weak, headers: signedWith(weak) })).toEqual({ ok: false, reason: "invalid_secret" });
      expect(verify({ secret: weak.slice(6), headers: signedWith(weak) })).toEqual({ ok: false, reason: "invalid_secret" });
    });

    it("accepts a 16-byte secret", () => {
      const key = secretOf(16);
      expect(verify({ secret: key, headers: signedWith(key) })).toEqual({ ok: true, id, timestamp });
    });

    it("signStandardWebhook refuses it with a ConfigError that does not echo the secret", () => {
      const weak = secretOf(8);
      const error = catchError(() => signStandardWebhook({ id, timestamp, body, secret: weak })) as Error;
      expect(isConfigError(error)).toBe(true);
      expect(error.message).toMatch(/at least 16 bytes/);
      expect(error.message).not.toContain(weak.slice(6));
    });

    it("assertStandardWebhook reports a weak or missing secret as a ConfigError, not as a forged request", () => {
      for (const bad of [secretOf(15), "", undefined as unknown as string]) {
        const error = catchError(() => assertStandardWebhook({ headers: headers(), rawBody: body, secret: bad, now })) as {
          message: string;
          details: Record<string, unknown>;
        };
        expect(isConfigError(error)).toBe(true);
        expect(error.details["reason"]).toBe("invalid_secret");
      }
    });

    it("signStandardWebhook refuses a missing input or a non-string id with a typed error", () => {
      expect(isValidationError(catchError(() => signStandardWebhook(undefined as unknown as StandardWebhookSignInput)))).toBe(true);
      const noId = { id: undefined as unknown as string, timestamp, body, secret };
      expect(isValidationError(catchError(() => signStandardWebhook(noId)))).toBe(true);
    });

    it("signHmacSha256Hex refuses a payload that is not a string or bytes with a typed error", () => {
      expect(isValidationError(catchError(() => signHmacSha256Hex(undefined as unknown as string, "k")))).toBe(true);
    });
  });

  describe("accepts", () => {
    it("the Standard Webhooks specification test vector", () => {
      expect(signStandardWebhook({ id: specId, timestamp: specTimestamp, body: specBody, secret: specSecret })).toBe(specSignature);
      const result = verifyStandardWebhook({
        headers: { "webhook-id": specId, "webhook-timestamp": String(specTimestamp), "webhook-signature": specSignature },
        rawBody: specBody,
        secret: specSecret,
        now: specNow,
      });
      expect(result).toEqual({ ok: true, id: specId, timestamp: specTimestamp });
    });

    it("a secret without the whsec_ prefix", () => {
      expect(verify({ secret: secret.slice("whsec_".length) })).toEqual({ ok: true, id, timestamp });
    });

    it("a raw Uint8Array body", () => {
      expect(verify({ rawBody: new TextEncoder().encode(body) }).ok).toBe(true);
    });

    it("a Headers instance with mixed-case names", () => {
      const bag = new Headers({ "Webhook-Id": id, "WEBHOOK-TIMESTAMP": String(timestamp), "Webhook-Signature": signature });
      expect(verify({ headers: bag })).toEqual({ ok: true, id, timestamp });
    });

    it("a plain record with mixed-case names", () => {
      const bag = { "Webhook-ID": id, "Webhook-Timestamp": String(timestamp), "WEBHOOK-SIGNATURE": signature };
      expect(verify({ headers: bag }).ok).toBe(true);
    });

    it("several signatures where the second matches, and unknown versions in between", () => {
      const other = `v1,${Buffer.alloc(32, 9).toString("base64")}`;
      const value = `${other} v1a,${Buffer.alloc(64, 3).toString("base64")}  ${signature}`;
      expect(verify({ headers: headers({ "webhook-signature": value }) })).toEqual({ ok: true, id, timestamp });
    });

    it("signatures split over repeated headers, or merged with commas by a proxy", () => {
      const other = `v1,${Buffer.alloc(32, 9).toString("base64")}`;
      expect(verify({ headers: headers({ "webhook-signature": [other, signature] }) }).ok).toBe(true);
      const merged = new Headers();
      merged.append("webhook-id", id);
      merged.append("webhook-timestamp", String(timestamp));
      merged.append("webhook-signature", other);
      merged.append("webhook-signature", signature);
      expect(verify({ headers: merged }).ok).toBe(true);
    });

    it("a timestamp exactly at the tolerance", () => {
      expect(verify({ now: new Date((timestamp + 300) * 1000) }).ok).toBe(true);
    });
  });

  describe("signStandardWebhook", () => {
    it("matches an independent HMAC over id.timestamp.body with the base64-decoded secret", () => {
      const key = Buffer.from(secret.slice("whsec_".length), "base64");
      const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
      expect(signature).toBe(`v1,${expected}`);
    });

    it("refuses an invalid secret or timestamp", () => {
      expect(isConfigError(catchError(() => signStandardWebhook({ id, timestamp, body, secret: "whsec_%%%" })))).toBe(true);
      expect(isConfigError(catchError(() => signStandardWebhook({ id, timestamp: 1.5, body, secret })))).toBe(true);
    });
  });

  describe("assertStandardWebhook", () => {
    it("throws a SignatureError carrying the reason", () => {
      const error = catchError(() =>
        assertStandardWebhook({ headers: headers(), rawBody: `${body} `, secret, now }),
      ) as { message: string; details: Record<string, unknown> };
      expect(isSignatureError(error)).toBe(true);
      expect(error.message).toContain("no_matching_signature");
      expect(error.details["reason"]).toBe("no_matching_signature");

      const stale = catchError(() =>
        assertStandardWebhook({ headers: headers(), rawBody: body, secret, now: new Date((timestamp + 3600) * 1000) }),
      ) as { details: Record<string, unknown> };
      expect(stale.details["reason"]).toBe("timestamp_out_of_tolerance");
    });

    it("returns id and timestamp when valid", () => {
      expect(assertStandardWebhook({ headers: headers(), rawBody: body, secret, now })).toEqual({ id, timestamp });
    });
  });
});
