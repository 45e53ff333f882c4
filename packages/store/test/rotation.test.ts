import { createKeyRing, encryptCredentials, isCryptoError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";
import { engines, KEY_1, KEY_2, KEY_3, keyRing1, reportSkip, setupConnection, useStore } from "./helpers.js";

describe.each(engines)("credential rotation on $name", (engine) => {
  if (reportSkip(engine)) return;
  // This suite owns its database: rotation crosses tenants, so every connection in it belongs to these tests.
  const h = useStore(engine);

  async function keyIds(): Promise<Map<string, string>> {
    const { rows } = await h.driver.query<{ id: string; credentials_key_id: string }>(
      "SELECT id, credentials_key_id FROM connections",
    );
    return new Map(rows.map((row) => [row.id, row.credentials_key_id]));
  }

  it("re-encrypts every tenant's credentials under the newest key, resumably, batch by batch", async () => {
    const ring1 = keyRing1;
    const ring2 = createKeyRing(KEY_2, [KEY_1]);
    const connections = [];
    for (let i = 0; i < 5; i += 1) connections.push(await setupConnection(h.store, undefined, { apiKey: `secret-${i}` }));
    expect(new Set((await keyIds()).values())).toEqual(new Set([ring1.current.id]));

    // A stop after one batch (maxBatches) leaves a consistent, partly rotated table...
    const partial = await h.store.rotateCredentials(ring2, { batchSize: 2, maxBatches: 1 });
    expect(partial).toMatchObject({ rotated: 2, alreadyCurrent: 0, failed: 0, complete: false });
    const afterPartial = [...(await keyIds()).values()];
    expect(afterPartial.filter((id) => id === ring2.current.id)).toHaveLength(2);

    // ...and the next call picks up exactly the rest.
    const rest = await h.store.rotateCredentials(ring2, { batchSize: 2 });
    expect(rest).toMatchObject({ rotated: 3, alreadyCurrent: 2, failed: 0, complete: true });
    expect(new Set((await keyIds()).values())).toEqual(new Set([ring2.current.id]));
    expect(await h.store.rotateCredentials(ring2)).toMatchObject({ rotated: 0, alreadyCurrent: 5, complete: true });

    // Only the new key is needed from now on.
    const newOnly = await openStore({ driver: h.driver, keyRing: createKeyRing(KEY_2), migrate: false });
    for (const [i, c] of connections.entries()) {
      expect(await newOnly.getConnectionCredentials({ tenantId: c.tenantId, connectionId: c.connectionId })).toEqual({
        apiKey: `secret-${i}`,
      });
    }
    await expect(
      h.store.getConnectionCredentials({ tenantId: connections[0]!.tenantId, connectionId: connections[0]!.connectionId }),
    ).rejects.toSatisfy(isCryptoError);
    await newOnly.close();
  });

  it("reports connections it cannot decrypt and rotates the others", async () => {
    const ring2 = createKeyRing(KEY_2, [KEY_1]);
    const ring3 = createKeyRing(KEY_3, [KEY_2]);
    const good = await setupConnection(h.store, undefined, { apiKey: "good" });
    const lost = await setupConnection(h.store, undefined, { apiKey: "lost" });
    // `good` under key 2 (as after the previous test); `lost` still under key 1, which ring3 no longer has.
    const store2 = await openStore({ driver: h.driver, keyRing: ring2, migrate: false });
    await store2.rotateCredentials(ring2);
    await h.driver.query("UPDATE connections SET credentials_ciphertext = $2, credentials_key_id = $3 WHERE id = $1", [
      lost.connectionId,
      encryptCredentials({ apiKey: "lost" }, { tenantId: lost.tenantId, connectionId: lost.connectionId }, keyRing1),
      keyRing1.current.id,
    ]);
    const result = await store2.rotateCredentials(ring3, { batchSize: 3 });
    expect(result.failed).toBe(1);
    expect(result.failedConnectionIds).toEqual([lost.connectionId]);
    expect(result.complete).toBe(true);
    expect(result.rotated).toBe((await keyIds()).size - 1);
    const store3 = await openStore({ driver: h.driver, keyRing: ring3, migrate: false });
    expect(await store3.getConnectionCredentials({ tenantId: good.tenantId, connectionId: good.connectionId })).toEqual({
      apiKey: "good",
    });
    expect((await keyIds()).get(lost.connectionId)).toBe(keyRing1.current.id);
    await store2.close();
    await store3.close();
  });
});
