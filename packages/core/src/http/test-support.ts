/**
 * Test helpers for the HTTP client's own tests (not exported from the package): a loopback server on an ephemeral
 * port and a fake clock. Kept out of `*.test.ts` so several test files can share them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import type { HttpClock } from "./types.js";

export interface RecordedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface LoopbackServer {
  /** "http://127.0.0.1:<port>" */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? "GET",
        url: incoming.url ?? "/",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, response)).catch((error: unknown) => {
        response.statusCode = 599;
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A `serve(handler)` for one test file, called at its top level: every server it starts is closed after each test,
 * so a failing test cannot leave a port open for the next.
 */
export function serveClosingAfterEach(): (handler: Handler) => Promise<LoopbackServer> {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (handler) => {
    const server = await startLoopbackServer(handler);
    servers.push(server);
    return server;
  };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

export interface FakeClock extends HttpClock {
  /** Every sleep requested, in order. */
  sleeps: number[];
  advance(ms: number): void;
}

/**
 * Virtual time. A sleep moves the clock to the sleeper's wake-up time if that is later than now, so concurrent
 * sleepers that wait for the same instant do not add their waits up. Sleeps resolve on the next macrotask.
 */
export function createFakeClock(start = Date.UTC(2025, 0, 6, 9, 0, 0)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      const wakeAt = now + ms;
      return new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          if (signal?.aborted === true) {
            reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
            return;
          }
          now = Math.max(now, wakeAt);
          resolve();
        });
      });
    },
  };
}
