/**
 * API-key auth for Fathom. The key is stored encrypted by core (AES-256-GCM, bound to the tenant and the
 * connection); this module only says where it lives in a connection's settings and what the credentials hold.
 * No cryptography here: core owns it.
 *
 * Credentials (`Record<string, string>`, encrypted at rest by the store) carry the key, the base URL and the sync
 * settings, because `sync` receives nothing else.
 */
import {
  ConfigError,
  decryptApiKey,
  encryptApiKey,
  toSchemaIssues,
  type ConnectorConfig,
  type Credentials,
} from "@gtm-clarity/core";
import { z } from "zod";

export const FATHOM_BASE_URL = "https://api.fathom.ai/external/v1";
export const DEFAULT_LOOKBACK_MINUTES = 60;

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** What a Fathom connection keeps in `config.settings`. Every `include_*` is off unless the tenant opts in. */
export const FathomSettingsSchema = z.object({
  /** `encryptFathomApiKey(apiKey, { tenantId, connectionId })`. */
  encryptedApiKey: z.string().min(1, "encryptedApiKey is required"),
  /** Defaults to Fathom's production API; the sandbox (and only it) overrides this. */
  baseUrl: httpUrl.optional(),
  includeTranscript: z.boolean().optional(),
  includeSummary: z.boolean().optional(),
  includeActionItems: z.boolean().optional(),
  includeCrmMatches: z.boolean().optional(),
  /** How far before the last watermark an incremental sync starts again. Default 60 minutes. */
  lookbackMinutes: z.number().int().min(0).max(7 * 24 * 60).optional(),
});
export type FathomSettings = z.output<typeof FathomSettingsSchema>;

const booleanString = z.enum(["true", "false"]).transform((value) => value === "true");

export const FathomCredentialsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required"),
  baseUrl: httpUrl.default(FATHOM_BASE_URL),
  includeTranscript: booleanString.default(false),
  includeSummary: booleanString.default(false),
  includeActionItems: booleanString.default(false),
  includeCrmMatches: booleanString.default(false),
  lookbackMinutes: z
    .string()
    .regex(/^\d+$/, "lookbackMinutes must be a whole number of minutes")
    .transform(Number)
    .default(DEFAULT_LOOKBACK_MINUTES),
});
export type FathomCredentials = z.output<typeof FathomCredentialsSchema>;

export interface ConnectionBinding {
  tenantId: string;
  connectionId: string;
}

/** Encrypts a key for `settings.encryptedApiKey`, bound to its tenant and connection. */
export function encryptFathomApiKey(apiKey: string, binding: ConnectionBinding): string {
  if (apiKey.trim() === "") throw new ConfigError("A Fathom API key cannot be empty");
  return encryptApiKey(apiKey.trim(), { tenantId: binding.tenantId, connectionId: binding.connectionId });
}

export function parseFathomSettings(settings: unknown): FathomSettings {
  const parsed = FathomSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const fields = toSchemaIssues(parsed.error.issues).map((issue) => `${issue.path || "(settings)"}: ${issue.message}`);
    throw new ConfigError(`Invalid Fathom connection settings (${fields.join("; ")})`);
  }
  return parsed.data;
}

/** Decrypts the stored key (CryptoError if it was bound to another tenant/connection or tampered with). */
export function decryptFathomApiKey(config: ConnectorConfig): string {
  const settings = parseFathomSettings(config.settings);
  const apiKey = decryptApiKey(settings.encryptedApiKey, {
    tenantId: config.tenantId,
    connectionId: config.connectionId,
  });
  if (apiKey.trim() === "") throw new ConfigError("The stored Fathom API key is empty");
  return apiKey.trim();
}

/** Settings + decrypted key -> the string credentials `sync` and `healthCheck` take. */
export function buildFathomCredentials(apiKey: string, settings: FathomSettings): Credentials {
  return {
    apiKey,
    baseUrl: settings.baseUrl ?? FATHOM_BASE_URL,
    includeTranscript: String(settings.includeTranscript ?? false),
    includeSummary: String(settings.includeSummary ?? false),
    includeActionItems: String(settings.includeActionItems ?? false),
    includeCrmMatches: String(settings.includeCrmMatches ?? false),
    lookbackMinutes: String(settings.lookbackMinutes ?? DEFAULT_LOOKBACK_MINUTES),
  };
}

/** Validates credentials. Issue paths only in the message: a value could be the key itself. */
export function parseFathomCredentials(credentials: Credentials): FathomCredentials {
  const parsed = FathomCredentialsSchema.safeParse(credentials);
  if (!parsed.success) {
    const fields = [...new Set(toSchemaIssues(parsed.error.issues).map((issue) => issue.path || "(credentials)"))];
    throw new ConfigError(`Invalid Fathom credentials (check ${fields.join(", ")})`);
  }
  return parsed.data;
}

/** Heavy requests (Fathom's 30 / 60 s budget): listing with the transcript or the summary. */
export function isHeavy(credentials: Pick<FathomCredentials, "includeTranscript" | "includeSummary">): boolean {
  return credentials.includeTranscript || credentials.includeSummary;
}
