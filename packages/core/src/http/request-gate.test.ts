import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createHttpClient } from "./index.js";
import { currentRequestGate, withRequestGate, type GatedRequest, type RequestGate } from "./request-gate.js";
import { sendJson, serveClosingAfterEach } from "./test-support.js";

const serve = serveClosingAfterEach();
const Ok = z.object({ ok: z.boolean() });

function recordingGate(log: string[], refuse?: Error): RequestGate {
  return {
    async acquire(request: GatedRequest) {
      log.push(`acquire ${request.client} ${request.method} ${request.url.pathname}`);
      await Promise.resolve();
      if (refuse) throw refuse;
      return () => void log.push("done");
    },
  };
}

describe("request gate", () => {
  it("is asked before every attempt (retries too) and told when each is over, only within its scope", async () => {
    let calls = 0;
    const log: string[] = [];
    const server = await serve((_req, res) => {
      calls += 1;
      log.push("served");
      if (calls === 1) sendJson(res, 503, { error: "busy" });
      else sendJson(res, 200, { ok: true });
    });
    const http = createHttpClient({ baseUrl: server.origin, name: "gated", retry: { baseDelayMs: 1, jitter: "none" } });
    await withRequestGate(recordingGate(log), () => http.getJson("/things", Ok));
    expect(log).toEqual(["acquire gated GET /things", "served", "done", "acquire gated GET /things", "served", "done"]);
    // Outside the scope, the same (pooled) client sends without asking.
    await http.getJson("/things", Ok);
    expect(log.at(-1)).toBe("served");
    expect(currentRequestGate()).toBeUndefined();
  });

  it("a gate that refuses fails the call with its error and sends nothing", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      sendJson(res, 200, { ok: true });
    });
    const http = createHttpClient({ baseUrl: server.origin, name: "gated", rateLimit: { maxConcurrency: 1 } });
    const refusal = new Error("budget store unreachable");
    await expect(withRequestGate(recordingGate([], refusal), () => http.getJson("/x", Ok))).rejects.toBe(refusal);
    expect(calls).toBe(0);
    // The client's own slots were given back: the next call is not stuck behind the refused one.
    await expect(http.getJson("/x", Ok)).resolves.toEqual({ ok: true });
  });

  it("a caller's abort while the gate waits ends the call as aborted", async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    const http = createHttpClient({ baseUrl: server.origin, name: "gated" });
    const waiting: RequestGate = {
      acquire: ({ signal }) =>
        new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("gave up waiting")), { once: true })),
    };
    const controller = new AbortController();
    const call = withRequestGate(waiting, () => http.getJson("/x", Ok, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(call).rejects.toThrow("stop");
  });
});
