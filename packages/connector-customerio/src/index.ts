/**
 * `@gtm-clarity/connector-customerio`: importing this module registers the Customer.io connector (see the last line
 * and `sideEffects` in package.json). The sandbox is `@gtm-clarity/connector-customerio/sandbox`.
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { CustomerioConnector } from "./connector.js";

export {
  CustomerioConnector,
  CUSTOMERIO_CONNECTOR_ID,
  HISTORY_NOTICE,
  type CustomerioConnectorOptions,
} from "./connector.js";
export { CUSTOMERIO_RATE_LIMIT, CUSTOMERIO_RETRY, type CustomerioClientOptions } from "./client.js";
export { CustomerioSecretsSchema, CUSTOMERIO_AUTH_METHOD, type CustomerioCredentials } from "./auth.js";
export {
  appApiUrl,
  CUSTOMERIO_APP_API_URLS,
  CustomerioSettingsSchema,
  type CustomerioSettings,
  type CustomerioSettingsInput,
} from "./settings.js";
export { CustomerioWebhooks, type CustomerioWebhookOptions } from "./webhook.js";
export {
  CIO_SIGNATURE_HEADER,
  CIO_TIMESTAMP_HEADER,
  MAX_WEBHOOK_BODY_BYTES,
  verifyCioSignature,
  WEBHOOK_TOLERANCE_SECONDS,
} from "./webhook-signature.js";
export { customerioFieldMappings } from "./schema.js";
export { customerioCursor } from "./cursor.js";
export { transformActivity } from "./transform/activity.js";
export { transformCustomer } from "./transform/person.js";
export { transformWebhookEvent } from "./transform/webhook-event.js";
export { messageExternalId } from "./transform/message-event.js";
export type { TransformResult } from "./transform/record.js";
export { MESSAGE_CHANNELS, MESSAGE_METRICS, CUSTOMER_METRICS } from "./vendor/metrics.js";

// Self-registration: importing this module is what makes the connector discoverable (`connectorRegistry.get("customerio")`).
connectorRegistry.register(new CustomerioConnector());
