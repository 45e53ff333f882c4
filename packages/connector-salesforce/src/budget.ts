/**
 * Salesforce's budget is the org's: its API allocation is daily and per org, which the connector already tracks from
 * `Sforce-Limit-Info` (every connection to the org sees it). Connections to one org share a key; no per-window limit
 * is documented, so none is set (an operator may add one with the worker's VENDOR_BUDGETS).
 */
import { accountField, type VendorBudget } from "@gtm-clarity/core";

export const salesforceBudget: VendorBudget = {
  accountKey: ({ settings }) => {
    const org = accountField(settings["organizationId"]);
    return org === undefined ? undefined : `salesforce:org:${org}`;
  },
};
