/**
 * TRANSITION ONLY: how connections worked before settings and secrets were apart. Delete this file (and the two
 * `legacy` branches in connector.ts that call it) once the worker passes `config.secrets` to `authenticate` and
 * `options.settings` to `sync`/`healthCheck`.
 *
 * - A connection row kept the key encrypted in `settings.encryptedApiKey`, and `authenticate` decrypted it.
 * - `authenticate` then returned credentials that carried the settings too, as strings, because `sync` received
 *   nothing else: `{ apiKey, baseUrl, includeTranscript, includeSummary, includeActionItems, includeCrmMatches,
 *   lookbackMinutes }`. Credentials stored that way keep working until the connection is re-authenticated.
 */
import {
  ConfigError,
  decryptApiKey,
  encryptApiKey,
  type ConnectorConfig,
  type Credentials,
} from "@gtm-clarity/core";
import { z } from "zod";
import {
  DEFAULT_LOOKBACK_MINUTES,
  describeIssues,
  FathomSettingsSchema,
  FATHOM_BASE_URL,
  httpUrl,
  lookbackMinutes,
  type FathomSettings,
} from "./settings.js";

export interface ConnectionBinding {
  tenantId: string;
  connectionId: string;
}

/** Encrypts a key for the legacy `settings.encryptedApiKey`, bound to its tenant and connection. */
export function encryptFathomApiKey(apiKey: string, binding: ConnectionBinding): string {
  if (apiKey.trim() === "") throw new ConfigError("A Fathom API key cannot be empty");
  return encryptApiKey(apiKey.trim(), { tenantId: binding.tenantId, connectionId: binding.connectionId });
}

const LegacySettingsSchema = FathomSettingsSchema.extend({
  encryptedApiKey: z.string().min(1, "encryptedApiKey is required"),
});

/**
 * A legacy `authenticate`: decrypts `settings.encryptedApiKey` (CryptoError if it was bound to another connection or
 * tampered with) and returns the key with the settings it will put into the credentials.
 */
export function readLegacyConfig(config: ConnectorConfig<unknown>): { apiKey: string; settings: FathomSettings } {
  const parsed = LegacySettingsSchema.safeParse(config.settings ?? {});
  if (!parsed.success) {
    throw new ConfigError(`Invalid Fathom connection settings (check ${describeIssues(parsed.error, "(settings)")})`);
  }
  const { encryptedApiKey, ...settings } = parsed.data;
  const apiKey = decryptApiKey(encryptedApiKey, { tenantId: config.tenantId, connectionId: config.connectionId }).trim();
  if (apiKey === "") throw new ConfigError("The stored Fathom API key is empty");
  return { apiKey, settings };
}

/** The credentials a legacy `authenticate` returns: the key and the settings, as strings. */
export function legacyCredentials(apiKey: string, settings: FathomSettings): Credentials {
  return {
    apiKey,
    baseUrl: settings.baseUrl,
    includeTranscript: String(settings.includeTranscript),
    includeSummary: String(settings.includeSummary),
    includeActionItems: String(settings.includeActionItems),
    includeCrmMatches: String(settings.includeCrmMatches),
    lookbackMinutes: String(settings.lookbackMinutes),
  };
}

const booleanString = z.enum(["true", "false"]).transform((value) => value === "true");

const LegacyCredentialSettingsSchema = z.object({
  baseUrl: httpUrl.default(FATHOM_BASE_URL),
  includeTranscript: booleanString.default(false),
  includeSummary: booleanString.default(false),
  includeActionItems: booleanString.default(false),
  includeCrmMatches: booleanString.default(false),
  lookbackMinutes: z
    .string()
    .regex(/^\d+$/, "lookbackMinutes must be a whole number of minutes")
    .transform(Number)
    .pipe(lookbackMinutes)
    .default(DEFAULT_LOOKBACK_MINUTES),
});

/** The settings a `sync` without `options.settings` finds in legacy credentials (absent ones default). */
export function settingsFromLegacyCredentials(credentials: Credentials): FathomSettings {
  const parsed = LegacyCredentialSettingsSchema.safeParse(credentials);
  if (!parsed.success) {
    throw new ConfigError(`Invalid Fathom credentials (check ${describeIssues(parsed.error, "(credentials)")})`);
  }
  return parsed.data;
}
