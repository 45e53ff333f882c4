import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AuthError, HttpError, RateLimitError, TransientError } from "../errors.js";
import { rejection } from "../test-support.js";
import { createHttpClient } from "./client.js";
import { createFakeClock, type LoopbackServer, sendJson, serveClosingAfterEach } from "./test-support.js";
import type { HttpClientOptions } from "./types.js";
import type { ErrorBodyOptions } from "./vendor-error.js";

const serve = serveClosingAfterEach();

const Items = z.object({ items: z.array(z.unknown()) });

/** Salesforce REST errors: an array of `{message, errorCode, fields?}`, a few documented as a bare object. */
const SalesforceError = z.object({ message: z.string(), errorCode: z.string(), fields: z.array(z.string()).optional() });
const salesforceErrors = {
  schema: z.union([z.array(SalesforceError).min(1), SalesforceError]),
  read: (body: z.output<typeof SalesforceError>[] | z.output<typeof SalesforceError>) => {
    const first = Array.isArray(body) ? body[0] : body;
    return { code: first?.errorCode, message: first?.message };
  },
} satisfies ErrorBodyOptions<z.output<typeof SalesforceError>[] | z.output<typeof SalesforceError>>;

/** Graph's envelope `{"error":{"code","message","innerError"}}`. */
const GraphError = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

function salesforceClient(server: LoopbackServer, overrides: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    name: "salesforce",
    baseUrl: `${server.origin}/services/data/v66.0`,
    headers: { Authorization: "Bearer 00Dxx0000001gPL!AQ4AQFakeSessionToken" },
    clock: createFakeClock(),
    retry: { jitter: "none", maxAttempts: 2 },
    errorBody: salesforceErrors,
    ...overrides,
  });
}

describe("errorBody: the vendor's own code and message on every error", () => {
  it("Salesforce 401 array form -> AuthError with vendorCode and vendorMessage, sent once", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]),
    );
    const error = await rejection(salesforceClient(server).getJson("query", Items));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ vendorCode: "INVALID_SESSION_ID", vendorMessage: "Session expired or invalid" });
    expect(error.message).toBe(
      "salesforce GET /services/data/v66.0/query was refused with HTTP 401 (credentials rejected): " +
        "INVALID_SESSION_ID: Session expired or invalid",
    );
    expect((error as AuthError).details).toMatchObject({ vendorCode: "INVALID_SESSION_ID" });
    expect(server.requests).toHaveLength(1);
  });

  it("Salesforce bare-object form -> HttpError with the code", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 400, { message: "unexpected token: FORM", errorCode: "MALFORMED_QUERY" }),
    );
    const error = await rejection(salesforceClient(server).getJson("query", Items));
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 400, vendorCode: "MALFORMED_QUERY", vendorMessage: "unexpected token: FORM" });
    expect(error.message).toContain("failed with HTTP 400: MALFORMED_QUERY: unexpected token: FORM");
  });

  it("classify sees the parsed vendor error: a 403 REQUEST_LIMIT_EXCEEDED is a rate limit, decided by code", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 403, [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]),
    );
    const seen: unknown[] = [];
    const http = salesforceClient(server, {
      rateLimit: {
        classify: ({ status, vendorError }) => {
          seen.push(vendorError);
          return status === 403 && vendorError?.code === "REQUEST_LIMIT_EXCEEDED"
            ? { kind: "rate_limit", retryAfterMs: 60_000 }
            : undefined;
        },
      },
    });
    const error = await rejection(http.getJson("query", Items));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 60_000, vendorCode: "REQUEST_LIMIT_EXCEEDED" });
    expect(seen[0]).toEqual({ code: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded." });
    expect(server.requests).toHaveLength(2);
  });

  it("Graph envelope: a 429 carries TooManyRequests, a 410 carries syncStateNotFound", async () => {
    const server = await serve((req, res) => {
      if (req.url.includes("throttled")) {
        sendJson(res, 429, { error: { code: "TooManyRequests", message: "Please retry again later." } }, { "retry-after": "2.128" });
      } else {
        sendJson(res, 410, {
          error: { code: "syncStateNotFound", message: "The sync state generation is not found.", innerError: { "request-id": "r1" } },
        });
      }
    });
    const http = createHttpClient({
      name: "graph",
      baseUrl: `${server.origin}/v1.0`,
      clock: createFakeClock(),
      retry: { jitter: "none", maxAttempts: 2 },
      errorBody: { schema: GraphError, read: (body) => ({ code: body.error.code, message: body.error.message }) },
    });
    const throttled = await rejection(http.getJson("throttled", Items));
    expect(throttled).toBeInstanceOf(RateLimitError);
    expect(throttled).toMatchObject({ vendorCode: "TooManyRequests", retryAfterMs: 2128 });
    expect(throttled.message).toContain("TooManyRequests: Please retry again later.");
    const expired = await rejection(http.getJson("me/mailFolders/inbox/messages/delta", Items));
    expect(expired).toMatchObject({ status: 410, vendorCode: "syncStateNotFound" });
  });

  it("a proxy's HTML error page still gives a clear, redacted error without a vendor code", async () => {
    const html = "<html><body><h1>502 Bad Gateway</h1><p>upstream sent Bearer abc.def.ghi to nowhere</p></body></html>";
    const server = await serve((_req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end(html);
    });
    const error = await rejection(salesforceClient(server).getJson("query", Items));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("failed with HTTP 502");
    expect(error.message).toContain("<h1>502 Bad Gateway</h1>");
    expect(error.message).not.toContain("abc.def.ghi");
    expect(error).not.toHaveProperty("vendorCode");
    expect(Object.keys(error)).not.toContain("vendorMessage");
  });

  it("a JSON body of another shape falls back to the excerpt too", async () => {
    const server = await serve((_req, res) => sendJson(res, 404, { detail: "no such thing" }));
    const error = await rejection(salesforceClient(server).getJson("query", Items));
    expect(error.message).toContain('{"detail":"no such thing"}');
    expect(error).not.toHaveProperty("vendorCode");
  });

  it("never lets the vendor echo a credential into the error", async () => {
    const token = "00Dxx0000001gPL!AQ4AQFakeSessionToken";
    const server = await serve((_req, res) =>
      sendJson(res, 401, [{ message: `Session ${token} expired or invalid`, errorCode: "INVALID_SESSION_ID" }]),
    );
    const error = await rejection(salesforceClient(server).getJson("query", Items));
    expect(error).toMatchObject({ vendorMessage: "Session [redacted] expired or invalid" });
    expect(JSON.stringify({ message: error.message, details: (error as AuthError).details })).not.toContain(token);
  });

  it("a reader that throws does not hide the HTTP error", async () => {
    const server = await serve((_req, res) => sendJson(res, 400, [{ message: "m", errorCode: "E" }]));
    const error = await rejection(
      salesforceClient(server, {
        errorBody: {
          schema: z.unknown(),
          read: () => {
            throw new Error("reader bug");
          },
        },
      }).getJson("query", Items),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toContain('[{"message":"m","errorCode":"E"}]');
  });
});
