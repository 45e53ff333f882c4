/**
 * A connector a fetch thread loads (by this module's URL) whose `sync` does what the cursor says, so the thread's
 * edges can be driven from a test: follow a chain of pages, log, fail with a typed error, hang until aborted, send requests through the
 * request gate, hand back a page that cannot be cloned, or end its thread.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getPriority } from "node:os";
import { threadId } from "node:worker_threads";
import { AuthError, createHttpClient, RateLimitError, type AuthenticateResult, type CanonicalRecord, type Connector, type Credentials, type SyncOptions, type SyncResult } from "@gtm-clarity/core";
import { z } from "zod";
import { lookup } from "../support/fast-connectors.js";
import { page } from "../support/pages.js";

export class ProbeConnector implements Connector<CanonicalRecord> {
  readonly id = "probe";
  readonly name = "Probe";
  constructor(readonly version = "1.0.0") {}

  async authenticate(): Promise<AuthenticateResult> {
    return { credentials: { token: "t" } };
  }

  async sync(credentials: Credentials, cursor: string | null, options: SyncOptions = {}): Promise<SyncResult<CanonicalRecord>> {
    const [command = "", arg = ""] = (cursor ?? "").split(":", 2);
    switch (command) {
      case "chain": {
        // Page `arg` of five, stamped with when its fetch started.
        const at = Date.now();
        const n = Number(arg);
        return { ...page(n < 5 ? `chain:${n + 1}` : null, n < 5, [`c${n}`]), stats: { created: 1, updated: 0, errors: 0, counts: { page: n, at } } };
      }
      case "log":
        options.logger?.info("probe page", { cursor, settings: options.settings, dpa: options.dpaAcceptedAt?.toISOString() ?? null });
        return page("next", true, ["a", "b"]);
      case "auth":
        throw new AuthError("token rejected by the probe", { vendor: { code: "INVALID_SESSION_ID" } });
      case "limit":
        throw new RateLimitError("slow down", Number(arg));
      case "hang":
        await sleep(60_000, undefined, options.signal ? { signal: options.signal } : {});
        return page(null, false);
      case "http": {
        // `arg` requests to the URL in the credentials, each through the scope's request gate.
        const http = createHttpClient({ baseUrl: credentials["url"] ?? "", name: "probe", retry: { maxAttempts: 1 } });
        for (let i = 0; i < Number(arg); i += 1) await http.getJson(`/r${i}`, z.object({ ok: z.boolean() }), options.signal ? { signal: options.signal } : {});
        return page(null, false, ["http"]);
      }
      case "http-uncloneable": {
        // The same requests, then a page the thread cannot send back: the caller fetches it again itself.
        const http = createHttpClient({ baseUrl: credentials["url"] ?? "", name: "probe", retry: { maxAttempts: 1 } });
        for (let i = 0; i < Number(arg); i += 1) await http.getJson(`/r${i}`, z.object({ ok: z.boolean() }), options.signal ? { signal: options.signal } : {});
        return { ...page(null, false, ["u"]), stats: { created: 1, updated: 0, errors: 0, probe: () => 1 } as never };
      }
      case "uncloneable":
        return { ...page(null, false, ["u"]), stats: { created: 1, updated: 0, errors: 0, probe: () => 1 } as never };
      case "exit":
        process.exit(3); // in a worker thread: ends the thread only
        break;
      default:
        // Says which thread ran it (0 is the main thread), and at what nice value.
        return { ...page(null, false, ["plain"]), stats: { created: 1, updated: 0, errors: 0, counts: { thread: threadId, nice: getPriority() } } };
    }
    return page(null, false);
  }

  getSchema() {
    return [];
  }

  async healthCheck() {
    return { healthy: true, lastSync: null };
  }
}

export const probeConnectors = lookup(new ProbeConnector());
