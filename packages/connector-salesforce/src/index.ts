/**
 * `@gtm-clarity/connector-salesforce`: importing this module registers the Salesforce connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { SalesforceConnector } from "./connector.js";

export { SalesforceConnector, SALESFORCE_CONNECTOR_ID, type SalesforceConnectorOptions } from "./connector.js";
export {
  SalesforceClients,
  SALESFORCE_BASE_URL,
  SALESFORCE_RATE_LIMIT,
  SALESFORCE_RETRY,
  type SalesforceClientOptions,
} from "./client.js";
export * from "./auth.js";
export {
  httpUrl,
  SalesforceSettingsSchema,
  type SalesforceSettings,
  type SalesforceSettingsInput,
} from "./settings.js";
export { SalesforceErrorSchema, SalesforceMeSchema, SalesforcePageSchema, type SalesforcePage } from "./api-schema.js";
export type { StreamDefinition } from "./kinds/stream.js";
export * from "./kinds/person.js";
export * from "./kinds/account.js";
export * from "./kinds/activity.js";
export { salesforceCursor } from "./cursor.js";
export { salesforceFieldMappings } from "./schema.js";
export { STREAMS, STREAM_KINDS, streamOf, type StreamKind } from "./streams.js";
export { fetchPage, pullStream, salesforcePaging, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";
export {
  transformRecord,
  updatedAtOf,
  type TransformResult,
} from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("salesforce")`).
connectorRegistry.register(new SalesforceConnector());
