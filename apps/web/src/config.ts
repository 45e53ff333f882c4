/**
 * The web app's configuration, from the environment, checked once with zod. Errors name the variable and what it
 * should be, never its value (several of them are secrets).
 *
 * Embedded default (no DATABASE_URL): PGlite in one folder, the in-process runner, every connector pointed at its
 * loopback sandbox, development sign-in on. With DATABASE_URL the app is one of several processes over PostgreSQL:
 * the secrets must then be given (a random per-process secret would break sessions across processes).
 */
import { ConfigError } from "@gtm-clarity/core";
import { z } from "zod";

const Flag = z.enum(["0", "1", "true", "false"]).transform((value) => value === "1" || value === "true");
const Secret = z.string().min(32, "must be at least 32 characters");

export const WebEnvSchema = z.object({
  /** Where browsers reach the app; OAuth redirect URIs and every redirect are built from it, never from request.url. */
  APP_BASE_URL: z.url().default("http://127.0.0.1:3000"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  /** PGlite folder for the embedded default; default `.data/pglite` at the repo root. */
  GTM_DATA_DIR: z.string().min(1).optional(),
  /** Signs the session cookie (HMAC-SHA256). Required with DATABASE_URL; generated per process otherwise. */
  SESSION_SECRET: Secret.optional(),
  /** Signs OAuth state (read by the OAuth connectors too). Required with DATABASE_URL. */
  OAUTH_STATE_SECRET: Secret.optional(),
  /** `dev`: a form that names a tenant (embedded default only, unless ALLOW_DEV_SIGNIN=1). `trusted-header`: an identity-aware proxy. */
  AUTH_MODE: z.enum(["dev", "trusted-header"]).optional(),
  ALLOW_DEV_SIGNIN: Flag.default(false),
  TRUSTED_TENANT_HEADER: z.string().regex(/^[a-z0-9-]+$/i).default("x-gtm-tenant"),
  TRUSTED_USER_HEADER: z.string().regex(/^[a-z0-9-]+$/i).default("x-gtm-user"),
  SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(30 * 86_400).default(12 * 3600),
  /** Point every connector at its loopback sandbox (default: on in the embedded default, off with DATABASE_URL). */
  GTM_SANDBOXES: Flag.optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default("default"),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default("gtm-sync"),
  /** Largest webhook body accepted (bytes); larger ones get 413 before they are read. */
  WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  NODE_ENV: z.string().optional(),
});

export interface WebConfig {
  baseUrl: URL;
  /** The origin state-changing requests must come from. */
  origin: string;
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  embedded: boolean;
  sessionSecret: string;
  oauthStateSecret: string;
  authMode: "dev" | "trusted-header";
  trustedTenantHeader: string;
  trustedUserHeader: string;
  sessionTtlSeconds: number;
  sandboxes: boolean;
  temporal: { address: string; namespace: string; taskQueue: string } | undefined;
  webhookMaxBytes: number;
  /** Cookies get `Secure` when the public base URL is https. */
  secureCookies: boolean;
}

export function loadConfig(env: Record<string, string | undefined>, randomSecret: () => string): WebConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = WebEnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`apps/web configuration is invalid: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  const embedded = e.DATABASE_URL === undefined;
  if (!embedded) {
    const missing = (["SESSION_SECRET", "OAUTH_STATE_SECRET"] as const).filter((name) => e[name] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(`apps/web with DATABASE_URL needs ${missing.join(" and ")} (at least 32 characters, shared by every web process)`);
    }
  }
  const authMode = e.AUTH_MODE ?? (embedded ? "dev" : "trusted-header");
  const production = e.NODE_ENV === "production" && !embedded;
  if (authMode === "dev" && production && !e.ALLOW_DEV_SIGNIN) {
    throw new ConfigError("AUTH_MODE=dev is off in production: use AUTH_MODE=trusted-header, or set ALLOW_DEV_SIGNIN=1 on purpose");
  }
  const baseUrl = new URL(e.APP_BASE_URL);
  return {
    baseUrl,
    origin: baseUrl.origin,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.GTM_DATA_DIR,
    embedded,
    sessionSecret: e.SESSION_SECRET ?? randomSecret(),
    oauthStateSecret: e.OAUTH_STATE_SECRET ?? randomSecret(),
    authMode,
    trustedTenantHeader: e.TRUSTED_TENANT_HEADER.toLowerCase(),
    trustedUserHeader: e.TRUSTED_USER_HEADER.toLowerCase(),
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    sandboxes: e.GTM_SANDBOXES ?? embedded,
    temporal:
      e.TEMPORAL_ADDRESS === undefined
        ? undefined
        : { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    webhookMaxBytes: e.WEBHOOK_MAX_BYTES,
    secureCookies: baseUrl.protocol === "https:",
  };
}

/** A path on the public base URL (never on request.url, which Next reports as localhost). */
export function appUrl(config: WebConfig, path: string): URL {
  return new URL(path, config.baseUrl);
}
