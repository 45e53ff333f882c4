/**
 * `@gtm-clarity/connector-o365`: importing this module registers the Microsoft 365 connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { O365Connector } from "./connector.js";

export { O365Connector, O365_CONNECTOR_ID, type O365ConnectorOptions } from "./connector.js";
export {
  O365Clients,
  O365_BASE_URL,
  O365_RATE_LIMIT,
  O365_RETRY,
  type O365ClientOptions,
} from "./client.js";
export * from "./auth.js";
export {
  httpUrl,
  O365SettingsSchema,
  type O365Settings,
  type O365SettingsInput,
} from "./settings.js";
export { O365ErrorSchema, O365MeSchema, O365PageSchema, type O365Page } from "./api-schema.js";
export type { StreamDefinition } from "./kinds/stream.js";
export * from "./kinds/person.js";
export * from "./kinds/account.js";
export * from "./kinds/activity.js";
export { o365Cursor } from "./cursor.js";
export { o365FieldMappings } from "./schema.js";
export { STREAMS, STREAM_KINDS, streamOf, type StreamKind } from "./streams.js";
export { fetchPage, pullStream, o365Paging, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";
export {
  transformRecord,
  updatedAtOf,
  type TransformResult,
} from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("o365")`).
connectorRegistry.register(new O365Connector());
