import { describe, expect, it } from "vitest";
import { malformItems } from "./content-faults.js";
import { FaultPlan, type Fault } from "./faults.js";
import { json } from "./reply.js";
import type { SandboxRequest } from "./request.js";
import { route } from "./routes.js";
import { useServers } from "./test-helpers.js";

const start = useServers();

/** Just enough of a request for matching. */
function fakeRequest(n: number, path = "/items", method = "GET"): SandboxRequest {
  return { n, path, method } as SandboxRequest;
}

const unavailable: Fault = { kind: "status", status: 503 };

function kinds(plan: FaultPlan, n: number, options: { path?: string; content?: boolean } = {}): string[] {
  return plan.draw(fakeRequest(n, options.path), options.content ?? true).applied.map((fault) => fault.kind);
}

describe("FaultPlan", () => {
  it("once, times(n) and always are consumed per matching request", () => {
    const plan = new FaultPlan().once(unavailable).times(2, { kind: "latency", ms: 5 }).always({ kind: "malformed-page" });
    expect(kinds(plan, 1)).toEqual(["status", "latency", "malformed-page"]);
    expect(kinds(plan, 2)).toEqual(["latency", "malformed-page"]);
    expect(kinds(plan, 3)).toEqual(["malformed-page"]);
    expect(plan.pending()).toEqual([{ fault: { kind: "malformed-page" }, remaining: "always" }]);
    expect(plan.injected).toBe(6);
  });

  it("matches by path pattern, method and request number, and lets `after` matching requests through first", () => {
    const plan = new FaultPlan()
      .arm({ fault: unavailable, match: { path: "/items/:id", method: "delete" } })
      .arm({ fault: { kind: "drop" }, match: { request: 4 } })
      .arm({ fault: { kind: "latency", ms: 1 }, after: 2, match: (req) => req.path === "/other" });
    expect(kinds(plan, 1, { path: "/items/7" })).toEqual([]);
    expect(plan.draw(fakeRequest(2, "/items/7", "DELETE"), true).reply).toEqual(unavailable);
    expect(kinds(plan, 3, { path: "/other" })).toEqual([]);
    expect(kinds(plan, 4, { path: "/other" })).toEqual(["drop"]);
    expect(kinds(plan, 5, { path: "/other" })).toEqual(["latency"]);
    expect(plan.pending()).toEqual([]);
  });

  it("applies one reply fault and one delivery fault per request; the next ones wait for later requests", () => {
    const plan = new FaultPlan([
      { fault: unavailable },
      { fault: { kind: "html", status: 502 } },
      { fault: { kind: "trickle", intervalMs: 1 } },
      { fault: { kind: "drop" } },
      { fault: { kind: "latency", ms: 3 } },
      { fault: { kind: "latency", ms: 4 } },
    ]);
    const first = plan.draw(fakeRequest(1), true);
    expect([first.reply?.kind, first.delivery?.kind, first.latencyMs]).toEqual(["status", "trickle", 7]);
    const second = plan.draw(fakeRequest(2), true);
    expect([second.reply?.kind, second.delivery?.kind, second.latencyMs]).toEqual(["html", "drop", 0]);
  });

  it("keeps content faults for routes that apply them", () => {
    const plan = new FaultPlan().once({ kind: "repeat-cursor" });
    expect(kinds(plan, 1, { content: false })).toEqual([]);
    expect(kinds(plan, 2, { content: true })).toEqual(["repeat-cursor"]);
  });

  it("refuses malformed faults and counts when armed, not when first used", () => {
    const plan = new FaultPlan();
    expect(() => plan.arm({ fault: { kind: "status", status: 42 } })).toThrow();
    expect(() => plan.arm({ fault: { kind: "nap" } as unknown as Fault })).toThrow();
    expect(() => plan.arm({ fault: unavailable, times: 0 })).toThrow(RangeError);
    expect(() => plan.arm({ fault: unavailable, after: -1 })).toThrow(RangeError);
    plan.once(unavailable);
    plan.clear();
    expect(plan.pending()).toEqual([]);
  });
});

describe("malformItems", () => {
  const items = [{ id: "a" }, { id: "b" }, { id: "c" }];
  const options = { idOf: (item: { id: string }) => item.id, malform: (item: { id: string }) => ({ ...item, bad: true }) };

  it("malforms by id when the item is on the page, else by position (default 0)", () => {
    expect(malformItems(items, [{ kind: "malformed-item", itemId: "c" }], options)).toEqual([{ id: "a" }, { id: "b" }, { id: "c", bad: true }]);
    expect(malformItems(items, [{ kind: "malformed-item", itemId: "zz" }], options)).toEqual(items);
    expect(malformItems(items, [{ kind: "malformed-item" }, { kind: "malformed-item", position: 1 }], options)).toEqual([
      { id: "a", bad: true },
      { id: "b", bad: true },
      { id: "c" },
    ]);
  });
});

describe("faults applied by the server", () => {
  const page = route("GET", "/items", (req) => json(200, { items: [1, 2, 3], faults: req.contentFaults }), { contentFaults: true });
  const me = route("GET", "/me", () => json(200, { me: true }));

  it("answers an injected status with the given JSON body or the sandbox's error body, and keeps the guards' headers", async () => {
    const server = await start({
      routes: [page],
      guards: [(req) => void (req.responseHeaders["ratelimit-remaining"] = "9")],
      errorReply: ({ status }) => json(status, { vendor: status }),
    });
    server.faults.once({ kind: "status", status: 500, body: { custom: true }, headers: { "retry-after": "1" } }).once({ kind: "status", status: 503 });
    const first = await fetch(`${server.url}/items`);
    expect([first.status, first.headers.get("retry-after"), first.headers.get("ratelimit-remaining")]).toEqual([500, "1", "9"]);
    expect(await first.json()).toEqual({ custom: true });
    const second = await fetch(`${server.url}/items`);
    expect(await second.json()).toEqual({ vendor: 503 });
    expect((await fetch(`${server.url}/items`)).status).toBe(200);
    expect(server.stats()).toMatchObject({ faultsInjected: 2, serverErrors: 2 });
    expect(server.requests().map((record) => record.faults)).toEqual([["status"], ["status"], []]);
  });

  it("answers an HTML page where the API speaks JSON", async () => {
    const server = await start({ routes: [page] });
    server.faults.once({ kind: "html", status: 502 });
    const response = await fetch(`${server.url}/items`);
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("<html>");
  });

  it("delays a response by the latency asked", async () => {
    const server = await start({ routes: [page] });
    server.faults.once({ kind: "latency", ms: 200 });
    const started = Date.now();
    expect((await fetch(`${server.url}/items`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("trickles a body: headers at once, then a byte per interval", async () => {
    const server = await start({ routes: [page] });
    server.faults.once({ kind: "trickle", intervalMs: 20, bytesPerInterval: 4 });
    const started = Date.now();
    const response = await fetch(`${server.url}/items`);
    const headersAfter = Date.now() - started;
    const body = await response.text();
    const total = Date.now() - started;
    const expectedBody = JSON.stringify({ items: [1, 2, 3], faults: [] });
    expect(body).toBe(expectedBody);
    const trickling = Math.ceil(expectedBody.length / 4) * 20;
    expect(total).toBeGreaterThanOrEqual(trickling - 30);
    // The headers came first, long before the body had trickled in.
    expect(total - headersAfter).toBeGreaterThanOrEqual(trickling - 50);
  });

  it("drops the connection mid-response", async () => {
    const server = await start({ routes: [page] });
    server.faults.once({ kind: "drop", afterBytes: 5 });
    const response = await fetch(`${server.url}/items`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect((await fetch(`${server.url}/items`)).status).toBe(200);
  });

  it("hands content faults to routes that apply them, and keeps them from routes that do not", async () => {
    const server = await start({ routes: [page, me] });
    server.faults.once({ kind: "malformed-item", position: 2 });
    expect(await (await fetch(`${server.url}/me`)).json()).toEqual({ me: true });
    expect(await (await fetch(`${server.url}/items`)).json()).toEqual({ items: [1, 2, 3], faults: [{ kind: "malformed-item", position: 2 }] });
    expect(server.faults.pending()).toEqual([]);
  });

  it("leaves faults armed when a guard refuses the request", async () => {
    const server = await start({ routes: [page], guards: [(req) => (req.header("x-key") === "k" ? undefined : json(401, {}))] });
    server.faults.once(unavailable);
    expect((await fetch(`${server.url}/items`)).status).toBe(401);
    expect((await fetch(`${server.url}/items`, { headers: { "x-key": "k" } })).status).toBe(503);
  });
});
