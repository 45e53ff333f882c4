/**
 * `@gtm-clarity/connector-delivr`: importing this module registers the Delivr.ai connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { DelivrConnector } from "./connector.js";

export { DelivrConnector, DELIVR_CONNECTOR_ID, type DelivrConnectorOptions } from "./connector.js";
export {
  DelivrClients,
  DELIVR_BASE_URL,
  DELIVR_RATE_LIMIT,
  DELIVR_RETRY,
  type DelivrClientOptions,
} from "./client.js";
export * from "./auth.js";
export {
  httpUrl,
  DelivrSettingsSchema,
  type DelivrSettings,
  type DelivrSettingsInput,
} from "./settings.js";
export { DelivrErrorSchema, DelivrMeSchema, DelivrPageSchema, type DelivrPage } from "./api-schema.js";
export type { StreamDefinition } from "./kinds/stream.js";
export * from "./kinds/person.js";
export * from "./kinds/account.js";
export * from "./kinds/activity.js";
export { delivrCursor } from "./cursor.js";
export { delivrFieldMappings } from "./schema.js";
export { STREAMS, STREAM_KINDS, streamOf, type StreamKind } from "./streams.js";
export { fetchPage, pullStream, delivrPaging, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";
export {
  transformRecord,
  updatedAtOf,
  type TransformResult,
} from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("delivr")`).
connectorRegistry.register(new DelivrConnector());
