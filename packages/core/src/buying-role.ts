/**
 * A person's role in a purchase (their account's buying group), inferred from what sources commonly know: a job
 * title, a seniority band and a department. Pure and deterministic, so the store can infer at read time what a
 * connector did not, and every connector classifies the same title the same way.
 *
 * The levels follow the usual B2B buying-group model: executives who sign (decision makers), directors and heads who
 * drive the purchase inside the account (champions), managers, leads and gatekeeping functions who shape it
 * (influencers), and individual contributors who will use the product (users). Nothing recognisable: unknown.
 */
import { z } from "zod";

export const BUYING_ROLES = ["decision_maker", "champion", "influencer", "user", "unknown"] as const;
export const BuyingRoleSchema = z.enum(BUYING_ROLES);
export type BuyingRole = z.output<typeof BuyingRoleSchema>;

export interface BuyingRoleInput {
  title?: string | null | undefined;
  /** A seniority band as vendors spell it: "C-Level", "c_suite", "VP", "Director", "Manager", "Entry", ... */
  seniority?: string | null | undefined;
  department?: string | null | undefined;
}

type Level = Exclude<BuyingRole, "unknown">;

/** Seniority bands, after normalisation (lower case, separators as spaces). */
const SENIORITY = new Map<string, Level>(Object.entries({
  "c level": "decision_maker",
  "c suite": "decision_maker",
  cxo: "decision_maker",
  executive: "decision_maker",
  owner: "decision_maker",
  founder: "decision_maker",
  partner: "decision_maker",
  president: "decision_maker",
  vp: "decision_maker",
  "vice president": "decision_maker",
  svp: "decision_maker",
  evp: "decision_maker",
  director: "champion",
  head: "champion",
  manager: "influencer",
  "senior manager": "influencer",
  lead: "influencer",
  senior: "influencer",
  principal: "influencer",
  staff: "user",
  entry: "user",
  "entry level": "user",
  junior: "user",
  "individual contributor": "user",
  ic: "user",
  intern: "user",
  training: "user",
  unpaid: "user",
} satisfies Record<string, Level>));

/** Titles that name a supporting role even when an executive word appears in them ("Assistant to the CEO"). */
const SUPPORT_TITLE = /\b(assistant|intern|internship|trainee|apprentice|student|receptionist)\b/;

/** Title patterns, tried in order: the first match decides. Matched against the lower-cased title. */
const TITLE_RULES: readonly (readonly [RegExp, Level])[] = [
  [/\bchief of staff\b/, "influencer"],
  [/\bproduct owner\b/, "influencer"],
  [
    /\b(chief|ceo|cto|cfo|coo|cmo|cro|cio|ciso|cpo|cdo|founder|co-?founder|owner|president|chairman|chairwoman|managing director|executive director|general manager|managing partner|general partner)\b|^partner$/,
    "decision_maker",
  ],
  [/\b(vp|svp|evp|avp|vice[- ]president)\b/, "decision_maker"],
  [/\b(director|head)\b/, "champion"],
  [/\b(manager|mgr|lead|leader|supervisor|principal|architect)\b/, "influencer"],
  [
    /\b(engineer|developer|analyst|specialist|associate|representative|rep|coordinator|consultant|designer|administrator|admin|executive|officer|scientist|accountant|technician|agent|advisor|strategist|writer|recruiter|marketer|programmer|operator|clerk)\b/,
    "user",
  ],
];

/** Functions that gate a purchase (contracts, money, risk): their managers and directors influence, they don't drive. */
const GATEKEEPER_DEPARTMENT = /\b(procurement|purchasing|sourcing|legal|compliance|vendor management)\b/;

function normalise(value: string | null | undefined): string {
  return (value ?? "")
    .toLowerCase()
    .replace(/[_\-/]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function levelOfTitle(title: string): Level | undefined {
  if (title === "") return undefined;
  if (SUPPORT_TITLE.test(title)) return "user";
  for (const [pattern, level] of TITLE_RULES) if (pattern.test(title)) return level;
  return undefined;
}

/**
 * The buying role of one person. The title decides when it says something recognisable (it is more specific than
 * a seniority band, and a supporting title wins over the executive words in it: "Assistant to the CEO" is a user);
 * otherwise the seniority band. A would-be champion in a gatekeeping department (procurement, legal, compliance)
 * is an influencer. Department alone says nothing about the role: unknown.
 */
export function inferBuyingRole(input: BuyingRoleInput): BuyingRole {
  const title = (input.title ?? "").toLowerCase().replace(/\s+/g, " ").trim();
  const seniority = normalise(input.seniority);
  const department = normalise(input.department);

  const level = levelOfTitle(title) ?? SENIORITY.get(seniority);
  if (level === undefined) return "unknown";
  if (level === "champion" && GATEKEEPER_DEPARTMENT.test(department)) return "influencer";
  return level;
}
