/**
 * Buying groups from Delivr's side: every resolved visitor becomes a person linked to their company's account, with
 * a buying role inferred from title, seniority and department; a company's visitors arrive over many windows and
 * pages and still form one group per account.
 */
import { inferBuyingRole, type CanonicalRecord } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DelivrConnector } from "../src/connector.js";
import { startDelivrSandbox, type DelivrSandbox } from "../src/sandbox/index.js";
import { transformVisitorEvent } from "../src/sync/transform.js";
import { v1Resolved } from "./fixtures/events.js";
import { FAST, stored, syncAll } from "./support.js";

const T = Date.UTC(2026, 0, 20, 12);
type Person = Extract<CanonicalRecord, { kind: "person" }>;

describe("buying groups from Delivr visits", () => {
  let sandbox: DelivrSandbox;
  let people: Person[];
  let accounts: Set<string>;

  beforeAll(async () => {
    sandbox = await startDelivrSandbox({ anchorMs: T, rateLimitOnRequests: [] });
    const connector = new DelivrConnector({ ...FAST, now: () => new Date(T) });
    // Small pages: a group's members arrive over many pages and windows.
    const run = await syncAll(connector, sandbox.credentials, {
      ...sandbox.settings({ tenantId: "t", connectionId: "c" }),
      streams: ["visits"],
      pageSize: 5,
    });
    const records = [...stored(run.records).values()];
    people = records.filter((r): r is Person => r.kind === "person");
    accounts = new Set(records.filter((r) => r.kind === "account").map((r) => r.externalId));
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("links every person to an account that was stored", () => {
    expect(people.length).toBeGreaterThan(10);
    for (const person of people) {
      expect(person.accountExternalId).toBeDefined();
      expect(accounts.has(person.accountExternalId ?? "")).toBe(true);
    }
  });

  it("gives each seeded account several people, with more than one role among them", () => {
    const groups = new Map<string, Person[]>();
    for (const person of people) groups.set(person.accountExternalId ?? "", [...(groups.get(person.accountExternalId ?? "") ?? []), person]);
    const multi = [...groups.values()].filter((group) => group.length >= 3);
    expect(multi.length).toBeGreaterThanOrEqual(4);
    for (const group of multi) expect(new Set(group.map((p) => p.properties["buyingRole"])).size).toBeGreaterThan(1);
  });

  it("stores the role the core function infers from the person's own title, seniority and department", () => {
    for (const person of people) {
      const { seniority, department, buyingRole } = person.properties;
      expect(buyingRole).toBe(
        inferBuyingRole({
          title: person.title,
          seniority: typeof seniority === "string" ? seniority : null,
          department: typeof department === "string" ? department : null,
        }),
      );
    }
    const roles = new Set(people.map((p) => p.properties["buyingRole"]));
    for (const role of ["decision_maker", "champion", "influencer", "user"]) expect(roles.has(role)).toBe(true);
  });

  it("infers from seniority when Delivr sends no title, and marks a gatekeeper as influencer", () => {
    const role = (extra: Record<string, unknown>) =>
      transformVisitorEvent({ ...v1Resolved, ...extra }, "px").records.find((r) => r.kind === "person")?.properties["buyingRole"];
    expect(role({ job_title: null, seniority_level: "Director", department: "Sales" })).toBe("champion");
    expect(role({ job_title: "Director of Procurement", seniority_level: "Director", department: "Procurement" })).toBe("influencer");
    expect(role({ job_title: null, seniority_level: null, department: null })).toBe("unknown");
  });
});
