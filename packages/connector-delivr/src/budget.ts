/**
 * Delivr.ai's limits follow the API key (one account), whichever pixel, project or organisation a connection reads;
 * the key appears only as a hash. No window is documented, so none is set (VENDOR_BUDGETS in the worker can add one).
 */
import { hashedAccountKey, type VendorBudget } from "@gtm-clarity/core";

export const delivrBudget: VendorBudget = {
  accountKey: ({ credentials }) => hashedAccountKey("delivr", credentials["apiKey"]),
};
