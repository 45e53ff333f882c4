import { describe, expect, it } from "vitest";
import type { WebhookRequest } from "./connector.js";
import { isConfigError, isSchemaError, isSignatureError } from "./errors.js";
import { signStandardWebhook } from "./signatures.js";
import { readStandardWebhook } from "./webhook-request.js";

const secret = `whsec_${Buffer.from("a test-only webhook secret").toString("base64")}`;
const now = new Date("2026-11-24T12:00:00Z");
const timestamp = Math.floor(now.getTime() / 1000);

function signed(body: string, id = "msg_1", at = timestamp) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(at),
    "webhook-signature": signStandardWebhook({ id, timestamp: at, body, secret }),
  };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("readStandardWebhook", () => {
  it("rejects a forged signature with a SignatureError", () => {
    const headers = { ...signed('{"a":1}'), "webhook-signature": "v1,AAAA" };
    const error = caught(() => readStandardWebhook({ headers, rawBody: '{"a":1}', secret, now }, { source: "Acme" }));
    expect(isSignatureError(error)).toBe(true);
  });

  it("rejects a stale timestamp", () => {
    const headers = signed('{"a":1}', "msg_1", timestamp - 301);
    const error = caught(() => readStandardWebhook({ headers, rawBody: '{"a":1}', secret, now }, { source: "Acme" }));
    expect(isSignatureError(error)).toBe(true);
  });

  it("a signed body that is not JSON is a SchemaError naming the source and carrying the event id", () => {
    const error = caught(() =>
      readStandardWebhook({ headers: signed("not json"), rawBody: "not json", secret, now }, { source: "Acme" }),
    );
    expect(isSchemaError(error)).toBe(true);
    expect((error as Error).message).toBe("Acme webhook body is not JSON");
    expect((error as { details: Record<string, unknown> }).details["eventId"]).toBe("msg_1");
  });

  it("returns id, timestamp and the parsed body, from a string or from bytes", () => {
    const body = '{"recording_id":7}';
    const fromString = readStandardWebhook({ headers: signed(body), rawBody: body, secret, now }, { source: "Acme" });
    expect(fromString).toEqual({ id: "msg_1", timestamp, body: { recording_id: 7 } });
    const fromBytes = readStandardWebhook(
      { headers: signed(body), rawBody: new TextEncoder().encode(body), secret, now },
      { source: "Acme" },
    );
    expect(fromBytes).toEqual(fromString);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a string", "request"],
    ["an object without headers", { rawBody: "{}", secret }],
    ["headers that are not an object", { headers: 5, rawBody: "{}", secret }],
  ])("rejects %s as a request with a SignatureError, never a TypeError", (_label, request) => {
    const error = caught(() => readStandardWebhook(request as unknown as WebhookRequest, { source: "Acme" }));
    expect(isSignatureError(error)).toBe(true);
    expect((error as { details: Record<string, unknown> }).details["reason"]).toBe("missing_headers");
  });

  it("rejects a signed request whose body is not a string or bytes with a SignatureError", () => {
    const request = { headers: signed("{}"), rawBody: { a: 1 }, secret, now } as unknown as WebhookRequest;
    expect(isSignatureError(caught(() => readStandardWebhook(request, { source: "Acme" })))).toBe(true);
  });

  it("still works when the options are missing at runtime", () => {
    const body = '{"a":1}';
    const read = readStandardWebhook(
      { headers: signed(body), rawBody: body, secret, now },
      undefined as unknown as { source: string },
    );
    expect(read.body).toEqual({ a: 1 });
  });

  it("reports a missing or weak configured secret as a ConfigError", () => {
    const weak = `whsec_${Buffer.from("short").toString("base64")}`;
    for (const bad of [undefined, "", weak]) {
      const request = { headers: signed('{"a":1}'), rawBody: '{"a":1}', secret: bad, now } as unknown as WebhookRequest;
      expect(isConfigError(caught(() => readStandardWebhook(request, { source: "Acme" })))).toBe(true);
    }
  });
});
