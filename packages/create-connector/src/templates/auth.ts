/** src/auth.ts: where the (core-encrypted) secret lives in a connection, and what the credentials hold. */
import type { TemplateContext } from "./context.js";

function header(ctx: TemplateContext): string {
  return ctx.oauth
    ? `/**
 * OAuth credentials for ${ctx.displayName}. The tokens are stored encrypted by core (AES-256-GCM, bound to the tenant,
 * the connection and the purpose "oauth-tokens"); this module only says where they live in a connection's settings
 * and what the credentials hold. No cryptography here: core owns it. The flow itself is in \`oauth.ts\`.
 */`
    : `/**
 * API-key auth for ${ctx.displayName}. The key is stored encrypted by core (AES-256-GCM, bound to the tenant and the
 * connection); this module only says where it lives in a connection's settings and what the credentials hold.
 * No cryptography here: core owns it.
 */`;
}

export function authTs(ctx: TemplateContext): string {
  const { pascal: p, constant: c, displayName: d } = ctx;
  const common = `export interface ConnectionBinding {
  tenantId: string;
  connectionId: string;
}

export function parse${p}Settings(settings: unknown): ${p}Settings {
  const parsed = ${p}SettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const fields = toSchemaIssues(parsed.error.issues).map(
      (issue) => \`\${issue.path || "(settings)"}: \${issue.message}\`,
    );
    throw new ConfigError(\`Invalid ${d} connection settings (\${fields.join("; ")})\`);
  }
  return parsed.data;
}

/** Validates credentials. Issue paths only in the message: a value could be the secret itself. */
export function parse${p}Credentials(credentials: Credentials): ${p}Credentials {
  const parsed = ${p}CredentialsSchema.safeParse(credentials);
  if (!parsed.success) {
    const fields = [...new Set(toSchemaIssues(parsed.error.issues).map((issue) => issue.path || "(credentials)"))];
    throw new AuthError(\`Invalid ${d} credentials (check \${fields.join(", ")}): reconnect the connection\`);
  }
  return parsed.data;
}`;

  if (ctx.oauth) {
    return `${header(ctx)}
import {
  AuthError,
  ConfigError,
  decryptCredentials,
  encryptCredentials,
  toSchemaIssues,
  type ConnectorConfig,
  type Credentials,
} from "@gtm-clarity/core";
import { z } from "zod";
import { ${c}_BASE_URL } from "./client.js";

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** What a ${d} connection keeps in \`config.settings\`. */
export const ${p}SettingsSchema = z.object({
  /** \`encrypt${p}Tokens(tokens.credentials, { tenantId, connectionId })\`, written after the OAuth callback. */
  encryptedTokens: z.string().min(1, "encryptedTokens is required"),
  /** Defaults to the production API; the sandbox (and only it) overrides this. */
  baseUrl: httpUrl.optional(),
});
export type ${p}Settings = z.output<typeof ${p}SettingsSchema>;

/** What \`authenticate\` returns and \`sync\`/\`healthCheck\` receive (the store keeps them encrypted). */
export const ${p}CredentialsSchema = z.object({
  accessToken: z.string().trim().min(1, "accessToken is required"),
  refreshToken: z.string().min(1).optional(),
  baseUrl: httpUrl.default(${c}_BASE_URL),
});
export type ${p}Credentials = z.output<typeof ${p}CredentialsSchema>;

${common}

/** Separates the token ciphertext from any other secret of the same connection. */
export const TOKENS_PURPOSE = "oauth-tokens";

/** Encrypts the tokens from \`exchangeCode\`/\`refresh\` for \`settings.encryptedTokens\`. */
export function encrypt${p}Tokens(tokens: Credentials, binding: ConnectionBinding): string {
  return encryptCredentials(tokens, { ...binding, purpose: TOKENS_PURPOSE });
}

/** Decrypts the stored tokens (CryptoError if they were bound to another tenant/connection or tampered with). */
export function decrypt${p}Tokens(config: ConnectorConfig): Credentials {
  const settings = parse${p}Settings(config.settings);
  return decryptCredentials(settings.encryptedTokens, {
    tenantId: config.tenantId,
    connectionId: config.connectionId,
    purpose: TOKENS_PURPOSE,
  });
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: ${p}Credentials): Record<string, string> {
  return { Authorization: \`Bearer \${credentials.accessToken}\` };
}
`;
  }
  return `${header(ctx)}
import {
  AuthError,
  ConfigError,
  decryptApiKey,
  encryptApiKey,
  toSchemaIssues,
  type ConnectorConfig,
  type Credentials,
} from "@gtm-clarity/core";
import { z } from "zod";
import { ${c}_BASE_URL } from "./client.js";

const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** What a ${d} connection keeps in \`config.settings\`. */
export const ${p}SettingsSchema = z.object({
  /** \`encrypt${p}ApiKey(apiKey, { tenantId, connectionId })\`. */
  encryptedApiKey: z.string().min(1, "encryptedApiKey is required"),
  /** Defaults to the production API; the sandbox (and only it) overrides this. */
  baseUrl: httpUrl.optional(),
});
export type ${p}Settings = z.output<typeof ${p}SettingsSchema>;

/** What \`authenticate\` returns and \`sync\`/\`healthCheck\` receive (the store keeps them encrypted). */
export const ${p}CredentialsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required"),
  baseUrl: httpUrl.default(${c}_BASE_URL),
});
export type ${p}Credentials = z.output<typeof ${p}CredentialsSchema>;

${common}

/** Encrypts a key for \`settings.encryptedApiKey\`, bound to its tenant and connection. */
export function encrypt${p}ApiKey(apiKey: string, binding: ConnectionBinding): string {
  if (apiKey.trim() === "") throw new ConfigError("A ${d} API key cannot be empty");
  return encryptApiKey(apiKey.trim(), { tenantId: binding.tenantId, connectionId: binding.connectionId });
}

/** Decrypts the stored key (CryptoError if it was bound to another tenant/connection or tampered with). */
export function decrypt${p}ApiKey(config: ConnectorConfig): string {
  const settings = parse${p}Settings(config.settings);
  const apiKey = decryptApiKey(settings.encryptedApiKey, {
    tenantId: config.tenantId,
    connectionId: config.connectionId,
  });
  if (apiKey.trim() === "") throw new ConfigError("The stored ${d} API key is empty");
  return apiKey.trim();
}

/** Settings + decrypted key -> the string credentials \`sync\` and \`healthCheck\` take. */
export function build${p}Credentials(apiKey: string, settings: ${p}Settings): Credentials {
  return { apiKey, baseUrl: settings.baseUrl ?? ${c}_BASE_URL };
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: ${p}Credentials): Record<string, string> {
  return { "X-Api-Key": credentials.apiKey };
}
`;
}
