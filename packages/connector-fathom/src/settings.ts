/**
 * A Fathom connection's settings and secrets, apart. Settings are what anyone may read (base URL, which content to
 * pull, the lookback); the API key is the only secret. `authenticate` checks the key and returns it as the
 * credentials the store keeps encrypted; `sync` and `healthCheck` get the settings as `options.settings`.
 */
import { ConfigError, toSchemaIssues, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";

export const FATHOM_BASE_URL = "https://api.fathom.ai/external/v1";
export const DEFAULT_LOOKBACK_MINUTES = 60;
const MAX_LOOKBACK_MINUTES = 7 * 24 * 60;

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });
export const lookbackMinutes = z.number().int().min(0).max(MAX_LOOKBACK_MINUTES);

/**
 * Every field has a default, so `{}` parses. Not strict: keys that are not settings (a connection row's older
 * `encryptedApiKey`) are dropped, so rows written before settings and secrets were apart still parse.
 */
export const FathomSettingsSchema = z.object({
  baseUrl: httpUrl.default(FATHOM_BASE_URL).describe("Fathom's API; only the sandbox overrides it"),
  includeTranscript: z.boolean().default(false).describe("Sync transcripts (stored as documents)"),
  includeSummary: z.boolean().default(false).describe("Sync Fathom's default summary (stored as documents)"),
  includeActionItems: z.boolean().default(false).describe("Action items, in the activity's properties"),
  includeCrmMatches: z.boolean().default(false).describe("Fathom's CRM matches, in the activity's properties"),
  lookbackMinutes: lookbackMinutes
    .default(DEFAULT_LOOKBACK_MINUTES)
    .describe("How far before the last watermark an incremental sync starts again"),
});
export type FathomSettings = z.output<typeof FathomSettingsSchema>;
/** Settings as stored or typed in: every field optional. */
export type FathomSettingsInput = z.input<typeof FathomSettingsSchema>;

/** What a person types in to connect: the key from Fathom's Settings → API Access. */
export const FathomSecretsSchema = z.object({ apiKey: z.string().trim().min(1, "apiKey is required") });

/** What `sync` and `healthCheck` receive: the key (anything else in the record is ignored). */
export function parseFathomApiKey(credentials: Credentials): string {
  const parsed = FathomSecretsSchema.safeParse(credentials);
  // Paths only: a value could be the key itself.
  if (!parsed.success) throw new ConfigError("Invalid Fathom credentials (check apiKey)");
  return parsed.data.apiKey;
}

/** Heavy requests (Fathom's 30 / 60 s budget): listing with the transcript or the summary. */
export function isHeavy(settings: Pick<FathomSettings, "includeTranscript" | "includeSummary">): boolean {
  return settings.includeTranscript || settings.includeSummary;
}

/** A zod error as "path: message; ..." (never values: they could be secrets). */
export function describeIssues(error: z.ZodError, fallback: string): string {
  return [...new Set(toSchemaIssues(error.issues).map((issue) => issue.path || fallback))].join(", ");
}
