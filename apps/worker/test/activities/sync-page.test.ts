/** `syncOnePage` with no Temporal at all: a plain runtime object supplies heartbeats and cancellation. */
import { randomUUID } from "node:crypto";
import { noopLogger } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionSource } from "../../src/activities/connection-source.js";
import { storePort } from "../../src/activities/store-port.js";
import { PageCancelledError, syncOnePage, type PageHeartbeat, type PageRuntime } from "../../src/activities/sync-page.js";
import { lookup, memoryStore, page, ScriptedConnector, scriptedConnection } from "../support/fixtures.js";

let store: Store;
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store.close();
});

async function setup(steps: ConstructorParameters<typeof ScriptedConnector>[1]) {
  const connector = new ScriptedConnector(`plain-${randomUUID().slice(0, 6)}`, steps);
  const tenantId = `t-${randomUUID().slice(0, 6)}`;
  const connectionId = await scriptedConnection(store, tenantId, connector.id);
  const port = storePort(store);
  const connections = createConnectionSource({ store: port, connectors: lookup(connector), logger: noopLogger, now: Date.now, connectionCacheMs: 0 });
  const deps = { store: port, connections, logger: noopLogger, heartbeatIntervalMs: 1_000, maxPagesPerSync: 10 };
  const run = await port.startRun({ tenantId, connectionId, connectorVersion: connector.version, fullRefresh: false });
  const input = { tenantId, connectionId, runId: run.id, cursor: null, page: 1, fullSync: false };
  return { deps, input, port };
}

function plainRuntime(controller = new AbortController()): PageRuntime & { beats: PageHeartbeat[] } {
  const beats: PageHeartbeat[] = [];
  return { beats, heartbeat: (details) => beats.push(details as PageHeartbeat), signal: controller.signal, heartbeatDetails: undefined };
}

describe("syncOnePage without Temporal", () => {
  it("fetches from the stored cursor and commits the page with its cursor, heartbeating through the runtime", async () => {
    const { deps, input, port } = await setup([async () => page("c1", true, ["a", "b"])]);
    const runtime = plainRuntime();
    const result = await syncOnePage(deps, input, runtime);
    expect(result).toEqual({ cursor: "c1", hasMore: true, records: 2, quarantined: 0, documents: 0 });
    expect(await port.getCursor(input)).toBe("c1");
    expect(runtime.beats.map((beat) => beat.phase)).toEqual(["fetching", "committed"]);
  });

  it("a page fetched after the runtime's signal aborted is not committed (PageCancelledError)", async () => {
    const controller = new AbortController();
    const { deps, input, port } = await setup([
      async () => {
        controller.abort("stop");
        return page("c1", true, ["a"]);
      },
    ]);
    await expect(syncOnePage(deps, input, plainRuntime(controller))).rejects.toBeInstanceOf(PageCancelledError);
    expect(await port.getCursor(input)).toBeNull();
  });
});
