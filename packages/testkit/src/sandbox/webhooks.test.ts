import { verifyHmacSha256Hex, verifyStandardWebhook } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { json } from "./reply.js";
import { route } from "./routes.js";
import { useServers } from "./test-helpers.js";
import { sendWebhook, signWebhook } from "./webhook-sender.js";
import {
  createSigningSecret,
  createStandardWebhookSecret,
  createWebhookId,
  customerIoSigner,
  standardWebhooksSigner,
} from "./webhook-signers.js";

const start = useServers();

describe("standardWebhooksSigner", () => {
  it("matches the Standard Webhooks specification's example", () => {
    const signer = standardWebhooksSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    expect(signer.headers({ id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1614265330, body: '{"test": 2432232314}' })).toEqual({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("signs what core's verifier accepts, and only with the right secret", () => {
    const secret = createStandardWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const now = new Date("2025-03-01T17:05:00Z");
    const signed = signWebhook(standardWebhooksSigner(secret), { recording_id: 1 }, { clock: () => now.getTime() });
    expect(signed.rawBody).toBe('{"recording_id":1}');
    expect(signed.timestamp).toBe(now.getTime() / 1000);
    expect(signed.headers["content-type"]).toBe("application/json");
    expect(verifyStandardWebhook({ headers: signed.headers, rawBody: signed.rawBody, secret, now })).toEqual({
      ok: true,
      id: signed.id,
      timestamp: signed.timestamp,
    });
    const other = createStandardWebhookSecret();
    expect(verifyStandardWebhook({ headers: signed.headers, rawBody: signed.rawBody, secret: other, now }).ok).toBe(false);
  });

  it("refuses a secret without its whsec_ prefix or key", () => {
    expect(() => standardWebhooksSigner("5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH")).toThrow(/whsec_/);
    expect(() => standardWebhooksSigner("whsec_")).toThrow();
  });
});

describe("customerIoSigner", () => {
  it("sends X-CIO-Timestamp and the lower-case hex HMAC of v0:<ts>:<body> keyed by the secret's UTF-8 bytes", () => {
    const secret = createSigningSecret();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const body = '{"event_id":"01E4C4CT6YDC7Y5M7FE1GWWPQJ","metric":"subscribed","timestamp":1585250199}';
    const headers = customerIoSigner(secret).headers({ id: "ignored", timestamp: 1585250199, body });
    expect(Object.keys(headers).sort()).toEqual(["x-cio-signature", "x-cio-timestamp"]);
    expect(headers["x-cio-timestamp"]).toBe("1585250199");
    expect(headers["x-cio-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyHmacSha256Hex(`v0:1585250199:${body}`, headers["x-cio-signature"] ?? "", secret)).toBe(true);
    expect(verifyHmacSha256Hex(`v0:1585250200:${body}`, headers["x-cio-signature"] ?? "", secret)).toBe(false);
    expect(() => customerIoSigner("")).toThrow();
  });

  it("sends a string body byte for byte", () => {
    const signed = signWebhook(customerIoSigner("s"), '{ "spaced" : true }', { timestamp: 1 });
    expect(signed.rawBody).toBe('{ "spaced" : true }');
  });
});

describe("createWebhookId", () => {
  it("is msg_ and 27 letters or digits, unique", () => {
    const ids = new Set(Array.from({ length: 100 }, createWebhookId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9]{27}$/);
  });
});

describe("sendWebhook", () => {
  async function receiver(statuses: number[]) {
    const seen: { id: string | undefined; timestamp: string | undefined; body: string }[] = [];
    const server = await start({
      routes: [
        route("POST", "/hook", async (req) => {
          seen.push({ id: req.header("webhook-id"), timestamp: req.header("webhook-timestamp"), body: await req.text() });
          return json(statuses[seen.length - 1] ?? 200, { n: seen.length });
        }),
      ],
    });
    return { url: `${server.url}/hook`, seen };
  }

  it("retries a non-2xx on its schedule with the same id, so one event arrives twice, re-signed each time", async () => {
    const hook = await receiver([500, 200]);
    let now = 1_700_000_000_000;
    const signer = standardWebhooksSigner(createStandardWebhookSecret());
    const delivery = await sendWebhook(hook.url, signer, { a: 1 }, { retryDelaysMs: [10, 10], clock: () => (now += 1_000) });
    expect(delivery).toMatchObject({ status: 200, delivered: true, body: '{"n":2}' });
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
    expect(hook.seen.map((seen) => seen.id)).toEqual([delivery.id, delivery.id]);
    expect(hook.seen.map((seen) => seen.timestamp)).toEqual(["1700000001", "1700000002"]);
    expect(hook.seen.map((seen) => seen.body)).toEqual(['{"a":1}', '{"a":1}']);
  });

  it("makes one attempt by default and reports a failure it could not fix", async () => {
    const hook = await receiver([401, 401, 401, 401]);
    const signer = customerIoSigner("secret");
    expect(await sendWebhook(hook.url, signer, {})).toMatchObject({ status: 401, delivered: false });
    const retried = await sendWebhook(hook.url, signer, {}, { retryDelaysMs: [1, 1], id: "evt_1" });
    expect(retried).toMatchObject({ id: "evt_1", status: 401, delivered: false });
    expect(retried.attempts).toHaveLength(3);
    expect(hook.seen).toHaveLength(4);
  });

  it("counts a refused connection as an attempt with status 0 and retries it", async () => {
    const server = await start({ routes: [] });
    const url = `${server.url}/gone`;
    await server.close();
    const delivery = await sendWebhook(url, customerIoSigner("s"), {}, { retryDelaysMs: [1] });
    expect(delivery.delivered).toBe(false);
    expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([0, 0]);
    expect(delivery.attempts[0]?.error).toBeTruthy();
  });
});
