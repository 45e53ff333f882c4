/**
 * The sandbox as the conformance suite, the worker's demo and benchmarks start it: testkit's `SandboxDescriptor`.
 * `size` is records per kind; the same `seed` gives the same records.
 */
import { FaultPlan, type SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";
import type { O365Settings } from "../settings.js";
import { O365_CONNECTOR_ID } from "../connector.js";
import { STREAM_KINDS } from "../streams.js";
import { sandboxData } from "./data.js";
import { startO365Sandbox, type O365Sandbox } from "./server.js";

export const o365Sandbox: SandboxDescriptor<O365Settings, O365Sandbox> = {
  connectorId: O365_CONNECTOR_ID,
  start(options = {}) {
    const { size, seed, rateLimit, faults, clock } = options;
    const api = rateLimit === false ? undefined : rateLimit?.["api"];
    return startO365Sandbox({
      ...(seed === undefined ? {} : { seed }),
      ...(size === undefined
        ? {}
        : { data: sandboxData(Object.fromEntries(STREAM_KINDS.map((kind) => [kind, size])), seed) }),
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
