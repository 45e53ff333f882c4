/**
 * The demo's writeback round trip, for every demo connection whose connector can write back: one stored person gets
 * a new title through the outbox (enqueue, drain through `writeback.push` into the sandbox), and the incremental
 * sync that follows must read the new title back from the source. Nothing here knows a connector by name.
 */
import { randomUUID } from "node:crypto";
import { CanonicalRecordSchema } from "@gtm-clarity/core";
import type { OpenedApp } from "../app.js";
import { connectorRegistry } from "../connectors.js";
import { drainerFor } from "../writeback/cli-commands.js";

export interface RoundTripTarget {
  tenantId: string;
  connectionId: string;
  connectorId: string;
}

export interface RoundTrip extends RoundTripTarget {
  externalId: string;
  title: string;
  confirmed: number;
  failed: number;
}

/** Queues and drains one title change per writeback-capable connection; call before the incremental sync. */
export async function pushTitleChanges(app: OpenedApp, targets: readonly RoundTripTarget[]): Promise<RoundTrip[]> {
  const drainer = drainerFor(app);
  const trips: RoundTrip[] = [];
  for (const target of targets) {
    if (!drainer.supports(target.connectorId) || connectorRegistry.get(target.connectorId).writeback === undefined) continue;
    const [stored] = await app.store.listRecords({ tenantId: target.tenantId, connectionId: target.connectionId, kind: "person", limit: 1 });
    if (stored === undefined) continue;
    const person = CanonicalRecordSchema.parse({ ...stored.data, properties: stored.properties });
    // A fresh title each run: the sandbox is new every run, so the change is new to it too.
    const title = `Demo writeback ${new Date().toISOString().slice(0, 19)}Z`;
    await app.store.outbox.enqueue({ ...target, record: { ...person, title }, changeId: randomUUID() });
    const totals = await drainer.drain({ tenantId: target.tenantId, connectionId: target.connectionId });
    trips.push({ ...target, externalId: person.externalId, title, confirmed: totals.confirmed, failed: totals.failed });
  }
  return trips;
}

/** After the incremental sync: whether the store now holds the title each change wrote at the source. */
export async function readBack(app: OpenedApp, trips: readonly RoundTrip[]): Promise<string[]> {
  const lines: string[] = [];
  for (const trip of trips) {
    const stored = await app.store.getRecord({ tenantId: trip.tenantId, connectionId: trip.connectionId, kind: "person", externalId: trip.externalId });
    const back = stored?.data["title"] === trip.title;
    lines.push(
      `${trip.connectorId}: writeback of person ${trip.externalId} (title "${trip.title}"): ` +
        `${trip.confirmed} confirmed, ${trip.failed} failed at the source; ` +
        `${back ? "read back by the incremental sync" : "NOT read back by the incremental sync"}.`,
    );
  }
  return lines;
}
