/**
 * The sandbox as the conformance suite, the worker's demo and benchmarks start it: testkit's `SandboxDescriptor`.
 * `size` is the number of visitor events of the main pixel; the same `seed` gives the same data and key pair.
 */
import { FaultPlan, type SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";
import { DELIVR_CONNECTOR_ID } from "../connector.js";
import type { DelivrSettings } from "../settings.js";
import { startDelivrSandbox, type DelivrSandbox } from "./server.js";

export const delivrSandbox: SandboxDescriptor<DelivrSettings, DelivrSandbox> = {
  connectorId: DELIVR_CONNECTOR_ID,
  start(options = {}) {
    const { size, seed, rateLimit, faults, clock } = options;
    const api = rateLimit === false ? undefined : rateLimit?.["api"];
    return startDelivrSandbox({
      ...(seed === undefined ? {} : { seed }),
      ...(size === undefined ? {} : { events: size }),
      ...(rateLimit === false
        ? { rateLimit: false }
        : api === undefined
          ? {}
          : {
              rateLimit: {
                ...(api.limit === undefined ? {} : { requests: api.limit }),
                ...(api.windowMs === undefined ? {} : { windowMs: api.windowMs }),
              },
            }),
      faults: new FaultPlan(faults ?? []),
      ...(clock === undefined ? {} : { clock }),
    });
  },
};
