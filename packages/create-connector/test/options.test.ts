import { describe, expect, it } from "vitest";
import {
  checkOptions,
  defaultDisplayName,
  displayNameProblem,
  MAX_NAME_LENGTH,
  nameProblem,
  parseKinds,
  RESERVED_NAMES,
} from "../src/options.js";

describe("nameProblem", () => {
  it.each(["acme", "acme-crm", "hub2", "a1-b2-c3"])("accepts the kebab-case name %s", (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });

  it.each([
    ["", "required"],
    ["   ", "required"],
    ["Acme", "kebab-case"],
    ["acme_crm", "kebab-case"],
    ["acme--crm", "kebab-case"],
    ["-acme", "kebab-case"],
    ["acme-", "kebab-case"],
    ["2fa", "kebab-case"],
    ["acme crm", "kebab-case"],
    ["@scope/acme", "kebab-case"],
    ["../acme", "kebab-case"],
    ["connector-acme", 'Leave out the "connector-" prefix'],
  ])("rejects %j with a message about %s", (name, message) => {
    expect(nameProblem(name)).toContain(message);
  });

  it("rejects names longer than the limit", () => {
    expect(nameProblem("a".repeat(MAX_NAME_LENGTH))).toBeUndefined();
    expect(nameProblem("a".repeat(MAX_NAME_LENGTH + 1))).toContain("longer than");
  });

  it.each(["core", "testkit", "store", "worker", "web", "create", "connector", "create-connector", "test", "example"])(
    "rejects the reserved name %s",
    (name) => {
      expect(RESERVED_NAMES.has(name)).toBe(true);
      expect(nameProblem(name)).toContain("reserved");
    },
  );
});

describe("display names", () => {
  it("defaults to the name in title case", () => {
    expect(defaultDisplayName("acme")).toBe("Acme");
    expect(defaultDisplayName("acme-crm-2")).toBe("Acme Crm 2");
  });

  it("accepts a normal product name and rejects what would break generated code", () => {
    expect(displayNameProblem("Acme CRM (EU) - Sales & Co.")).toBeUndefined();
    for (const bad of ["", "  ", 'Acme "CRM"', "Acme `CRM`", "Acme ${CRM}", "Acme\\CRM", "Acme\nCRM", "x".repeat(61)]) {
      expect(displayNameProblem(bad), bad).toBeDefined();
    }
  });
});

describe("parseKinds", () => {
  it("returns the kinds in canonical order, without duplicates", () => {
    expect(parseKinds("activity, person,activity")).toEqual({ ok: true, kinds: ["person", "activity"] });
    expect(parseKinds(["account"])).toEqual({ ok: true, kinds: ["account"] });
  });

  it("rejects unknown and empty lists", () => {
    expect(parseKinds("person,lead")).toMatchObject({ ok: false, problem: expect.stringContaining('"lead"') });
    expect(parseKinds(" , ")).toMatchObject({ ok: false, problem: expect.stringContaining("at least one") });
  });
});

describe("checkOptions", () => {
  it("fills in the defaults", () => {
    expect(checkOptions({ name: "acme" })).toEqual({
      ok: true,
      options: {
        name: "acme",
        displayName: "Acme",
        auth: "api-key",
        kinds: ["person", "account", "activity"],
        webhooks: false,
      },
    });
  });

  it("collects every problem at once", () => {
    const result = checkOptions({ name: "Bad_Name", auth: "basic", kinds: "lead", displayName: 'x"y' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(4);
  });
});
