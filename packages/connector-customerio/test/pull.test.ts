import { isAuthError, isSchemaError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it, vi, type Mock } from "vitest";
import { authHeaders, parseCustomerioCredentials } from "../src/auth.js";
import { CustomerioClients } from "../src/client.js";
import { createSandboxAuth, sandboxRecords, startCustomerioSandbox, type CustomerioSandbox } from "../src/sandbox/index.js";
import { STREAM_KINDS } from "../src/streams.js";
import { fetchPage, pullStream, type StreamPage } from "../src/sync/pull.js";
import { updatedAtOf } from "../src/sync/transform.js";

const [KIND] = STREAM_KINDS;

describe("pull against the sandbox", () => {
  let sandbox: CustomerioSandbox;

  beforeAll(async () => {
    sandbox = await startCustomerioSandbox({ rateLimitOnRequests: [] });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  const client = () => {
    const headers = authHeaders(parseCustomerioCredentials(sandbox.credentials));
    return new CustomerioClients().get(sandbox.url, headers);
  };

  async function readAll(pages: AsyncGenerator<StreamPage>): Promise<StreamPage[]> {
    const all: StreamPage[] = [];
    for await (const page of pages) all.push(page);
    return all;
  }

  it("reads a stream page by page, following next_cursor to the end", async () => {
    const pages = await readAll(pullStream(client(), KIND));
    const expected = sandboxRecords(KIND);
    expect(pages).toHaveLength(Math.ceil(expected.length / 10));
    expect(pages.slice(0, -1).every((page) => page.items.length === 10 && page.nextCursor !== null)).toBe(true);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.flatMap((page) => page.items)).toHaveLength(expected.length);
  });

  it("resumes from a page's cursor", async () => {
    const first = await fetchPage(client(), KIND, {}, null);
    const rest = await readAll(pullStream(client(), KIND, {}, { startCursor: first.nextCursor }));
    const items = [first, ...rest].flatMap((page) => page.items);
    expect(items).toHaveLength(sandboxRecords(KIND).length);
  });

  it("asks only for records updated since the watermark", async () => {
    const records = sandboxRecords(KIND);
    const watermark = updatedAtOf(records[Math.floor(records.length / 2)]) ?? "";
    const pages = await readAll(pullStream(client(), KIND, { updatedSince: watermark }));
    const expected = records.filter((item) => (updatedAtOf(item) ?? "") >= watermark);
    expect(pages.flatMap((page) => page.items)).toHaveLength(expected.length);
  });
});

describe("pull with an injected fetch", () => {
  const BASE_URL = "https://api.test.example";
  // Whichever auth variant is wired: its sandbox counterpart makes well-formed credentials.
  const CREDENTIALS = parseCustomerioCredentials(createSandboxAuth().credentials());

  function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
  }

  function setup(...responses: (() => Response)[]) {
    const fetchMock = vi.fn<typeof fetch>();
    for (const response of responses) fetchMock.mockImplementationOnce(async () => response());
    const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
    const client = new CustomerioClients({ fetch: fetchMock, retry }).get(BASE_URL, authHeaders(CREDENTIALS));
    return { fetchMock, client };
  }

  function sent(fetchMock: Mock<typeof fetch>, call = 0): Request {
    const [input, init] = fetchMock.mock.calls[call] ?? [];
    if (input === undefined) throw new Error(`fetch was not called ${call + 1} time(s)`);
    return new Request(input, init);
  }

  it("sends the credential and the query", async () => {
    const { fetchMock, client } = setup(() => json(200, { data: [], next_cursor: null }));
    await fetchPage(client, KIND, { updatedSince: "2025-01-06T09:30:00.000Z", pageSize: 50 }, "abc");
    const request = sent(fetchMock);
    for (const [name, value] of Object.entries(authHeaders(CREDENTIALS))) expect(request.headers.get(name)).toBe(value);
    const url = new URL(request.url);
    expect(url.searchParams.get("limit")).toBe("50");
    expect(url.searchParams.get("updated_since")).toBe("2025-01-06T09:30:00.000Z");
    expect(url.searchParams.get("cursor")).toBe("abc");
  });

  it("waits out a 429 (Retry-After) and retries", async () => {
    const { fetchMock, client } = setup(
      () => json(429, { error: { code: "rate_limited" } }, { "Retry-After": "0.05" }),
      () => json(200, { data: [{ id: "x" }], next_cursor: null }),
    );
    const page = await fetchPage(client, KIND, {}, null);
    expect(page.items).toEqual([{ id: "x" }]);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(client.stats().rateLimited).toBe(1);
  });

  it("turns a 401 into an AuthError, without retrying", async () => {
    const { fetchMock, client } = setup(() => json(401, { error: { code: "unauthorized" } }));
    await expect(fetchPage(client, KIND, {}, null)).rejects.toSatisfy(isAuthError);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it("carries the API's error code and message on the error it throws", async () => {
    const { client } = setup(() => json(400, { error: { code: "invalid_request", message: "cursor is not valid" } }));
    await expect(fetchPage(client, KIND, {}, "abc")).rejects.toMatchObject({
      vendorCode: "invalid_request",
      vendorMessage: "cursor is not valid",
    });
  });

  it("rejects a body that is not a page with a SchemaError", async () => {
    const { client } = setup(() => json(200, { items: "nope" }));
    await expect(fetchPage(client, KIND, {}, null)).rejects.toSatisfy(isSchemaError);
  });

  it("stops when the API hands back the cursor it was given", async () => {
    const { client } = setup(() => json(200, { data: [], next_cursor: "same" }));
    await expect(fetchPage(client, KIND, {}, "same")).rejects.toSatisfy(isSchemaError);
  });
});
