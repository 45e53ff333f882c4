import { request as httpRequest, Agent } from "node:http";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { html, json, SandboxHttpError, text } from "./reply.js";
import { route } from "./routes.js";
import { startSandboxServer } from "./server.js";
import { useServers } from "./test-helpers.js";

const start = useServers();
const ok = route("GET", "/ok", () => json(200, { ok: true }));

describe("startSandboxServer: listening and routing", () => {
  it("binds 127.0.0.1 on an ephemeral port; two servers get two ports", async () => {
    const [a, b] = await Promise.all([start({ routes: [ok] }), start({ routes: [ok] })]);
    expect(a.url).toBe(`http://127.0.0.1:${a.port}`);
    expect(a.port).toBeGreaterThan(0);
    expect(a.port).not.toBe(b.port);
    expect(await (await fetch(`${a.url}/ok`)).json()).toEqual({ ok: true });
  });

  it("captures path parameters and the rest of the path", async () => {
    const server = await start({
      routes: [
        route("GET", "/recordings/:id/summary", (req) => json(200, req.params)),
        route("GET", "/files/*", (req) => json(200, req.params)),
      ],
    });
    expect(await (await fetch(`${server.url}/recordings/a%20b/summary`)).json()).toEqual({ id: "a b" });
    expect(await (await fetch(`${server.url}/files/x/y.txt`)).json()).toEqual({ "*": "x/y.txt" });
    expect((await fetch(`${server.url}/recordings/1/transcript`)).status).toBe(404);
  });

  it("answers 405 with Allow when the path exists under another method, 404 when it does not", async () => {
    const server = await start({ routes: [ok, route("POST", "/ok", () => json(201, {}))] });
    const wrong = await fetch(`${server.url}/ok`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: "no route for GET /nope" } });
  });

  it("serves routes under a base path and 404s outside it, before any guard", async () => {
    let guarded = 0;
    const server = await start({
      basePath: "/external/v1/",
      routes: [ok],
      guards: [() => void (guarded += 1)],
    });
    expect(server.baseUrl).toBe(`${server.url}/external/v1`);
    expect((await fetch(`${server.baseUrl}/ok`)).status).toBe(200);
    expect((await fetch(`${server.url}/ok`)).status).toBe(404);
    expect(guarded).toBe(1);
    expect(server.requests().map((record) => record.path)).toEqual(["/ok", "/ok"]);
  });

  it("runs guards before a 404 (auth first, as real APIs) and skips them for public routes", async () => {
    const server = await start({
      routes: [ok, route("POST", "/token", () => json(200, { token: "t" }), { public: true })],
      guards: [(req) => (req.header("x-api-key") === "k" ? undefined : json(401, { error: "bad key" }))],
    });
    expect((await fetch(`${server.url}/missing`)).status).toBe(401);
    expect((await fetch(`${server.url}/missing`, { headers: { "x-api-key": "k" } })).status).toBe(404);
    expect((await fetch(`${server.url}/token`, { method: "POST" })).status).toBe(200);
    expect(server.stats()).toMatchObject({ requests: 3, unauthorized: 1 });
  });

  it("sends JSON, text and HTML with their content types and lengths", async () => {
    const server = await start({
      routes: [
        route("GET", "/j", () => json(200, { a: 1 })),
        route("GET", "/t", () => text(200, "héllo")),
        route("GET", "/h", () => html(503, "<h1>down</h1>")),
      ],
    });
    const j = await fetch(`${server.url}/j`);
    expect(j.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const t = await fetch(`${server.url}/t`);
    expect([t.headers.get("content-type"), t.headers.get("content-length"), await t.text()]).toEqual([
      "text/plain; charset=utf-8",
      "6",
      "héllo",
    ]);
    const h = await fetch(`${server.url}/h`);
    expect([h.status, h.headers.get("content-type"), await h.text()]).toEqual([503, "text/html; charset=utf-8", "<h1>down</h1>"]);
  });
});

describe("startSandboxServer: bodies and errors", () => {
  const Body = z.object({ name: z.string().min(1) });

  it("validates a JSON body with zod and answers 400 in the sandbox's error format", async () => {
    const server = await start({
      routes: [route("POST", "/people", async (req) => json(201, await req.json(Body)))],
      errorReply: ({ status, message }) => json(status, [{ message, errorCode: "MALFORMED" }]),
    });
    const post = (body: string) => fetch(`${server.url}/people`, { method: "POST", body });
    expect(await (await post('{"name":"Ada"}')).json()).toEqual({ name: "Ada" });
    const notJson = await post("{");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual([{ message: "request body is not valid JSON", errorCode: "MALFORMED" }]);
    const invalid = await post('{"name":""}');
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(await invalid.json())).toContain("name");
  });

  it("validates the query with zod, repeated and []-named parameters as arrays", async () => {
    const Query = z.object({ "recorded_by[]": z.array(z.email()).optional(), limit: z.coerce.number().int().optional() });
    const server = await start({ routes: [route("GET", "/q", (req) => json(200, req.parseQuery(Query)))] });
    const parsed = await fetch(`${server.url}/q?recorded_by[]=a@x.example&limit=5`);
    expect(await parsed.json()).toEqual({ "recorded_by[]": ["a@x.example"], limit: 5 });
    expect((await fetch(`${server.url}/q?limit=many`)).status).toBe(400);
    expect((await fetch(`${server.url}/q?limit=1&limit=2`)).status).toBe(400);
  });

  it("parses form bodies (OAuth token requests) with zod", async () => {
    const Form = z.object({ grant_type: z.literal("refresh_token"), refresh_token: z.string() });
    const server = await start({ routes: [route("POST", "/token", async (req) => json(200, await req.form(Form)), { public: true })] });
    const response = await fetch(`${server.url}/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "rt" }),
    });
    expect(await response.json()).toEqual({ grant_type: "refresh_token", refresh_token: "rt" });
    const wrong = await fetch(`${server.url}/token`, { method: "POST", body: new URLSearchParams({ grant_type: "password" }) });
    expect(wrong.status).toBe(400);
  });

  it("refuses a body over the cap with 413, declared or streamed, and closes that connection", async () => {
    const server = await start({ maxBodyBytes: 16, routes: [route("POST", "/in", async (req) => json(200, { size: (await req.body()).length }))] });
    const small = await fetch(`${server.url}/in`, { method: "POST", body: "x".repeat(16) });
    expect(await small.json()).toEqual({ size: 16 });
    const declared = await fetch(`${server.url}/in`, { method: "POST", body: "x".repeat(17) });
    expect(declared.status).toBe(413);
    expect(declared.headers.get("connection")).toBe("close");
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i += 1) controller.enqueue(new TextEncoder().encode("abcdefgh"));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/in`, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("turns a SandboxHttpError into the error format, and anything else into a 500 while it keeps serving", async () => {
    const errors: unknown[] = [];
    const server = await start({
      routes: [
        route("GET", "/teapot", () => {
          throw new SandboxHttpError(418, "short and stout", { code: "teapot", headers: { "x-why": "tea" } });
        }),
        route("GET", "/boom", async () => {
          throw new Error("boom");
        }),
        ok,
      ],
      onError: (error) => errors.push(error),
    });
    const teapot = await fetch(`${server.url}/teapot`);
    expect([teapot.status, teapot.headers.get("x-why")]).toEqual([418, "tea"]);
    expect(await teapot.json()).toEqual({ error: { code: "teapot", message: "short and stout" } });
    const boom = await fetch(`${server.url}/boom`);
    expect(boom.status).toBe(500);
    expect(errors).toEqual([new Error("boom")]);
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    expect(server.stats().serverErrors).toBe(1);
  });
});

describe("startSandboxServer: records, counters, shutdown", () => {
  it("logs requests with query and status, counts custom counters, and resets both", async () => {
    const server = await start({
      counters: ["pages"],
      routes: [route("GET", "/items", (req) => (req.count("pages"), json(200, [])))],
    });
    expect(server.stats()).toEqual({ requests: 0, unauthorized: 0, rateLimited: 0, serverErrors: 0, faultsInjected: 0, pages: 0 });
    await fetch(`${server.url}/items?a=1&a=2&b=x`);
    server.count("pages", 2);
    expect(server.stats()).toMatchObject({ requests: 1, pages: 3 });
    expect(server.requests()).toEqual([
      { n: 1, method: "GET", path: "/items", query: { a: ["1", "2"], b: ["x"] }, status: 200, at: expect.any(Number), faults: [] },
    ]);
    server.resetStats();
    expect(server.requests()).toEqual([]);
    expect(server.stats().pages).toBe(0);
  });

  it("keeps only the newest requests beyond logLimit", async () => {
    const server = await start({ routes: [ok], logLimit: 2 });
    for (let i = 0; i < 3; i += 1) await fetch(`${server.url}/ok`);
    expect(server.requests().map((record) => record.n)).toEqual([2, 3]);
  });

  it("uses the injected clock for request times", async () => {
    let now = 1_000;
    const server = await start({ routes: [ok], clock: () => (now += 5) });
    await fetch(`${server.url}/ok`);
    expect(server.requests()[0]?.at).toBe(1_005);
  });

  it("closes at once with a keep-alive connection open and a handler still waiting; close() is idempotent", async () => {
    const server = await startSandboxServer({
      routes: [ok, route("GET", "/hang", async (req) => {
        await new Promise<void>((resolve) => req.signal.addEventListener("abort", () => resolve(), { once: true }));
        return json(200, {});
      })],
    });
    const agent = new Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        httpRequest(`${server.url}${path}`, { agent }, (res) => {
          res.resume();
          res.once("end", () => resolve(res.statusCode ?? 0));
        })
          .once("error", reject)
          .end();
      });
    expect(await get("/ok")).toBe(200);
    const hanging = get("/hang").catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await hanging).toBeInstanceOf(Error);
    await expect(fetch(`${server.url}/ok`)).rejects.toThrow();
    agent.destroy();
  });

  it("closes itself after lifetimeMs", async () => {
    // Long enough for the first request to finish on a loaded machine; then it must close on its own.
    const server = await startSandboxServer({ routes: [ok], lifetimeMs: 1_500 });
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    const refused = async () => fetch(`${server.url}/ok`).then(() => false, () => true);
    await expect.poll(refused, { timeout: 20_000, interval: 200 }).toBe(true);
  });
});
