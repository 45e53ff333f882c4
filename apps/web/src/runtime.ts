/**
 * Everything a request needs, built once per process: configuration, the store (PGlite folder or PostgreSQL), the
 * deployed connectors, their sandboxes in the embedded default, and the sync launcher. Kept on globalThis because
 * Next may evaluate a module once per route bundle; there must be one store per process (PGlite admits one).
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  ConfigError,
  createKeyRing,
  ENCRYPTION_KEY_ENV,
  noopLogger,
  PREVIOUS_ENCRYPTION_KEYS_ENV,
  type KeyRing,
  type Logger,
} from "@gtm-clarity/core";
import { createPgDriver, createPgliteDriver, defaultDataDir, openStore, type SqlDriver, type Store } from "@gtm-clarity/store";
import type { RunningSandbox } from "@gtm-clarity/testkit/sandbox";
import { createSyncActivities } from "@gtm-clarity/worker/activities";
import { storePort } from "@gtm-clarity/worker/store-port";
import { loadConfig, type WebConfig } from "./config.js";
import { connectorRegistry, sandboxDescriptors } from "./connectors.js";
import { wireSandboxOAuth } from "./sandbox-oauth.js";
import { inProcessLauncher, temporalLauncher, type SyncLauncher } from "./sync.js";

/** Same seed as the worker's demo: same sandbox data and keys on every start. */
export const SANDBOX_SEED = 7;

export interface WebRuntime {
  config: WebConfig;
  store: Store;
  /** The store's driver, as the owner role: for tests that look under the store. The app goes through `store`. */
  driver: SqlDriver;
  logger: Logger;
  /** Encrypts what the app keeps besides credentials (webhook secrets). */
  keyRing: KeyRing;
  sandboxes: ReadonlyMap<string, RunningSandbox<unknown>>;
  syncs: SyncLauncher;
  close(): Promise<void>;
}

export interface CreateRuntimeOptions {
  env?: Record<string, string | undefined>;
  /** Use this driver instead of opening one (tests: an in-memory PGlite). */
  driver?: SqlDriver;
  /** Start the sandboxes even when the config would not (tests). */
  sandboxes?: boolean;
  logger?: Logger;
}

const secret = () => randomBytes(32).toString("base64url");

function encryptionKey(config: WebConfig, env: Record<string, string | undefined>, dataDir: string): string {
  const fromEnv = env[ENCRYPTION_KEY_ENV]?.trim();
  if (fromEnv) return fromEnv;
  if (!config.embedded) throw new ConfigError(`${ENCRYPTION_KEY_ENV} must be set when DATABASE_URL is used`);
  // The embedded default keeps its key beside the PGlite folder, as the worker's demo does (the same file).
  const keyFile = join(dirname(dataDir), "encryption.key");
  if (existsSync(keyFile)) {
    if ((statSync(keyFile).mode & 0o077) !== 0) chmodSync(keyFile, 0o600);
    return readFileSync(keyFile, "utf8").trim();
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const key = randomBytes(32).toString("hex");
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600, flag: "wx" });
  return key;
}

export async function createRuntime(options: CreateRuntimeOptions = {}): Promise<WebRuntime> {
  const env = options.env ?? process.env;
  const config = loadConfig(env, secret);
  const logger = options.logger ?? noopLogger;
  const dataDir = config.dataDir ?? defaultDataDir();
  const key = encryptionKey(config, env, options.driver ? join(dataDir, "unused") : dataDir);
  // Connectors that seal a key with core's default key ring read it from the environment, as in the worker.
  process.env[ENCRYPTION_KEY_ENV] = key;
  // The OAuth connectors read the state secret from the environment when they sign and verify state.
  process.env["OAUTH_STATE_SECRET"] = config.oauthStateSecret;

  const driver =
    options.driver ??
    (config.databaseUrl === undefined
      ? await createPgliteDriver({ dataDir })
      : createPgDriver({ databaseUrl: config.databaseUrl, onError: (error) => logger.error("idle database connection failed", { error: error.message }) }));
  const previous = (env[PREVIOUS_ENCRYPTION_KEYS_ENV] ?? "").split(",").map((k) => k.trim()).filter((k) => k !== "");
  const keyRing = createKeyRing(key, previous);
  const store = await openStore({ driver, keyRing, logger });

  const sandboxes = new Map<string, RunningSandbox<unknown>>();
  if (options.sandboxes ?? config.sandboxes) {
    for (const descriptor of sandboxDescriptors) {
      try {
        const running = await descriptor.start({ seed: SANDBOX_SEED });
        sandboxes.set(descriptor.connectorId, running);
        wireSandboxOAuth(running);
      } catch (error) {
        // One broken sandbox must not take the app down: that connector simply has none.
        logger.error("sandbox did not start", { connectorId: descriptor.connectorId, error: String(error) });
      }
    }
  }

  const activities = createSyncActivities({ store: storePort(store), connectors: connectorRegistry, logger });
  const syncs = config.temporal ? await temporalLauncher(config.temporal) : inProcessLauncher(activities, logger);

  return {
    config,
    store,
    driver,
    logger,
    keyRing,
    sandboxes,
    syncs,
    async close() {
      await syncs.close();
      await Promise.allSettled([...sandboxes.values()].map((sandbox) => sandbox.close()));
      await store.close();
      if (!options.driver) await driver.close();
    },
  };
}

const RUNTIME_KEY = Symbol.for("gtm-clarity.web.runtime");
type GlobalWithRuntime = typeof globalThis & { [RUNTIME_KEY]?: Promise<WebRuntime> | undefined };

/** The process's runtime, created on first use. */
export function getRuntime(): Promise<WebRuntime> {
  const global = globalThis as GlobalWithRuntime;
  global[RUNTIME_KEY] ??= createRuntime().catch((error: unknown) => {
    global[RUNTIME_KEY] = undefined;
    throw error;
  });
  return global[RUNTIME_KEY];
}
