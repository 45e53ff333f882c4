import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors.js";
import { createHttpClient } from "./index.js";
import { createFakeClock, type LoopbackServer, sendJson, startLoopbackServer } from "./test-support.js";
import { parseBaseUrl, resolveUrl } from "./url.js";

describe("resolveUrl", () => {
  const fathom = parseBaseUrl("https://api.fathom.ai/external/v1");
  const salesforce = parseBaseUrl("https://acme.my.salesforce.com/services/data/v62.0/");

  it("refuses an absolute URL on another origin: the client's credentials stay home", () => {
    expect(() => resolveUrl(fathom, "https://evil.example/steal")).toThrow(ConfigError);
    expect(() => resolveUrl(fathom, "http://api.fathom.ai/external/v1/meetings")).toThrow(ConfigError);
  });

  it("appends relative paths to the base path, with or without a leading slash (prefixUrl semantics)", () => {
    expect(resolveUrl(fathom, "meetings").href).toBe("https://api.fathom.ai/external/v1/meetings");
    expect(resolveUrl(fathom, "/meetings").href).toBe("https://api.fathom.ai/external/v1/meetings");
    expect(resolveUrl(salesforce, "sobjects/Account/describe").href).toBe(
      "https://acme.my.salesforce.com/services/data/v62.0/sobjects/Account/describe",
    );
  });

  it("does not double the base path of an instance-relative link (Salesforce nextRecordsUrl)", () => {
    expect(resolveUrl(salesforce, "/services/data/v62.0/query/01gD0000002HU6KIAW-2000").href).toBe(
      "https://acme.my.salesforce.com/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
    );
  });

  it("uses a same-origin absolute URL as is (Graph @odata.nextLink) and keeps its query", () => {
    const graph = parseBaseUrl("https://graph.microsoft.com/v1.0");
    const next = "https://graph.microsoft.com/v1.0/users/delta?$skiptoken=abc";
    expect(resolveUrl(graph, next).href).toBe(next);
    expect(resolveUrl(graph, next, { extra: 1 }).searchParams.get("$skiptoken")).toBe("abc");
  });

  it("repeats array keys exactly as given and skips undefined values", () => {
    const url = resolveUrl(fathom, "meetings", {
      "calendar_invitees_domains[]": ["acme.com", "globex.com"],
      include_transcript: false,
      cursor: undefined,
      page: 2,
      ids: [1, 2],
    });
    expect(url.searchParams.getAll("calendar_invitees_domains[]")).toEqual(["acme.com", "globex.com"]);
    expect(url.searchParams.getAll("ids")).toEqual(["1", "2"]);
    expect(url.searchParams.get("include_transcript")).toBe("false");
    expect(url.searchParams.get("page")).toBe("2");
    expect(url.searchParams.has("cursor")).toBe(false);
  });
});

describe("URLs over real HTTP", () => {
  let server: LoopbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("sends repeated array params, resolves base paths, follows absolute next links", async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    const http = createHttpClient({ baseUrl: `${server.origin}/external/v1`, clock: createFakeClock() });
    const Empty = z.object({});
    await http.getJson("/meetings", Empty, {
      searchParams: { "calendar_invitees_domains[]": ["acme.com", "globex.com"], include_summary: true },
    });
    await http.getJson(`${server.origin}/external/v1/meetings?cursor=abc`, Empty);
    await http.getJson("/external/v1/teams", Empty);
    const urls = server.requests.map((request) => new URL(request.url, server?.origin));
    expect(urls[0]?.pathname).toBe("/external/v1/meetings");
    expect(urls[0]?.searchParams.getAll("calendar_invitees_domains[]")).toEqual(["acme.com", "globex.com"]);
    expect(urls[0]?.searchParams.get("include_summary")).toBe("true");
    expect(urls[1]?.pathname).toBe("/external/v1/meetings");
    expect(urls[1]?.searchParams.get("cursor")).toBe("abc");
    expect(urls[2]?.pathname).toBe("/external/v1/teams");
  });

  it("sends the client's headers, with per-request headers on top", async () => {
    server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    const http = createHttpClient({
      baseUrl: server.origin,
      headers: { "X-Api-Key": "k-123456", Prefer: "odata.maxpagesize=50" },
    });
    await http.getJson("a", z.object({}), { headers: { prefer: 'IdType="ImmutableId"' } });
    expect(server.requests[0]?.headers["x-api-key"]).toBe("k-123456");
    expect(server.requests[0]?.headers["prefer"]).toBe('IdType="ImmutableId"');
  });
});
