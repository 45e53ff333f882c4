/**
 * `@gtm-clarity/connector-template`: importing this module registers the Template connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { TemplateConnector } from "./connector.js";

export { TemplateConnector, TEMPLATE_CONNECTOR_ID, type TemplateConnectorOptions } from "./connector.js";
export {
  TemplateClients,
  TEMPLATE_BASE_URL,
  TEMPLATE_RATE_LIMIT,
  TEMPLATE_RETRY,
  type TemplateClientOptions,
} from "./client.js";
export * from "./auth.js";
export {
  httpUrl,
  TemplateSettingsSchema,
  type TemplateSettings,
  type TemplateSettingsInput,
} from "./settings.js";
export * from "./webhook.js";
export { TemplateErrorSchema, TemplateMeSchema, TemplatePageSchema, type TemplatePage } from "./api-schema.js";
export type { StreamDefinition } from "./kinds/stream.js";
export * from "./kinds/person.js";
export * from "./kinds/account.js";
export * from "./kinds/activity.js";
export { templateCursor } from "./cursor.js";
export { templateFieldMappings } from "./schema.js";
export { STREAMS, STREAM_KINDS, streamOf, type StreamKind } from "./streams.js";
export { fetchPage, pullStream, templatePaging, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";
export {
  transformRecord,
  updatedAtOf,
  type TransformResult,
} from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("template")`).
connectorRegistry.register(new TemplateConnector());
