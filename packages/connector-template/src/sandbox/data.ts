/**
 * Deterministic sandbox records: record `i` of a kind depends only on `i`, so a data set of 5,000 starts with the
 * same records as one of 50. `sandboxData()` adds one malformed record per kind, which a sync must quarantine.
 */
import type { TemplatePersonInput, TemplateAccountInput, TemplateActivityInput } from "../api-schema.js";
import type { StreamKind } from "../streams.js";

/** The first record was created at this instant, each later one an hour after the previous. */
export const SANDBOX_EPOCH = Date.parse("2025-01-06T09:00:00Z");
const HOUR_MS = 3_600_000;
/** People and activities point at the first accounts. */
const ACCOUNT_REFERENCES = 8;

const COMPANIES = ["globex", "initech", "umbrella", "hooli", "vandelay", "soylent", "tyrell", "wonka"] as const;
const INDUSTRIES = ["Software", "Manufacturing", "Retail", "Finance"] as const;
const PLANS = ["free", "team", "enterprise"] as const;
const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"] as const;
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"] as const;
const TITLES = ["CTO", "VP Sales", "Account Executive", "Engineer", "Head of Marketing"] as const;
const STAGES = ["lead", "opportunity", "customer"] as const;
const ACTIVITY_TYPES = [
  ["meeting", "video"],
  ["email_sent", "email"],
  ["call", "phone"],
] as const;

/** Well-formed records per kind in `sandboxData()`; with the page size of 10 each kind spans several pages. */
export const SANDBOX_COUNTS: Record<StreamKind, number> = {
  person: 23,
  account: 11,
  activity: 27,
};

export type SandboxData = Record<StreamKind, unknown[]>;

function pick<T>(list: readonly T[], index: number): T {
  const value = list[index % list.length];
  if (value === undefined) throw new RangeError("pick from an empty list");
  return value;
}

function pad(index: number): string {
  return String(index + 1).padStart(4, "0");
}

/** Created on the hour, updated half an hour later: `updated_at` increases with the index. */
function timestamps(index: number): { created_at: string; updated_at: string; deleted: boolean } {
  const created = SANDBOX_EPOCH + index * HOUR_MS;
  return {
    created_at: new Date(created).toISOString(),
    updated_at: new Date(created + HOUR_MS / 2).toISOString(),
    deleted: false,
  };
}

export function sandboxPerson(index: number): TemplatePersonInput {
  const first = pick(FIRST_NAMES, index);
  const last = pick(LAST_NAMES, index);
  const account = index % ACCOUNT_REFERENCES;
  return {
    id: `per_${pad(index)}`,
    // Mixed case on purpose: the canonical schema normalises emails.
    email: `${first}.${last}${index + 1}@${pick(COMPANIES, account)}-${account + 1}.example`,
    first_name: first,
    last_name: last,
    title: pick(TITLES, index),
    phone: `+1 555 01${String(index % 100).padStart(2, "0")}`,
    account_id: `acc_${pad(account)}`,
    lifecycle_stage: pick(STAGES, index),
    ...timestamps(index),
  };
}

export function sandboxAccount(index: number): TemplateAccountInput {
  const company = pick(COMPANIES, index);
  const domain = `${company}-${index + 1}.example`;
  return {
    id: `acc_${pad(index)}`,
    name: `${company.charAt(0).toUpperCase()}${company.slice(1)} ${index + 1}`,
    // Sent with "www." and mixed case, as users type them: the canonical schema normalises domains.
    domain: `WWW.${domain}`,
    industry: pick(INDUSTRIES, index),
    employee_count: 25 * (index + 1),
    website: `https://www.${domain}`,
    plan: pick(PLANS, index),
    ...timestamps(index),
  };
}

export function sandboxActivity(index: number): TemplateActivityInput {
  const [type, channel] = pick(ACTIVITY_TYPES, index);
  const account = index % ACCOUNT_REFERENCES;
  return {
    id: `act_${pad(index)}`,
    type,
    channel,
    occurred_at: new Date(SANDBOX_EPOCH + index * HOUR_MS).toISOString(),
    subject: `${type.replace("_", " ")} #${index + 1}`,
    duration: type === "meeting" ? 1800 : null,
    direction: index % 2 === 0 ? "outbound" : "inbound",
    person_id: `per_${pad(index % 20)}`,
    account_id: `acc_${pad(account)}`,
    url: `https://app.sandbox.example/activities/act_${pad(index)}`,
    ...timestamps(index),
  };
}

/** A person with an email the canonical schema rejects: the sync must quarantine it, never drop it or emit it. */
export function malformedPerson(index = 0): TemplatePersonInput {
  return { ...sandboxPerson(index), id: "per_malformed", email: "not-an-email" };
}

/** A account with a domain the canonical schema rejects: the sync must quarantine it, never drop it or emit it. */
export function malformedAccount(index = 0): TemplateAccountInput {
  return { ...sandboxAccount(index), id: "acc_malformed", domain: "not a domain" };
}

/** A activity with a date the API schema rejects: the sync must quarantine it, never drop it or emit it. */
export function malformedActivity(index = 0): TemplateActivityInput {
  return { ...sandboxActivity(index), id: "act_malformed", occurred_at: "yesterday" };
}

/** `counts` well-formed records per kind (default `SANDBOX_COUNTS`) plus one malformed record per kind. */
export function sandboxData(counts: Partial<Record<StreamKind, number>> = {}): SandboxData {
  const build = <T>(count: number, make: (index: number) => T, malformed: (index: number) => T): T[] => [
    ...Array.from({ length: count }, (_, index) => make(index)),
    malformed(Math.floor(count / 2)),
  ];
  return {
    person: build(counts.person ?? SANDBOX_COUNTS.person, sandboxPerson, malformedPerson),
    account: build(counts.account ?? SANDBOX_COUNTS.account, sandboxAccount, malformedAccount),
    activity: build(counts.activity ?? SANDBOX_COUNTS.activity, sandboxActivity, malformedActivity),
  };
}
