/**
 * What every CLI command needs: where the data lives, the encryption key, the store, the activities.
 *
 * Embedded default: no DATABASE_URL means PGlite in `.data/pglite` at the repo root (GTM_DATA_DIR moves it), and the credentials key comes
 * from CONNECTOR_ENCRYPTION_KEY or, for that local folder only, from `.data/encryption.key` (created by `demo`).
 * With DATABASE_URL the key must come from the environment: a shared database never relies on a local file.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError, createKeyRing, ENCRYPTION_KEY_ENV, PREVIOUS_ENCRYPTION_KEYS_ENV, type Logger } from "@gtm-clarity/core";
import { defaultDataDir, openStore, type Store } from "@gtm-clarity/store";
import { storePort } from "./activities/store-port.js";
import { createSyncActivities } from "./activities/sync-activities.js";
import type { SyncActivities } from "./activities/types.js";
import { connectorRegistry, deployedConnectors } from "./connectors.js";
import { createAppLogger, type AppLogLevel, type LogDestination } from "./logging.js";
import { budgetWindows } from "./budgets/accounts.js";
import { budgeted, createBudgetScope, type BudgetScope } from "./budgets/gate.js";
import { createThreadFetcher, fetchThreadsFrom } from "./fetching/thread-fetcher.js";
import { createWritebackActivities } from "./writeback/activities.js";
import type { WritebackActivities } from "./writeback/types.js";

export interface AppOptions {
  /** PGlite data folder; default `.data/pglite` at the repo root. Ignored when a database URL is used. */
  dataDir?: string;
  databaseUrl?: string;
  /** Create the local key file when there is none (the demo does). */
  createKey?: boolean;
  logLevel?: AppLogLevel;
  logDestination?: LogDestination;
  env?: Record<string, string | undefined>;
}

export interface App {
  store: Store;
  /** Everything the Temporal worker registers: the sync activities and the writeback batch. */
  activities: SyncActivities & WritebackActivities;
  /** Runs work for a connection inside its vendor account's shared budget (what the activities do already). */
  budgetScope: BudgetScope;
  logger: Logger;
  /** Where the data is, for messages: a folder or the database host (never the password). */
  location: string;
  keySource: string;
  close(): Promise<void>;
}

const LOG_LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

export function logLevelFrom(env: Record<string, string | undefined>, fallback: AppLogLevel): AppLogLevel {
  const value = env["LOG_LEVEL"];
  return value !== undefined && LOG_LEVELS.has(value) ? (value as AppLogLevel) : fallback;
}

/** The key file beside the PGlite folder: `<dataDir>/../encryption.key`. */
export function keyFileFor(dataDir: string): string {
  return join(dirname(dataDir), "encryption.key");
}

export interface KeyResolution {
  key: string;
  source: string;
  created: boolean;
}

/** CONNECTOR_ENCRYPTION_KEY, else the local key file (created with mode 0600 when asked to). */
export function resolveEncryptionKey(
  env: Record<string, string | undefined>,
  local: { keyFile: string; create: boolean } | undefined,
): KeyResolution {
  const fromEnv = env[ENCRYPTION_KEY_ENV]?.trim();
  if (fromEnv) return { key: fromEnv, source: ENCRYPTION_KEY_ENV, created: false };
  if (!local) {
    throw new ConfigError(`${ENCRYPTION_KEY_ENV} must be set when DATABASE_URL points at a shared database`);
  }
  if (existsSync(local.keyFile)) {
    const mode = statSync(local.keyFile).mode & 0o077;
    if (mode !== 0) chmodSync(local.keyFile, 0o600); // tighten a key file someone made readable
    return { key: readFileSync(local.keyFile, "utf8").trim(), source: local.keyFile, created: false };
  }
  if (!local.create) {
    throw new ConfigError(
      `No encryption key: set ${ENCRYPTION_KEY_ENV} (64 hex chars) or run \`worker demo\` once to create ${local.keyFile}`,
    );
  }
  mkdirSync(dirname(local.keyFile), { recursive: true });
  const key = randomBytes(32).toString("hex");
  writeFileSync(local.keyFile, `${key}\n`, { mode: 0o600, flag: "wx" });
  return { key, source: local.keyFile, created: true };
}

export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres ${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname}`;
  } catch {
    return "postgres (DATABASE_URL)";
  }
}

/** `DATABASE_PREPARED_STATEMENTS=0` (or `false`, `off`) turns the store's prepared statements off; on otherwise. */
export function preparedStatementsFrom(env: Record<string, string | undefined>): boolean {
  return !/^(0|false|off)$/i.test(env["DATABASE_PREPARED_STATEMENTS"]?.trim() ?? "");
}

export interface OpenedApp extends App {
  key: KeyResolution;
}

export async function openApp(options: AppOptions = {}): Promise<OpenedApp> {
  const env = options.env ?? process.env;
  const logger = createAppLogger(options.logLevel ?? logLevelFrom(env, "warn"), options.logDestination ?? "stderr");
  const explicitDir = options.dataDir ?? (env["GTM_DATA_DIR"] || undefined);
  const databaseUrl = options.databaseUrl ?? (explicitDir === undefined ? env["DATABASE_URL"] : undefined);
  const usePg = databaseUrl !== undefined && databaseUrl !== "";
  const dataDir = explicitDir ?? defaultDataDir();
  const key = resolveEncryptionKey(env, usePg ? undefined : { keyFile: keyFileFor(dataDir), create: options.createKey ?? false });
  // Connectors encrypt API-key settings with core's default key ring, which reads the environment.
  process.env[ENCRYPTION_KEY_ENV] = key.key;
  const store = await openStore({
    ...(usePg ? { databaseUrl, preparedStatements: preparedStatementsFrom(env) } : { dataDir }),
    // Old keys stay readable during a rotation (CONNECTOR_ENCRYPTION_PREVIOUS_KEYS, comma-separated).
    keyRing: createKeyRing(
      key.key,
      (env[PREVIOUS_ENCRYPTION_KEYS_ENV] ?? "").split(",").map((k) => k.trim()).filter((k) => k !== ""),
    ),
    logger,
  });
  // Every request a connector sends for a connection first takes a slot of its vendor account's budget in the store
  // (./budgets): shared by the account's connections, across processes and restarts.
  const budgetScope = createBudgetScope({
    budgets: store.budgets,
    getConnection: (ref) => store.getConnection(ref),
    getCredentials: (ref) => store.getConnectionCredentials(ref),
    windows: budgetWindows(env, deployedConnectors().map(({ id }) => connectorRegistry.get(id))),
    connectorOf: (id) => (connectorRegistry.has(id) ? connectorRegistry.get(id) : undefined),
    logger,
  });
  // Pages are fetched in worker threads (FETCH_THREADS, 0 for none) while the page before commits here.
  const fetcher = createThreadFetcher({ logger, threads: fetchThreadsFrom(env) });
  const activities = budgeted(
    {
      ...createSyncActivities({ store: storePort(store), connectors: connectorRegistry, logger, fetcher }),
      ...createWritebackActivities({ store: storePort(store), outbox: store.outbox, connectors: connectorRegistry, logger }),
    },
    budgetScope,
  );
  return {
    store,
    activities,
    budgetScope,
    logger,
    key,
    keySource: key.source,
    location: usePg ? describeDatabaseUrl(databaseUrl) : dataDir,
    close: async () => {
      await fetcher.close();
      await store.close();
    },
  };
}
