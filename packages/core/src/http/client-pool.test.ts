import { describe, expect, it } from "vitest";
import { createMemoryLogger, type Logger } from "../logger.js";
import { createHttpClient } from "./client.js";
import { createHttpClientPool } from "./client-pool.js";
import type { HttpClient } from "./types.js";

const make = (logger: Logger): HttpClient => createHttpClient({ baseUrl: "http://127.0.0.1:9/v1", logger });

describe("createHttpClientPool", () => {
  it("gives the same client for the same identity and a new one for another", () => {
    const pool = createHttpClientPool();
    const logger = createMemoryLogger();
    let created = 0;
    const create = (log: Logger) => {
      created += 1;
      return make(log);
    };
    const a = pool.get(["http://x", "key-a"], logger, create);
    expect(pool.get(["http://x", "key-a"], logger, create)).toBe(a);
    expect(pool.get(["http://x", "key-b"], logger, create)).not.toBe(a);
    expect(created).toBe(2);
  });

  it("routes a pooled client's log lines to the logger of the latest caller", () => {
    const pool = createHttpClientPool();
    const first = createMemoryLogger();
    const second = createMemoryLogger();
    let log: Logger | undefined;
    pool.get(["id"], first, (forwarding) => {
      log = forwarding;
      return make(forwarding);
    });
    log?.warn("from the first call");
    pool.get(["id"], second, () => {
      throw new Error("must not create again");
    });
    log?.warn("from the second call");
    expect(first.entries.map((entry) => entry.message)).toEqual(["from the first call"]);
    expect(second.entries.map((entry) => entry.message)).toEqual(["from the second call"]);
  });

  it("evicts the least recently used client beyond maxClients", () => {
    const pool = createHttpClientPool({ maxClients: 2 });
    const logger = createMemoryLogger();
    const a = pool.get(["a"], logger, make);
    pool.get(["b"], logger, make);
    pool.get(["a"], logger, make); // a is now the most recent
    pool.get(["c"], logger, make); // evicts b
    expect(pool.size).toBe(2);
    expect(pool.get(["a"], logger, make)).toBe(a);
    let recreated = false;
    pool.get(["b"], logger, (log) => {
      recreated = true;
      return make(log);
    });
    expect(recreated).toBe(true);
  });
});
