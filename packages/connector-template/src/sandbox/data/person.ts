import type { TemplatePersonInput } from "../../kinds/person.js";
import { ACCOUNT_REFERENCES, COMPANIES, pad, pick, timestamps, type SandboxKind } from "./shared.js";

const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"] as const;
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson"] as const;
const TITLES = ["CTO", "VP Sales", "Account Executive", "Engineer", "Head of Marketing"] as const;
const STAGES = ["lead", "opportunity", "customer"] as const;

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

export const personSandbox: SandboxKind<TemplatePersonInput> = {
  count: 23,
  make: sandboxPerson,
  // An email the canonical schema rejects.
  malformed: (index = 0) => ({ ...sandboxPerson(index), id: "per_malformed", email: "not-an-email" }),
};
