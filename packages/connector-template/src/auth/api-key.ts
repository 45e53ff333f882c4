/**
 * API-key auth for Template. The key is stored encrypted by core (AES-256-GCM, bound to the tenant and the
 * connection); this module says where it lives in a connection's settings and what the credentials hold.
 * No cryptography here: core owns it.
 */
import { ConfigError, decryptApiKey, encryptApiKey } from "@gtm-clarity/core";
import type { ConnectorConfig, Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import { TEMPLATE_BASE_URL } from "../client.js";
import {
  httpUrl,
  parseCredentialsWith,
  parseSettingsWith,
  type ConnectionBinding,
  type TemplateAuth,
} from "./shared.js";

export const TEMPLATE_AUTH_METHOD = "api-key";

/** What a Template connection keeps in `config.settings`. */
export const TemplateSettingsSchema = z.object({
  /** `encryptTemplateApiKey(apiKey, { tenantId, connectionId })`. */
  encryptedApiKey: z.string().min(1, "encryptedApiKey is required"),
  /** Defaults to the production API; the sandbox (and only it) overrides this. */
  baseUrl: httpUrl.optional(),
});
export type TemplateSettings = z.output<typeof TemplateSettingsSchema>;

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted). */
export const TemplateCredentialsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required"),
  baseUrl: httpUrl.default(TEMPLATE_BASE_URL),
});
export type TemplateCredentials = z.output<typeof TemplateCredentialsSchema>;

export function parseTemplateSettings(settings: unknown): TemplateSettings {
  return parseSettingsWith(TemplateSettingsSchema, settings);
}

export function parseTemplateCredentials(credentials: Credentials): TemplateCredentials {
  return parseCredentialsWith(TemplateCredentialsSchema, credentials);
}

/** Encrypts a key for `settings.encryptedApiKey`, bound to its tenant and connection. */
export function encryptTemplateApiKey(apiKey: string, binding: ConnectionBinding): string {
  if (apiKey.trim() === "") throw new ConfigError("A Template API key cannot be empty");
  return encryptApiKey(apiKey.trim(), { tenantId: binding.tenantId, connectionId: binding.connectionId });
}

/** Decrypts the stored key (CryptoError if it was bound to another tenant/connection or tampered with). */
export function decryptTemplateApiKey(config: ConnectorConfig): string {
  const settings = parseTemplateSettings(config.settings);
  const apiKey = decryptApiKey(settings.encryptedApiKey, {
    tenantId: config.tenantId,
    connectionId: config.connectionId,
  });
  if (apiKey.trim() === "") throw new ConfigError("The stored Template API key is empty");
  return apiKey.trim();
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: TemplateCredentials): Record<string, string> {
  return { "X-Api-Key": credentials.apiKey };
}

/** Nothing to configure: the key comes from the connection. The same shape as the OAuth variant's options. */
export type TemplateAuthOptions = Record<never, never>;

export function createTemplateAuth(_options: TemplateAuthOptions = {}): TemplateAuth {
  return {
    async authenticate(config, verify) {
      const settings = parseTemplateSettings(config.settings);
      const credentials: Credentials = { apiKey: decryptTemplateApiKey(config), baseUrl: settings.baseUrl ?? TEMPLATE_BASE_URL };
      await verify(credentials);
      return { credentials };
    },
  };
}
