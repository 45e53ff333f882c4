import type { CustomerioAccountInput } from "../../kinds/account.js";
import { DEFAULT_SEED, pad, randomFor, timestamps, type SandboxKind } from "./shared.js";

const INDUSTRIES = ["Software", "Manufacturing", "Retail", "Finance"] as const;
const PLANS = ["free", "team", "enterprise"] as const;

export function sandboxAccount(index: number, seed = DEFAULT_SEED): CustomerioAccountInput {
  const random = randomFor(index, seed);
  const company = random.company();
  return {
    id: `acc_${pad(index)}`,
    name: company.name,
    // Sent with "www." and mixed case, as users type them: the canonical schema normalises domains.
    domain: `WWW.${company.domain.toUpperCase()}`,
    industry: random.pick(INDUSTRIES),
    employee_count: random.int(1, 400) * 25,
    website: `https://www.${company.domain}`,
    plan: random.pick(PLANS),
    ...timestamps(index),
  };
}

export const accountSandbox: SandboxKind<CustomerioAccountInput> = {
  count: 11,
  make: sandboxAccount,
  // A domain the canonical schema rejects.
  malformed: (index = 0) => ({ ...sandboxAccount(index), id: "acc_malformed", domain: "not a domain" }),
};
