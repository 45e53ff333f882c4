import { describe, expect, it } from "vitest";
import { anyGuard, guardWhen, requireBasic, requireBearer, requireHeaders, safeEqual } from "./credentials.js";
import { json } from "./reply.js";
import { route } from "./routes.js";
import { useServers } from "./test-helpers.js";
import { TokenSet } from "./token-set.js";

const start = useServers();
const items = route("GET", "/items", () => json(200, { ok: true }));
const refuse = () => json(401, { error: "Unauthorized" });

describe("TokenSet", () => {
  it("issues live tokens, rotates them (the old one dies at once) and revokes them", () => {
    const tokens = new TokenSet({ prefix: "at" });
    const first = tokens.issue();
    expect(first).toMatch(/^at_[A-Za-z0-9_-]{32}$/);
    expect(tokens.has(first)).toBe(true);
    const second = tokens.rotate(first);
    expect(second).toBeDefined();
    expect(tokens.has(first)).toBe(false);
    expect(tokens.has(second ?? "")).toBe(true);
    expect(tokens.rotate(first)).toBeUndefined();
    expect(tokens.revoke(second ?? "")).toBe(true);
    expect(tokens.live()).toEqual([]);
  });

  it("expires tokens on the injected clock", () => {
    let now = 0;
    const tokens = new TokenSet({ clock: () => now, ttlMs: 1_000 });
    const token = tokens.issue();
    tokens.add("fixed-demo-token", { ttlMs: 5_000 });
    expect(tokens.expiresInSeconds(token)).toBe(1);
    now = 999;
    expect(tokens.has(token)).toBe(true);
    now = 1_000;
    expect(tokens.has(token)).toBe(false);
    expect(tokens.expiresInSeconds(token)).toBeUndefined();
    expect(tokens.live()).toEqual(["fixed-demo-token"]);
    tokens.revokeAll();
    expect(tokens.has("fixed-demo-token")).toBe(false);
  });
});

describe("credential guards", () => {
  it("safeEqual compares any lengths", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "x")).toBe(false);
  });

  it("requireHeaders checks every header of a pair (X-Api-Key + X-Api-Secret) and answers the vendor's refusal", async () => {
    const server = await start({
      routes: [items],
      guards: [requireHeaders({ "X-Api-Key": "dlvr_key", "X-Api-Secret": () => "s3cret" }, () => json(403, { message: "forbidden" }))],
    });
    const get = (headers: Record<string, string>) => fetch(`${server.url}/items`, { headers });
    expect((await get({ "x-api-key": "dlvr_key", "x-api-secret": "s3cret" })).status).toBe(200);
    const wrong = await get({ "x-api-key": "dlvr_key", "x-api-secret": "nope" });
    expect([wrong.status, await wrong.json()]).toEqual([403, { message: "forbidden" }]);
    expect((await get({ "x-api-key": "dlvr_key" })).status).toBe(403);
    expect((await get({})).status).toBe(403);
    // Counted as unauthorized whatever the status the vendor uses.
    expect(server.stats().unauthorized).toBe(3);
  });

  it("requireBearer accepts only tokens live in the set", async () => {
    const tokens = new TokenSet();
    const server = await start({ routes: [items], guards: [requireBearer(tokens, refuse)] });
    const get = (authorization?: string) =>
      fetch(`${server.url}/items`, { headers: authorization === undefined ? {} : { authorization } });
    const token = tokens.issue();
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect((await get(`bearer ${token}`)).status).toBe(200);
    const next = tokens.rotate(token) ?? "";
    expect((await get(`Bearer ${token}`)).status).toBe(401);
    expect((await get(`Bearer ${next}`)).status).toBe(200);
    expect((await get(next)).status).toBe(401);
    expect((await get()).status).toBe(401);
  });

  it("requireBasic checks user:password (Customer.io Track API: site id and key)", async () => {
    const server = await start({ routes: [items], guards: [requireBasic("site", "key", refuse)] });
    const basic = (value: string) => `Basic ${Buffer.from(value).toString("base64")}`;
    const get = (authorization: string) => fetch(`${server.url}/items`, { headers: { authorization } });
    expect((await get(basic("site:key"))).status).toBe(200);
    expect((await get(basic("site:other"))).status).toBe(401);
    expect((await get("Basic !!!")).status).toBe(401);
  });

  it("anyGuard passes on any scheme (current and legacy); guardWhen scopes a guard to some paths", async () => {
    const tokens = new TokenSet();
    const legacy = tokens.issue();
    const server = await start({
      routes: [items, route("GET", "/public/ping", () => json(200, {}))],
      guards: [
        guardWhen(
          (req) => !req.path.startsWith("/public/"),
          anyGuard(requireHeaders({ "x-api-key": "k" }, refuse), requireBearer(tokens, () => json(401, { legacy: true }))),
        ),
      ],
    });
    expect((await fetch(`${server.url}/items`, { headers: { "x-api-key": "k" } })).status).toBe(200);
    expect((await fetch(`${server.url}/items`, { headers: { authorization: `Bearer ${legacy}` } })).status).toBe(200);
    const neither = await fetch(`${server.url}/items`);
    expect([neither.status, await neither.json()]).toEqual([401, { error: "Unauthorized" }]);
    expect((await fetch(`${server.url}/public/ping`)).status).toBe(200);
  });
});
