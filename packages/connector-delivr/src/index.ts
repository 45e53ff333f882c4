/**
 * `@gtm-clarity/connector-delivr`: importing this module registers the Delivr.ai connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { DelivrConnector } from "./connector.js";

export { DelivrConnector, DELIVR_CONNECTOR_ID, type DelivrConnectorOptions } from "./connector.js";
export { DelivrClients, DELIVR_RATE_LIMIT, DELIVR_RETRY, type DelivrClientOptions } from "./client.js";
export * from "./auth.js";
export {
  DELIVR_BASE_URL,
  DELIVR_TAXONOMY_URL,
  DelivrSettingsSchema,
  eventScope,
  httpUrl,
  MAX_WINDOW_HOURS,
  STREAM_NAMES,
  type DelivrSettings,
  type DelivrSettingsInput,
  type EventScope,
  type StreamName,
} from "./settings.js";
export { delivrCursor } from "./cursor.js";
export { delivrFieldMappings } from "./schema.js";
export { EVENT_FIELDS, type EventField } from "./events/fields.js";
export { transformVisitorEvent, type TransformOutput } from "./sync/transform.js";
export { transformIntentRow, type Topic } from "./sync/intent.js";
export { windowsBetween, type EventWindow } from "./sync/windows.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("delivr")`).
connectorRegistry.register(new DelivrConnector());
