/**
 * `@gtm-clarity/connector-o365`: importing this module registers the Microsoft 365 connector (the last line, and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { O365Connector } from "./connector.js";

export { O365Connector, O365_CONNECTOR_ID, type O365ConnectorOptions } from "./connector.js";
export * from "./auth.js";
export { GraphClients, GRAPH_RATE_LIMIT, GRAPH_RETRY, type GraphClientOptions } from "./graph/client.js";
export { GRAPH_BASE_URL, httpUrl, O365SettingsSchema, type O365Settings, type O365SettingsInput } from "./settings.js";
export { O365CursorSchema, parseCursor, type O365Cursor } from "./sync/cursor.js";
export { STREAM_NAMES, type StreamName } from "./sync/streams.js";
export { transformItem, type ItemResult, type TransformContext } from "./transform/items.js";
export { o365FieldMappings } from "./schema.js";

connectorRegistry.register(new O365Connector());
