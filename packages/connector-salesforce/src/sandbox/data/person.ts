import type { SalesforcePersonInput } from "../../kinds/person.js";
import { ACCOUNT_REFERENCES, DEFAULT_SEED, pad, randomFor, timestamps, type SandboxKind } from "./shared.js";

const TITLES = ["CTO", "VP Sales", "Account Executive", "Engineer", "Head of Marketing"] as const;
const STAGES = ["lead", "opportunity", "customer"] as const;

export function sandboxPerson(index: number, seed = DEFAULT_SEED): SalesforcePersonInput {
  const random = randomFor(index, seed);
  const person = random.person();
  const account = index % ACCOUNT_REFERENCES;
  return {
    id: `per_${pad(index)}`,
    // Mixed case on purpose: the canonical schema normalises emails.
    email: random.email(person, random.company().domain).replace(/^./, (first) => first.toUpperCase()),
    first_name: person.first,
    last_name: person.last,
    title: random.pick(TITLES),
    phone: `+1 555 01${String(index % 100).padStart(2, "0")}`,
    account_id: `acc_${pad(account)}`,
    lifecycle_stage: random.pick(STAGES),
    ...timestamps(index),
  };
}

export const personSandbox: SandboxKind<SalesforcePersonInput> = {
  count: 23,
  make: sandboxPerson,
  // An email the canonical schema rejects.
  malformed: (index = 0) => ({ ...sandboxPerson(index), id: "per_malformed", email: "not-an-email" }),
};
