/**
 * The sandbox as the conformance suite, the worker's demo and benchmarks start it: testkit's `SandboxDescriptor`.
 * `size` is records per object; the same `seed` gives the same records. Pages hold at most 50 records by default
 * here (Salesforce may send fewer than asked), so the default data spans several pages of every object.
 */
import { FaultPlan, type SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";
import { SALESFORCE_CONNECTOR_ID } from "../connector.js";
import { SOBJECT_NAMES } from "../objects/index.js";
import type { SalesforceSettings } from "../settings.js";
import { sandboxData } from "./data.js";
import { startSalesforceSandbox, type SalesforceSandbox } from "./server.js";

export const salesforceSandbox: SandboxDescriptor<SalesforceSettings, SalesforceSandbox> = {
  connectorId: SALESFORCE_CONNECTOR_ID,
  start(options = {}) {
    const { size, seed, rateLimit, faults, clock } = options;
    const daily = rateLimit === false ? undefined : rateLimit?.["daily"];
    return startSalesforceSandbox({
      maxPageSize: 50,
      ...(seed === undefined ? {} : { seed }),
      ...(size === undefined ? {} : { data: sandboxData(Object.fromEntries(SOBJECT_NAMES.map((object) => [object, size])), seed) }),
      ...(rateLimit === false
        ? { apiLimit: { max: Number.MAX_SAFE_INTEGER } }
        : daily?.limit === undefined
          ? {}
          : { apiLimit: { max: daily.limit } }),
      faults: new FaultPlan(faults ?? []),
      ...(clock === undefined ? {} : { clock }),
    });
  },
};
