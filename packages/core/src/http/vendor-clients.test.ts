import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TransientError } from "../errors.js";
import { createMemoryLogger } from "../logger.js";
import { rejection } from "../test-support.js";
import { createFakeClock, sendJson, serveClosingAfterEach, type LoopbackServer } from "./test-support.js";
import { VendorClients, type VendorProfile } from "./vendor-clients.js";

const serve = serveClosingAfterEach();
const Ok = z.object({ ok: z.boolean() });
const AcmeError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const acme: VendorProfile<z.infer<typeof AcmeError>> = {
  name: "acme",
  headers: { Accept: "application/json", "X-Client": "acme-profile" },
  errorBody: { schema: AcmeError, read: (body) => body.error },
  rateLimit: { requests: 1, windowMs: 1_000, respectHeaders: false },
  retry: { maxAttempts: 2, baseDelayMs: 100, jitter: "none" },
};

const okServer = (): Promise<LoopbackServer> => serve((_request, response) => sendJson(response, 200, { ok: true }));
const failingServer = (): Promise<LoopbackServer> =>
  serve((_request, response) => sendJson(response, 503, { error: { code: "busy", message: "try later" } }));

describe("VendorClients", () => {
  it("keeps one client per base URL and credential headers, and another for other headers or a partition", async () => {
    const server = await okServer();
    const clients = new VendorClients(acme);
    const a = clients.get(server.origin, { Authorization: "Bearer a" });
    expect(clients.get(server.origin, { Authorization: "Bearer a" })).toBe(a);
    expect(clients.get(server.origin, { Authorization: "Bearer b" })).not.toBe(a);
    expect(clients.get(`${server.origin}/v2`, { Authorization: "Bearer a" })).not.toBe(a);
    const mailbox = clients.client({ baseUrl: server.origin, partition: ["mailbox-1"] });
    expect(clients.client({ baseUrl: server.origin, partition: ["mailbox-1"] })).toBe(mailbox);
    expect(clients.client({ baseUrl: server.origin, partition: ["mailbox-2"] })).not.toBe(mailbox);
    expect(clients.size).toBe(5);
  });

  it("sends the profile's headers and the client's own, the client's winning on a clash", async () => {
    const server = await okServer();
    const clients = new VendorClients(acme);
    await clients.get(server.origin, { Authorization: "Bearer k", "X-Client": "own" }).getJson("/me", Ok);
    expect(server.requests[0]?.headers).toMatchObject({
      accept: "application/json",
      authorization: "Bearer k",
      "x-client": "own",
    });
  });

  it("reads the vendor's error body and retries with the profile's policy", async () => {
    const server = await failingServer();
    const clock = createFakeClock();
    const error = await rejection(new VendorClients(acme, { clock }).get(server.origin).getJson("/x", Ok));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ vendorCode: "busy", vendorMessage: "try later" });
    expect(error.message).toContain("acme GET /x");
    expect(server.requests).toHaveLength(2);
  });

  it("lets the caller's retry policy replace the profile's", async () => {
    const server = await failingServer();
    const clients = new VendorClients(acme, { clock: createFakeClock(), retry: { maxAttempts: 3, jitter: "none" } });
    await rejection(clients.get(server.origin).getJson("/x", Ok));
    expect(server.requests).toHaveLength(3);
  });

  it("paces with the caller's budget over a client's own, and the client's own over the profile's", async () => {
    const server = await okServer();
    const profileOnly = createFakeClock();
    const a = new VendorClients(acme, { clock: profileOnly }).get(server.origin);
    await a.getJson("/1", Ok);
    await a.getJson("/2", Ok);
    expect(profileOnly.sleeps).toEqual([1_000]);

    const ownClock = createFakeClock();
    const own = new VendorClients(acme, { clock: ownClock }).client({
      baseUrl: server.origin,
      rateLimit: { requests: 1, windowMs: 3_000, respectHeaders: false },
    });
    await own.getJson("/1", Ok);
    await own.getJson("/2", Ok);
    expect(ownClock.sleeps).toEqual([3_000]);

    const callerClock = createFakeClock();
    const caller = new VendorClients(acme, {
      clock: callerClock,
      rateLimit: { requests: 1, windowMs: 5_000, respectHeaders: false },
    }).client({ baseUrl: server.origin, rateLimit: { requests: 1, windowMs: 3_000, respectHeaders: false } });
    await caller.getJson("/1", Ok);
    await caller.getJson("/2", Ok);
    expect(callerClock.sleeps).toEqual([5_000]);
  });

  it("sends through the injected fetch and logs through the latest caller's logger", async () => {
    const server = await failingServer();
    let fetched = 0;
    const countingFetch: typeof fetch = (input, init) => {
      fetched += 1;
      return fetch(input, init);
    };
    const clients = new VendorClients(acme, { fetch: countingFetch, clock: createFakeClock() });
    const first = createMemoryLogger();
    const second = createMemoryLogger();
    await rejection(clients.get(server.origin, {}, first).getJson("/x", Ok));
    await rejection(clients.get(server.origin, {}, second).getJson("/x", Ok));
    expect(fetched).toBe(4);
    expect(first.entries.length).toBeGreaterThan(0);
    expect(second.entries.length).toBeGreaterThan(0);
  });
});
