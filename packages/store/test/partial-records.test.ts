import { describe, expect, it } from "vitest";
import type { Store } from "../src/index.js";
import { engines, reportSkip, uniqueTenant, useStore } from "./helpers.js";

/** Ada's whole person record, with `properties`. */
const ada = (properties: Record<string, unknown>) => ({
  kind: "person" as const,
  externalId: "p1",
  email: "ada@acme.com",
  firstName: "Ada",
  lastName: "Lane",
  title: "VP Sales",
  properties,
});

async function seed(store: Store) {
  const tenantId = uniqueTenant();
  await store.createTenant({ tenantId });
  const { id: connectionId } = await store.createConnection({
    tenantId,
    connectorId: "customerio",
    connectorVersion: "1.0.0",
    credentials: { apiKey: "partial-test-key" },
  });
  await store.commitPage({
    tenantId,
    connectionId,
    cursor: "c1",
    records: [
      ada({ plan: "pro", subscribed: true }),
    ],
  });
  return { tenantId, connectionId };
}

describe.each(engines)("partial records on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("a partial record lands over the stored one: its fields win, properties merge, the rest is kept", async () => {
    const { tenantId, connectionId } = await seed(h.store);
    const result = await h.store.commitPage({
      tenantId,
      connectionId,
      cursor: "c2",
      records: [{ kind: "person", externalId: "p1", email: "ada@acme.com", partial: true, properties: { subscribed: false } }],
    });
    expect(result).toMatchObject({ created: 0, updated: 1 });
    const stored = await h.store.getRecord({ tenantId, connectionId, kind: "person", externalId: "p1" });
    expect(stored?.data).toMatchObject({ firstName: "Ada", lastName: "Lane", title: "VP Sales", email: "ada@acme.com" });
    expect(stored?.data).not.toHaveProperty("partial");
    expect(stored?.properties).toEqual({ plan: "pro", subscribed: false });
  });

  it("the same partial update again changes nothing, and hashes like the whole record it produced", async () => {
    const { tenantId, connectionId } = await seed(h.store);
    const thin = { kind: "person", externalId: "p1", partial: true, properties: { subscribed: false } } as const;
    await h.store.commitPage({ tenantId, connectionId, cursor: "c2", records: [thin] });
    const again = await h.store.commitPage({ tenantId, connectionId, cursor: "c3", records: [thin] });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const merged = await h.store.getRecord({ tenantId, connectionId, kind: "person", externalId: "p1" });
    // The whole record a later pull brings, equal to the merge, is unchanged too.
    const whole = await h.store.commitPage({
      tenantId,
      connectionId,
      cursor: "c4",
      records: [
        ada({ plan: "pro", subscribed: false }),
      ],
    });
    expect(whole).toMatchObject({ updated: 0, unchanged: 1 });
    const after = await h.store.getRecord({ tenantId, connectionId, kind: "person", externalId: "p1" });
    expect(after?.contentHash).toBe(merged?.contentHash);
  });

  it("two partial updates of one record in one page both land", async () => {
    const { tenantId, connectionId } = await seed(h.store);
    await h.store.commitPage({
      tenantId,
      connectionId,
      cursor: "c2",
      records: [
        { kind: "person", externalId: "p1", partial: true, title: "CTO", properties: { subscribed: false } },
        { kind: "person", externalId: "p1", partial: true, lastName: "Lovelace", properties: { plan: "enterprise" } },
      ],
    });
    const stored = await h.store.getRecord({ tenantId, connectionId, kind: "person", externalId: "p1" });
    expect(stored?.data).toMatchObject({ firstName: "Ada", lastName: "Lovelace", title: "CTO", email: "ada@acme.com" });
    expect(stored?.properties).toEqual({ plan: "enterprise", subscribed: false });
  });

  it("a partial record for something not stored yet is stored as it is; a whole record still replaces", async () => {
    const { tenantId, connectionId } = await seed(h.store);
    await h.store.commitPage({
      tenantId,
      connectionId,
      cursor: "c2",
      records: [
        { kind: "person", externalId: "p2", email: "new@acme.com", partial: true, properties: { subscribed: true } },
        { kind: "person", externalId: "p1", email: "ada@acme.com", properties: {} },
      ],
    });
    const fresh = await h.store.getRecord({ tenantId, connectionId, kind: "person", externalId: "p2" });
    expect(fresh?.data).toMatchObject({ email: "new@acme.com" });
    expect(fresh?.properties).toEqual({ subscribed: true });
    const replaced = await h.store.getRecord({ tenantId, connectionId, kind: "person", externalId: "p1" });
    expect(replaced?.data).not.toHaveProperty("firstName");
    expect(replaced?.properties).toEqual({});
  });
});
