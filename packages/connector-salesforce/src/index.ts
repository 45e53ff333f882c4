/**
 * `@gtm-clarity/connector-salesforce`: importing this module registers the Salesforce connector (see the last line and
 * `sideEffects` in package.json).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { SalesforceConnector } from "./connector.js";

export { SalesforceConnector, SALESFORCE_CONNECTOR_ID, type SalesforceConnectorOptions } from "./connector.js";
export {
  SalesforceOAuth,
  SalesforceTokenResponseSchema,
  SALESFORCE_DEFAULT_SCOPES,
  SALESFORCE_OAUTH_ENV,
  type LoginSettings,
  type SalesforceOAuthOptions,
} from "./auth/oauth-flow.js";
export {
  connectionSettingsFrom,
  parseSalesforceCredentials,
  SalesforceCredentialsSchema,
  SALESFORCE_AUTH_METHOD,
  type SalesforceCredentials,
} from "./auth/oauth.js";
export { SALESFORCE_ALLOWED_ORIGINS_ENV } from "./auth/hosts.js";
export {
  SalesforceSettingsSchema,
  SALESFORCE_API_VERSION,
  SALESFORCE_LOGIN_URL,
  type SalesforceSettings,
  type SalesforceSettingsInput,
} from "./settings.js";
export { SOBJECT_NAMES, SOBJECTS, type SObjectName } from "./objects/index.js";
export { salesforceFieldMappings } from "./mappings.js";
export { salesforceCursor } from "./cursor.js";
export { parseLimitInfo, type ApiUsage } from "./limits.js";
export { processPage, QUALITY_COUNTS, type ProcessedPage } from "./quality/pipeline.js";
export { transformRecord, type TransformResult } from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable
// (`connectorRegistry.get("salesforce")`).
connectorRegistry.register(new SalesforceConnector());
