import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isConfigError, isHttpError } from "../errors.js";
import { createHttpClient } from "./client.js";
import { createFakeClock, sendJson, type Handler, serveClosingAfterEach } from "./test-support.js";

const Items = z.object({ items: z.array(z.string()) });
const serve = serveClosingAfterEach();

function redirect(res: Parameters<Handler>[1], status: number, location: string) {
  res.writeHead(status, { location });
  res.end();
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("redirects", () => {
  it("refuses a redirect to another origin, non-retryable, and the other host never sees the key", async () => {
    const elsewhere = await serve((_req, res) => sendJson(res, 200, { items: ["leaked"] }));
    const api = await serve((_req, res) => redirect(res, 302, `${elsewhere.origin}/collect`));
    const http = createHttpClient({
      baseUrl: `${api.origin}/v1`,
      headers: { "X-Api-Key": "fake-key-for-redirect-test" },
      clock: createFakeClock(),
    });
    const error = await caught(http.getJson("things", Items));
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain("redirected to another origin");
    expect((error as Error).message).not.toContain("fake-key-for-redirect-test");
    expect(elsewhere.requests).toHaveLength(0);
    expect(api.requests).toHaveLength(1); // not retried
  });

  it("follows a redirect on the same origin, keeping the headers", async () => {
    const api = await serve((req, res) => {
      if (req.url?.startsWith("/v1/old")) redirect(res, 301, "/v1/new");
      else sendJson(res, 200, { items: [req.headers["x-api-key"] === "fake-key" ? "with key" : "without key"] });
    });
    const http = createHttpClient({ baseUrl: `${api.origin}/v1`, headers: { "X-Api-Key": "fake-key" }, clock: createFakeClock() });
    await expect(http.getJson("old", Items)).resolves.toEqual({ items: ["with key"] });
    expect(api.requests.map((request) => request.url)).toEqual(["/v1/old", "/v1/new"]);
  });

  it("a 303 after a POST continues as a GET without the body", async () => {
    const api = await serve((req, res) => {
      if (req.method === "POST") redirect(res, 303, "/v1/result");
      else sendJson(res, 200, { items: [req.method ?? ""] });
    });
    const http = createHttpClient({ baseUrl: `${api.origin}/v1`, clock: createFakeClock() });
    await expect(http.requestJson("POST", "jobs", Items, { json: { a: 1 } })).resolves.toEqual({ items: ["GET"] });
  });

  it("gives up on a redirect loop", async () => {
    const api = await serve((_req, res) => redirect(res, 307, "/v1/loop"));
    const http = createHttpClient({ baseUrl: `${api.origin}/v1`, clock: createFakeClock() });
    const error = await caught(http.getJson("loop", Items));
    expect(isHttpError(error)).toBe(true);
    expect((error as Error).message).toContain("redirected more than 5 times");
  });
});
