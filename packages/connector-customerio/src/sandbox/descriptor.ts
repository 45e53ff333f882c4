/**
 * The sandbox as the conformance suite, the worker's demo and benchmarks start it: testkit's `SandboxDescriptor`.
 * `size` is people (about two deliveries each); the same `seed` gives the same workspace, API key and webhook secret.
 * The one rate window is `app` (10 per second).
 */
import type { SandboxDescriptor } from "@gtm-clarity/testkit/sandbox";
import { CUSTOMERIO_CONNECTOR_ID } from "../connector.js";
import type { CustomerioSettingsInput } from "../settings.js";
import { startCustomerioSandbox, type CustomerioSandbox } from "./server.js";

export const customerioSandbox: SandboxDescriptor<CustomerioSettingsInput, CustomerioSandbox> = {
  connectorId: CUSTOMERIO_CONNECTOR_ID,
  start(options = {}) {
    return startCustomerioSandbox({
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.size === undefined ? {} : { size: options.size }),
      ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  },
};
