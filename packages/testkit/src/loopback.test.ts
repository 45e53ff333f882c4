import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { readBody, sendJson, startLoopbackServer, type LoopbackServer } from "./loopback.js";

const servers: LoopbackServer[] = [];
async function start(...args: Parameters<typeof startLoopbackServer>): Promise<LoopbackServer> {
  const server = await startLoopbackServer(...args);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("startLoopbackServer", () => {
  it("binds 127.0.0.1 on an ephemeral port and counts requests", async () => {
    const server = await start((_req, res) => sendJson(res, 200, { ok: true }));
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(server.requests).toBe(0);

    const response = await fetch(`${server.url}/anything`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    await fetch(server.url);
    expect(server.requests).toBe(2);
  });

  it("gives two servers two different ports", async () => {
    const [a, b] = await Promise.all([start(() => undefined), start(() => undefined)]);
    expect(a.port).not.toBe(b.port);
  });

  it("answers 500 when the handler throws, and keeps serving", async () => {
    const errors: unknown[] = [];
    const server = await start(
      (req, res) => {
        if (req.url === "/sync-throw") throw new Error("boom");
        sendJson(res, 200, { fine: true });
      },
      { onHandlerError: (error) => errors.push(error) },
    );
    const failed = await fetch(`${server.url}/sync-throw`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: "sandbox_handler_error" });
    const fine = await fetch(`${server.url}/ok`);
    expect(fine.status).toBe(200);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe("boom");
  });

  it("answers 500 when an async handler rejects", async () => {
    const server = await start(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error("later boom");
    });
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
  });

  it("closes quickly even with an idle keep-alive connection open", async () => {
    const server = await start((_req, res) => sendJson(res, 200, { ok: true }));
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http
          .get(`${server.url}/`, { agent }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode));
          })
          .on("error", reject);
      });
      expect(status).toBe(200);
      // The socket is now idle in the agent's pool; a plain server.close() would wait for it to time out.
      const started = performance.now();
      await server.close();
      expect(performance.now() - started).toBeLessThan(1_000);
      await expect(fetch(server.url)).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it("can be closed twice", async () => {
    const server = await start(() => undefined);
    await server.close();
    await expect(server.close()).resolves.toBeUndefined();
  });

  it("fails to start on a port that is already taken", async () => {
    const first = await start(() => undefined);
    await expect(startLoopbackServer(() => undefined, { port: first.port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe("readBody and sendJson", () => {
  it("reads a request body and echoes it as JSON with extra headers", async () => {
    const server = await start(async (req, res) => {
      const body = await readBody(req);
      sendJson(res, 201, { received: JSON.parse(body) as unknown, method: req.method }, { "x-sandbox": "yes" });
    });
    const response = await fetch(`${server.url}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Ada", emoji: "✓" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-sandbox")).toBe("yes");
    expect(await response.json()).toEqual({ received: { name: "Ada", emoji: "✓" }, method: "POST" });
  });

  it("reads an empty body as an empty string", async () => {
    let seen: string | undefined;
    const server = await start(async (req, res) => {
      seen = await readBody(req);
      res.writeHead(204).end();
    });
    await fetch(server.url, { method: "POST" });
    expect(seen).toBe("");
  });

  it("sends an empty body with content-length 0 for undefined", async () => {
    const server = await start((_req, res) => sendJson(res, 202, undefined));
    const response = await fetch(server.url);
    expect(response.status).toBe(202);
    expect(response.headers.get("content-length")).toBe("0");
    expect(await response.text()).toBe("");
  });

  it("sets content-length in bytes, not characters", async () => {
    const server = await start((_req, res) => sendJson(res, 200, "héllo"));
    const response = await fetch(server.url);
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength('"héllo"')));
    expect(await response.json()).toBe("héllo");
  });
});
