/**
 * `@gtm-clarity/connector-fathom`: importing this module registers the Fathom connector (see the last line).
 * The public surface is the connector, its settings and secrets schemas and its pure transform; the sandbox
 * descriptor is `@gtm-clarity/connector-fathom/sandbox`.
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { FathomConnector } from "./connector.js";

export {
  FathomConnector,
  FATHOM_CONNECTOR_ID,
  type FathomConnectorOptions,
  type FathomRateLimitOverride,
} from "./connector.js";
export { FathomSecretsSchema, FathomSettingsSchema, type FathomSettings, type FathomSettingsInput } from "./settings.js";
export { transformRawMeeting, type MeetingTransformResult } from "./sync/transform.js";

// Self-registration: importing this module is what makes the connector discoverable (`connectorRegistry.get("fathom")`).
connectorRegistry.register(new FathomConnector());
