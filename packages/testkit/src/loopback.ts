/**
 * Loopback HTTP servers for connector sandboxes: a real socket on 127.0.0.1 and an ephemeral port, so a
 * connector's whole HTTP stack (client, retries, rate limits, timeouts) runs exactly as it does in production.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type LoopbackHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface LoopbackServerOptions {
  /** Interface to bind; defaults to 127.0.0.1 so nothing outside the machine can reach a sandbox. */
  host?: string;
  /** Fixed port; defaults to 0 (an ephemeral port chosen by the OS). */
  port?: number;
  /** Called with errors the handler threw (the client got a 500). Defaults to ignoring them. */
  onHandlerError?: (error: unknown, req: IncomingMessage) => void;
}

export interface LoopbackServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53121`. */
  readonly url: string;
  readonly port: number;
  /** Requests received so far. */
  readonly requests: number;
  /** Stops listening and destroys every open socket, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
}

export async function startLoopbackServer(
  handler: LoopbackHandler,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const host = options.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  let requests = 0;

  const server = createServer((req, res) => {
    requests += 1;
    const fail = (error: unknown) => {
      options.onHandlerError?.(error, req);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 500, { error: "sandbox_handler_error" });
    };
    try {
      Promise.resolve(handler(req, res)).catch(fail);
    } catch (error) {
      fail(error);
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const address = server.address();
  if (address === null || typeof address === "string") {
    server.close();
    throw new Error("Loopback server did not bind to a TCP port");
  }
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    get requests() {
      return requests;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}

/** Reads the whole request body as UTF-8. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Answers with a JSON body (`undefined` sends an empty body) and the given extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
