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
export * from "./webhook.js";
export {
  TemplatePersonSchema,
  TemplateAccountSchema,
  TemplateActivitySchema,
  TemplateMeSchema,
  TemplatePageSchema,
  type TemplatePerson,
  type TemplateAccount,
  type TemplateActivity,
  type TemplatePersonInput,
  type TemplateAccountInput,
  type TemplateActivityInput,
  type TemplatePage,
} from "./api-schema.js";
export {
  advanceCursor,
  CURSOR_VERSION,
  INITIAL_CURSOR,
  migrateCursor,
  parseCursor,
  serializeCursor,
  type CursorState,
  type CursorStep,
} from "./cursor.js";
export { templateFieldMappings } from "./schema.js";
export { STREAM_KINDS, STREAM_PATHS, type StreamKind } from "./streams.js";
export { fetchPage, pullStream, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";
export {
  transformRecord,
  transformPerson,
  transformAccount,
  transformActivity,
  updatedAtOf,
  type TransformResult,
} from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("template")`).
connectorRegistry.register(new TemplateConnector());
