/**
 * Fathom's rate budget: 60 calls per 60 s per account, and only the API key names the account (vendor-apis.md), so
 * connections with one key share it; the key appears only as a hash.
 */
import { hashedAccountKey, type VendorBudget } from "@gtm-clarity/core";

export const fathomBudget: VendorBudget = {
  accountKey: ({ credentials }) => hashedAccountKey("fathom", credentials["apiKey"]),
  window: { requests: 60, windowMs: 60_000 },
};
