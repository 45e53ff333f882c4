import { describe, expect, it } from "vitest";
import { BUYING_ROLES, BuyingRoleSchema, inferBuyingRole, type BuyingRole, type BuyingRoleInput } from "./buying-role.js";

/** The role table: [title, seniority, department] -> role. Each row is one decision the function must keep. */
const TABLE: readonly (readonly [string | null, string | null, string | null, BuyingRole])[] = [
  // Executives sign.
  ["Chief Executive Officer", null, null, "decision_maker"],
  ["CEO & Co-Founder", null, null, "decision_maker"],
  ["CTO", null, "Engineering", "decision_maker"],
  ["Chief Revenue Officer", "C-Level", "Sales", "decision_maker"],
  ["VP Sales", null, null, "decision_maker"],
  ["SVP, Engineering", null, null, "decision_maker"],
  ["Vice President of Marketing", null, null, "decision_maker"],
  ["Vice-President Operations", null, null, "decision_maker"],
  ["Founder", null, null, "decision_maker"],
  ["Owner", null, null, "decision_maker"],
  ["President", null, null, "decision_maker"],
  ["Managing Director", null, null, "decision_maker"],
  ["Executive Director", null, null, "decision_maker"],
  ["General Manager, EMEA", null, null, "decision_maker"],
  ["Partner", null, null, "decision_maker"],
  // Directors and heads drive the purchase.
  ["Director of Engineering", null, null, "champion"],
  ["Senior Director, Demand Generation", null, null, "champion"],
  ["Head of Marketing", null, null, "champion"],
  ["Department Head", null, null, "champion"],
  // Managers, leads, architects shape it; so do gatekeepers.
  ["Marketing Manager", null, null, "influencer"],
  ["Senior Manager, IT", null, null, "influencer"],
  ["Team Lead", null, null, "influencer"],
  ["Principal Engineer", null, null, "influencer"],
  ["Solutions Architect", null, null, "influencer"],
  ["Chief of Staff", null, null, "influencer"],
  ["Product Owner", null, null, "influencer"],
  ["Director of Procurement", null, "Procurement", "influencer"],
  ["Head of Legal", null, "Legal", "influencer"],
  [null, "Director", "Purchasing", "influencer"],
  // Individual contributors use the product.
  ["Software Engineer", null, null, "user"],
  ["Senior Software Engineer", null, null, "user"],
  ["Staff Engineer", null, null, "user"],
  ["Data Analyst", null, null, "user"],
  ["Account Executive", null, "Sales", "user"],
  ["Sales Development Representative", null, null, "user"],
  ["Marketing Coordinator", null, null, "user"],
  ["Loan Officer", null, null, "user"],
  // A supporting title wins over executive words in it.
  ["Executive Assistant to the CEO", "C-Level", null, "user"],
  ["Assistant to the VP of Sales", null, null, "user"],
  ["Marketing Intern", "Director", null, "user"],
  // No recognisable title: the seniority band decides, in any spelling.
  [null, "C-Level", null, "decision_maker"],
  [null, "c_suite", null, "decision_maker"],
  ["", "VP", null, "decision_maker"],
  ["Growth Ninja", "Director", "Marketing", "champion"],
  [null, "manager", null, "influencer"],
  [null, "Entry Level", null, "user"],
  [null, "entry-level", null, "user"],
  // The title is more specific than the band.
  ["VP Engineering", "Manager", null, "decision_maker"],
  ["Software Engineer", "Director", null, "user"],
  // Nothing to go on.
  [null, null, null, "unknown"],
  ["", "", "", "unknown"],
  [null, null, "Engineering", "unknown"],
  ["Growth Ninja", null, null, "unknown"],
  [null, "constructor", null, "unknown"],
  [null, "toString", null, "unknown"],
];

describe("inferBuyingRole", () => {
  it.each(TABLE)("title %j, seniority %j, department %j -> %s", (title, seniority, department, role) => {
    expect(inferBuyingRole({ title, seniority, department })).toBe(role);
  });

  it("covers every role in the table", () => {
    expect(new Set(TABLE.map((row) => row[3]))).toEqual(new Set(BUYING_ROLES));
  });

  it("ignores case and extra whitespace", () => {
    expect(inferBuyingRole({ title: "  vP   sALES " })).toBe("decision_maker");
    expect(inferBuyingRole({ seniority: "  DIRECTOR " })).toBe("champion");
  });

  it("accepts absent fields", () => {
    const input: BuyingRoleInput = {};
    expect(inferBuyingRole(input)).toBe("unknown");
  });

  it("returns only values of BuyingRoleSchema", () => {
    for (const [title, seniority, department] of TABLE) {
      expect(BuyingRoleSchema.safeParse(inferBuyingRole({ title, seniority, department })).success).toBe(true);
    }
  });

  it("stays fast on long crafted input (no catastrophic backtracking)", () => {
    const title = `${"a ".repeat(20_000)}assistant${"-".repeat(20_000)}`;
    expect(inferBuyingRole({ title, seniority: "x".repeat(50_000), department: "_".repeat(50_000) })).toBe("user");
  });
});
