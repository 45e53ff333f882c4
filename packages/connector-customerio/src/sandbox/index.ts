/**
 * `@gtm-clarity/connector-customerio/sandbox`: a loopback fake of Customer.io's App API and reporting webhooks for
 * tests, demos and benchmarks, built on `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { customerioSandbox } from "./descriptor.js";
export {
  CUSTOMERIO_WINDOWS,
  startCustomerioSandbox,
  type CustomerioSandbox,
  type CustomerioSandboxOptions,
  type CustomerioSandboxStats,
} from "./server.js";
export { deliverInOrder, type DeliverOptions, type OrderedDelivery } from "./webhooks.js";
export { toActivity, toWebhookBody, type SandboxEvent, type SandboxPerson, type SandboxSource } from "./data.js";
