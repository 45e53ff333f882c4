/**
 * HTTP clients kept per identity (base URL, credential, budget) for a connector's lifetime. Pacing state (the
 * client-side window, the server's RateLimit-Remaining/-Reset, a 429's hold-off) lives in the client, so `sync`
 * calls for the same account must share one. Least recently used clients are evicted first.
 */
import { createHash } from "node:crypto";
import { createForwardingLogger, type Logger } from "../logger.js";
import type { HttpClient } from "./types.js";

export interface HttpClientPool {
  /**
   * The client for `identity`, made by `create` on first use. Identity parts may be secrets: they are hashed, never
   * kept. The client logs through `logger`, the logger of the call that uses it now.
   */
  get(identity: readonly string[], logger: Logger, create: (logger: Logger) => HttpClient): HttpClient;
  readonly size: number;
}

interface PooledClient {
  client: HttpClient;
  target: { logger: Logger };
}

export function createHttpClientPool(options: { maxClients?: number } = {}): HttpClientPool {
  const maxClients = options.maxClients ?? 256;
  const clients = new Map<string, PooledClient>();
  return {
    get(identity, logger, create) {
      const key = createHash("sha256").update(JSON.stringify(identity)).digest("hex");
      const pooled = clients.get(key);
      if (pooled) {
        pooled.target.logger = logger;
        clients.delete(key); // re-inserted below: Map order is the eviction order
        clients.set(key, pooled);
        return pooled.client;
      }
      const target = { logger };
      const client = create(createForwardingLogger(target));
      clients.set(key, { client, target });
      if (clients.size > maxClients) {
        const oldest = clients.keys().next().value;
        if (oldest !== undefined) clients.delete(oldest);
      }
      return client;
    },
    get size() {
      return clients.size;
    },
  };
}
