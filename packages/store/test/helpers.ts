/**
 * Test engines: PGlite in memory always; the real server when TEST_DATABASE_URL is set, each test file on a fresh
 * database that is dropped afterwards. Suites use `describe.each(engines)` and `useStore(engine)`.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createKeyRing, type KeyRing } from "@gtm-clarity/core";
import pg from "pg";
import { afterAll, beforeAll, inject, it } from "vitest";
import { createPgDriver, createPgliteDriver, openStore, type SqlDriver, type Store, type StoreOptions } from "../src/index.js";

export const TEST_DATABASE_URL = process.env["TEST_DATABASE_URL"] || undefined;

export interface TestEngine {
  name: "pglite" | "pg";
  /** Set when the engine cannot run here; the suite reports a skipped test with this reason. */
  skipReason: string | undefined;
}

const PG_SKIP_REASON =
  "TEST_DATABASE_URL is not set (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test): the real-PostgreSQL variant of this suite did not run";

export const engines: TestEngine[] = [
  { name: "pglite", skipReason: undefined },
  { name: "pg", skipReason: TEST_DATABASE_URL ? undefined : PG_SKIP_REASON },
];

if (!TEST_DATABASE_URL) console.warn(`[store tests] pg engine skipped: ${PG_SKIP_REASON}`);

/** Registers a skipped test that carries the reason, so a skipped engine is visible in every report. */
export function reportSkip(engine: TestEngine): boolean {
  if (engine.skipReason === undefined) return false;
  it.skip(`${engine.name}: skipped because ${engine.skipReason}`, () => undefined);
  return true;
}

export const KEY_1 = "1".repeat(64);
export const KEY_2 = "2".repeat(64);
export const KEY_3 = "3".repeat(64);
export const keyRing1: KeyRing = createKeyRing(KEY_1);

export interface TestDatabase {
  driver: SqlDriver;
  /** A URL for the pg engine (CLI tests); undefined on PGlite. */
  url: string | undefined;
  dispose(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let template: Blob | undefined;

/** The global setup's initialised cluster, loaded once per test file; undefined without the global setup. */
function pgliteTemplate(): Blob | undefined {
  const path = inject("pgliteTemplate");
  if (path === undefined) return undefined;
  template ??= new Blob([readFileSync(path)]);
  return template;
}

/** A fresh, empty database on the given engine (not migrated). */
export async function createTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  if (engine.name === "pglite") {
    const seed = pgliteTemplate();
    const driver = await createPgliteDriver({ dataDir: "memory://", ...(seed === undefined ? {} : { template: seed }) });
    return { driver, url: undefined, dispose: () => driver.close() };
  }
  const name = `store_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL ?? "");
  url.pathname = `/${name}`;
  const driver = createPgDriver({ databaseUrl: url.toString(), max: 6 });
  return {
    driver,
    url: url.toString(),
    dispose: async () => {
      await driver.close();
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export interface StoreHandle {
  store: Store;
  /** The owner connection (bypasses row-level security): for assertions on raw tables and for fault injection. */
  driver: SqlDriver;
  db: TestDatabase;
}

/** One migrated store per suite (per engine), shared by its tests; each test uses its own tenants. */
export function useStore(engine: TestEngine, options: Partial<StoreOptions> = {}): StoreHandle {
  const handle = {} as StoreHandle;
  beforeAll(async () => {
    handle.db = await createTestDatabase(engine);
    handle.driver = handle.db.driver;
    handle.store = await openStore({ driver: handle.db.driver, keyRing: keyRing1, ...options });
  });
  afterAll(async () => {
    await handle.store?.close();
    await handle.db?.dispose();
  });
  return handle;
}

export function uniqueTenant(prefix = "tenant"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export async function setupConnection(
  store: Store,
  tenantId = uniqueTenant(),
  credentials: Record<string, string> = { apiKey: "k" },
) {
  await store.createTenant({ tenantId });
  const connection = await store.createConnection({
    tenantId,
    connectorId: "test-connector",
    connectorVersion: "1.2.3",
    credentials,
  });
  return { tenantId, connectionId: connection.id, connection };
}

export function activity(externalId: string, overrides: Record<string, unknown> = {}) {
  return {
    kind: "activity",
    externalId,
    type: "meeting",
    channel: "video",
    occurredAt: "2025-03-01T10:00:00.000Z",
    subject: `Meeting ${externalId}`,
    properties: { source: "test" },
    ...overrides,
  };
}

export function person(externalId: string, overrides: Record<string, unknown> = {}) {
  return { kind: "person", externalId, email: `${externalId}@example.com`, ...overrides };
}

export function activities(from: number, to: number, overrides: Record<string, unknown> = {}) {
  return Array.from({ length: to - from }, (_, i) => activity(`a${from + i}`, overrides));
}
