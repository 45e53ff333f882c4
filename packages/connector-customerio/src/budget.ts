/**
 * Customer.io's rate budget: the App API allows 10 requests per second per workspace, and a workspace is named by its
 * App API key in its region (vendor-apis.md); the key appears only as a hash.
 */
import { accountField, hashedAccountKey, type VendorBudget } from "@gtm-clarity/core";

export const customerioBudget: VendorBudget = {
  accountKey: ({ settings, credentials }) => hashedAccountKey(`customerio:${accountField(settings["region"]) ?? "us"}`, credentials["apiKey"]),
  window: { requests: 10, windowMs: 1_000 },
};
