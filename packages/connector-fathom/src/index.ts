/**
 * `@gtm-clarity/connector-fathom`: importing this module registers the Fathom connector (see the last line).
 */
import { connectorRegistry } from "@gtm-clarity/core";
import { FathomConnector } from "./connector.js";

export {
  FathomConnector,
  FATHOM_CONNECTOR_ID,
  FATHOM_RATE_LIMIT,
  type FathomConnectorOptions,
  type FathomRateLimitOverride,
} from "./connector.js";
export {
  FATHOM_BASE_URL,
  DEFAULT_LOOKBACK_MINUTES,
  FathomSettingsSchema,
  FathomSecretsSchema,
  type FathomSettings,
  type FathomSettingsInput,
} from "./settings.js";
export { encryptFathomApiKey, type ConnectionBinding } from "./legacy.js";
export {
  MeetingSchema,
  OpenApiMeetingSchema,
  MEETING_TIME_REQUIRED,
  MeetingsPageSchema,
  InviteeSchema,
  FathomUserSchema,
  TranscriptItemSchema,
  MeetingSummarySchema,
  ActionItemSchema,
  CrmMatchesSchema,
  type FathomMeeting,
  type FathomMeetingInput,
  type FathomApiMeeting,
  type FathomMeetingsPage,
  type FathomInvitee,
  type FathomUser,
  type FathomTranscriptItem,
  type FathomMeetingSummary,
  type FathomActionItem,
  type FathomCrmMatches,
  type CalendarInviteesDomainsType,
} from "./api-schema.js";
export {
  CURSOR_VERSION,
  INITIAL_CURSOR,
  migrateCursor,
  parseCursor,
  readCursorForSync,
  serializeCursor,
  type CursorForSync,
  type CursorState,
  type IdleCursor,
  type PagingCursor,
} from "./cursor.js";
export { fathomFieldMappings } from "./schema.js";
export { fetchMeetingsPage, pullMeetings, meetingsSearchParams, type MeetingsPage, type MeetingsQuery } from "./sync/pull.js";
export {
  transformMeeting,
  transformRawMeeting,
  transcriptToText,
  meetingExternalId,
  dedupeRecords,
  FATHOM_SOURCE,
  MEETING_URL_KEY_PREFIX,
  type MeetingTransformResult,
} from "./sync/transform.js";
export { FathomWebhooks, WEBHOOK_TOLERANCE_SECONDS } from "./webhook.js";

// Self-registration: importing this module is what makes the connector discoverable (`connectorRegistry.get("fathom")`).
connectorRegistry.register(new FathomConnector());
