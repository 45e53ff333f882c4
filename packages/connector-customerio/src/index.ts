/**
 * `@gtm-clarity/connector-customerio`: importing this module registers the Customer.io connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { CustomerioConnector } from "./connector.js";

export { CustomerioConnector, CUSTOMERIO_CONNECTOR_ID, type CustomerioConnectorOptions } from "./connector.js";
export {
  CustomerioClients,
  CUSTOMERIO_BASE_URL,
  CUSTOMERIO_RATE_LIMIT,
  CUSTOMERIO_RETRY,
  type CustomerioClientOptions,
} from "./client.js";
export * from "./auth.js";
export {
  httpUrl,
  CustomerioSettingsSchema,
  type CustomerioSettings,
  type CustomerioSettingsInput,
} from "./settings.js";
export * from "./webhook.js";
export { CustomerioErrorSchema, CustomerioMeSchema, CustomerioPageSchema, type CustomerioPage } from "./api-schema.js";
export type { StreamDefinition } from "./kinds/stream.js";
export * from "./kinds/person.js";
export * from "./kinds/account.js";
export * from "./kinds/activity.js";
export { customerioCursor } from "./cursor.js";
export { customerioFieldMappings } from "./schema.js";
export { STREAMS, STREAM_KINDS, streamOf, type StreamKind } from "./streams.js";
export { fetchPage, pullStream, customerioPaging, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";
export {
  transformRecord,
  updatedAtOf,
  type TransformResult,
} from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("customerio")`).
connectorRegistry.register(new CustomerioConnector());
