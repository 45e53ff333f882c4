import { describe, expect, it } from "vitest";
import type { Store } from "../src/index.js";
import { engines, reportSkip, uniqueTenant, useStore } from "./helpers.js";

async function connect(store: Store, tenantId: string, connectorId: string) {
  const connection = await store.createConnection({
    tenantId,
    connectorId,
    connectorVersion: "1.0.0",
    credentials: { apiKey: `${connectorId}-key` },
  });
  return connection.id;
}

const visit = (externalId: string, occurredAt: string, link: Record<string, string>) => ({
  kind: "activity",
  externalId,
  type: "page_view",
  channel: "web",
  occurredAt,
  ...link,
});

/** Acme known to two connectors: Delivr (account + visitors) and a CRM (account + contacts, one shared email). */
async function seedAcme(store: Store, tenantId: string) {
  await store.createTenant({ tenantId });
  const delivr = await connect(store, tenantId, "delivr");
  const crm = await connect(store, tenantId, "salesforce");
  await store.commitPage({
    tenantId,
    connectionId: delivr,
    cursor: "d1",
    records: [
      { kind: "account", externalId: "acme.com", name: "Acme", domain: "https://www.Acme.com", industry: "Software", size: 250 },
      {
        kind: "person",
        externalId: "p-ceo",
        email: "ceo@acme.com",
        firstName: "Ada",
        lastName: "Lane",
        title: "Chief Executive Officer",
        accountExternalId: "acme.com",
        properties: { buyingRole: "decision_maker" },
      },
      // No title, but a seniority band: inferred at read time.
      {
        kind: "person",
        externalId: "p-dir",
        email: "dir@acme.com",
        accountExternalId: "acme.com",
        properties: { seniority: "Director", department: "Marketing" },
      },
      // Linked by account although the email is elsewhere.
      { kind: "person", externalId: "p-gmail", email: "fan@gmail.com", title: "Software Engineer", accountExternalId: "acme.com" },
      // Another company's visitor: not a member.
      { kind: "person", externalId: "p-other", email: "x@other.com", title: "CTO", accountExternalId: "other.com" },
      { kind: "account", externalId: "other.com", name: "Other", domain: "other.com" },
      visit("v1", "2025-03-01T10:00:00.000Z", { personExternalId: "p-ceo", accountExternalId: "acme.com" }),
      visit("v2", "2025-03-03T10:00:00.000Z", { personExternalId: "p-ceo", accountExternalId: "acme.com" }),
      { ...visit("i1", "2025-03-02T10:00:00.000Z", { personExternalId: "p-ceo" }), type: "intent_signal" },
      visit("v3", "2025-03-04T09:00:00.000Z", { personExternalId: "p-dir" }),
      // An unresolved visitor: the account alone.
      visit("v4", "2025-03-05T09:00:00.000Z", { accountExternalId: "acme.com" }),
      visit("v5", "2025-03-06T09:00:00.000Z", { accountExternalId: "acme.com" }),
      visit("v-other", "2025-03-07T09:00:00.000Z", { personExternalId: "p-other", accountExternalId: "other.com" }),
    ],
  });
  await store.commitPage({
    tenantId,
    connectionId: crm,
    cursor: "c1",
    records: [
      { kind: "account", externalId: "001A", name: "Acme Corp", domain: "acme.com" },
      // The same person as Delivr's p-ceo (same email): one member with two sources.
      { kind: "person", externalId: "003A", email: "CEO@acme.com", title: "CEO", accountExternalId: "001A" },
      // Not linked to any account, found by email domain.
      { kind: "person", externalId: "003B", email: "buyer@acme.com", title: "Procurement Manager" },
      { kind: "person", externalId: "003C", email: "gone@acme.com", title: "VP Sales", isDeleted: true },
      { kind: "activity", externalId: "m1", type: "meeting", channel: "video", occurredAt: "2025-03-08T12:00:00.000Z", personExternalId: "003A" },
    ],
  });
  return { delivr, crm };
}

describe.each(engines)("getBuyingGroup on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("gathers an account's people from every connector, by account link and by email domain", async () => {
    const tenantId = uniqueTenant();
    const { delivr, crm } = await seedAcme(h.store, tenantId);
    const group = await h.store.getBuyingGroup({ tenantId, accountId: { connectionId: delivr, externalId: "acme.com" } });

    expect(group.domain).toBe("acme.com");
    expect(group.accounts.map((a) => [a.connectorId, a.externalId])).toEqual([
      ["delivr", "acme.com"],
      ["salesforce", "001A"],
    ]);
    expect(group.accounts[0]).toMatchObject({ name: "Acme", industry: "Software", size: 250, domain: "acme.com" });
    expect(group.truncated).toBe(false);

    const byEmail = new Map(group.members.map((m) => [m.email, m]));
    expect([...byEmail.keys()].sort()).toEqual(["buyer@acme.com", "ceo@acme.com", "dir@acme.com", "fan@gmail.com"]);

    const ceo = byEmail.get("ceo@acme.com");
    expect(ceo).toMatchObject({ role: "decision_maker", roleSource: "stored", name: "Ada Lane", total: 4 });
    expect(ceo?.byType).toEqual({ page_view: 2, intent_signal: 1, meeting: 1 });
    expect(ceo?.lastActivityAt?.toISOString()).toBe("2025-03-08T12:00:00.000Z");
    expect(ceo?.sources.map((s) => s.connectionId).sort()).toEqual([delivr, crm].sort());
    expect(ceo?.linkedBy.sort()).toEqual(["account", "domain"]);

    expect(byEmail.get("dir@acme.com")).toMatchObject({ role: "champion", roleSource: "inferred", total: 1 });
    expect(byEmail.get("buyer@acme.com")).toMatchObject({ role: "influencer", linkedBy: ["domain"], total: 0, lastActivityAt: null });
    expect(byEmail.get("fan@gmail.com")).toMatchObject({ role: "user", linkedBy: ["account"] });

    expect(group.members.map((m) => m.role)).toEqual(["decision_maker", "champion", "influencer", "user"]);
    expect(group.roles).toEqual({ decision_maker: 1, champion: 1, influencer: 1, user: 1, unknown: 0 });
    expect(group.accountActivity).toEqual({
      total: 2,
      byType: { page_view: 2 },
      lastActivityAt: new Date("2025-03-06T09:00:00.000Z"),
    });
  });

  it("answers the same group by domain, normalised", async () => {
    const tenantId = uniqueTenant();
    const { delivr } = await seedAcme(h.store, tenantId);
    const byDomain = await h.store.getBuyingGroup({ tenantId, domain: "https://WWW.acme.com/pricing" });
    const byAccount = await h.store.getBuyingGroup({ tenantId, accountId: { connectionId: delivr, externalId: "acme.com" } });
    expect(byDomain.members.map((m) => m.email)).toEqual(byAccount.members.map((m) => m.email));
    expect(byDomain.accounts).toHaveLength(2);
  });

  it("does not gather a mailbox provider's users into an account on that domain", async () => {
    const tenantId = uniqueTenant();
    await seedAcme(h.store, tenantId);
    const group = await h.store.getBuyingGroup({ tenantId, domain: "gmail.com" });
    expect(group).toMatchObject({ domain: "gmail.com", accounts: [], members: [] });
  });

  it("shows tenant B nothing of tenant A, by account or by domain", async () => {
    const a = uniqueTenant("a");
    const { delivr } = await seedAcme(h.store, a);
    const b = uniqueTenant("b");
    await h.store.createTenant({ tenantId: b });
    const byAccount = await h.store.getBuyingGroup({ tenantId: b, accountId: { connectionId: delivr, externalId: "acme.com" } });
    const byDomain = await h.store.getBuyingGroup({ tenantId: b, domain: "acme.com" });
    for (const group of [byAccount, byDomain]) {
      expect(group.accounts).toEqual([]);
      expect(group.members).toEqual([]);
      expect(group.accountActivity.total).toBe(0);
    }
    // And A still sees its own.
    expect((await h.store.getBuyingGroup({ tenantId: a, domain: "acme.com" })).members).toHaveLength(4);
  });

  it("returns an empty group for an unknown account, and says when `limit` cut the list", async () => {
    const tenantId = uniqueTenant();
    const { delivr } = await seedAcme(h.store, tenantId);
    const none = await h.store.getBuyingGroup({ tenantId, accountId: { connectionId: delivr, externalId: "nope" } });
    expect(none).toMatchObject({ accounts: [], members: [], truncated: false });
    const cut = await h.store.getBuyingGroup({ tenantId, domain: "acme.com", limit: 2 });
    expect(cut.truncated).toBe(true);
    expect(cut.members.length).toBeLessThanOrEqual(2);
  });

  it("infers when a stored role is unknown or not a role, and ignores deleted accounts", async () => {
    const tenantId = uniqueTenant();
    await h.store.createTenant({ tenantId });
    const connectionId = await connect(h.store, tenantId, "delivr");
    await h.store.commitPage({
      tenantId,
      connectionId,
      cursor: "c",
      records: [
        { kind: "account", externalId: "beta.example", domain: "beta.example" },
        { kind: "account", externalId: "gone", domain: "beta.example", isDeleted: true },
        { kind: "person", externalId: "a", email: "a@beta.example", title: "VP Sales", properties: { buyingRole: "unknown" } },
        { kind: "person", externalId: "b", email: "b@beta.example", title: "Data Analyst", properties: { buyingRole: "boss" } },
      ],
    });
    const group = await h.store.getBuyingGroup({ tenantId, domain: "beta.example" });
    expect(group.accounts.map((a) => a.externalId)).toEqual(["beta.example"]);
    expect(group.members.map((m) => [m.email, m.role, m.roleSource])).toEqual([
      ["a@beta.example", "decision_maker", "inferred"],
      ["b@beta.example", "user", "inferred"],
    ]);
    const deleted = await h.store.getBuyingGroup({ tenantId, accountId: { connectionId, externalId: "gone" } });
    expect(deleted.accounts).toEqual([]);
  });

  it("refuses malformed input with a typed error", async () => {
    await expect(h.store.getBuyingGroup({ tenantId: "t", domain: "not a domain" })).rejects.toThrow(/getBuyingGroup input/);
    await expect(
      h.store.getBuyingGroup({ tenantId: "t", accountId: { connectionId: "not-a-uuid", externalId: "x" } }),
    ).rejects.toThrow(/getBuyingGroup input/);
  });
});
