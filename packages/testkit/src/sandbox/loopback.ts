/**
 * The socket layer of every sandbox: a real HTTP server on 127.0.0.1 and an ephemeral port, so a connector's whole
 * HTTP stack (client, retries, rate limits, timeouts) runs as it does in production. Only loopback: nothing off the
 * machine can reach a sandbox. Closing destroys keep-alive and in-flight connections and aborts whatever the
 * handlers still wait on, so a closed server leaves no handle that would keep the process alive.
 */
import { createServer, type RequestListener } from "node:http";
import type { Socket } from "node:net";

export interface LoopbackOptions {
  /** Closes the server by itself after this long, in case an owner forgets; the timer never holds the process. */
  lifetimeMs?: number;
}

export interface LoopbackListener {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:53121`. */
  readonly url: string;
  readonly port: number;
  /** Aborted when the server closes. */
  readonly signal: AbortSignal;
  readonly closed: boolean;
  /** Stops listening, destroys every open socket and aborts `signal`. Safe to call more than once. */
  close(): Promise<void>;
}

export async function listenOnLoopback(listener: RequestListener, options: LoopbackOptions = {}): Promise<LoopbackListener> {
  const sockets = new Set<Socket>();
  const stop = new AbortController();
  const server = createServer(listener);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") {
    server.close();
    throw new Error("the loopback server did not bind to a TCP port");
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      stop.abort(new Error("the sandbox server closed"));
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    });
    return closing;
  };
  if (options.lifetimeMs !== undefined) {
    const timer = setTimeout(() => void close(), options.lifetimeMs);
    timer.unref();
    stop.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  }

  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    signal: stop.signal,
    get closed() {
      return closing !== undefined;
    },
    close,
  };
}
