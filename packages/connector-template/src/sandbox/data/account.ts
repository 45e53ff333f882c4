import type { TemplateAccountInput } from "../../kinds/account.js";
import { COMPANIES, pad, pick, timestamps, type SandboxKind } from "./shared.js";

const INDUSTRIES = ["Software", "Manufacturing", "Retail", "Finance"] as const;
const PLANS = ["free", "team", "enterprise"] as const;

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

export const accountSandbox: SandboxKind<TemplateAccountInput> = {
  count: 11,
  make: sandboxAccount,
  // A domain the canonical schema rejects.
  malformed: (index = 0) => ({ ...sandboxAccount(index), id: "acc_malformed", domain: "not a domain" }),
};
