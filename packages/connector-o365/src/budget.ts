/**
 * Microsoft Graph throttles per mailbox and per tenant: connections to one Microsoft tenant share a key. MSAL's home
 * account id is `<object id>.<tenant id>`; the tenant is the part after the dot. No window is documented that fits a
 * single count, so none is set (VENDOR_BUDGETS in the worker can add one).
 */
import { accountField, type VendorBudget } from "@gtm-clarity/core";

export const o365Budget: VendorBudget = {
  accountKey: ({ credentials }) => {
    const tenant = accountField(credentials["homeAccountId"])?.split(".")[1];
    return tenant ? `o365:tenant:${tenant}` : undefined;
  },
};
