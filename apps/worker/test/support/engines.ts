/**
 * The worker's tests that depend on database behaviour (row locks, a process killed mid-transaction) run on both
 * engines, like the store's: PGlite always; the real server when TEST_DATABASE_URL is set, on a fresh database that
 * is dropped afterwards. Without it the PostgreSQL variant reports a skipped test whose name gives the reason.
 *
 * A fresh PGlite database on disk is a copy of a migrated template folder (see `pgliteTemplate`): creating one from
 * nothing (initdb and every migration) costs seconds of CPU, a copy a fraction of one.
 */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyRing } from "@gtm-clarity/core";
import { createPgDriver, migrations, openStore, type Store } from "@gtm-clarity/store";
import { it } from "vitest";
import { TEST_KEY } from "./key.js";

const TEST_DATABASE_URL = process.env["TEST_DATABASE_URL"] || undefined;

export interface TestEngine {
  name: "pglite" | "pg";
  skipReason: string | undefined;
}

export const engines: TestEngine[] = [
  { name: "pglite", skipReason: undefined },
  {
    name: "pg",
    skipReason: TEST_DATABASE_URL
      ? undefined
      : "TEST_DATABASE_URL is not set (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test): the real-PostgreSQL variant of this suite did not run",
  },
];

const pgSkip = engines[1]?.skipReason;
// Only in a test run: the benchmark and the crash test's children load these helpers too, and have no suites to skip.
if (pgSkip !== undefined && process.env["VITEST"] !== undefined) console.warn(`[worker tests] pg engine skipped: ${pgSkip}`);

/** Registers a skipped test carrying the reason, so a skipped engine shows in every report. */
export function reportSkip(engine: TestEngine): boolean {
  if (engine.skipReason === undefined) return false;
  it.skip(`${engine.name}: skipped because ${engine.skipReason}`, () => undefined);
  return true;
}

/** Where a database lives, so another process can open it too. */
export type StoreLocation = { dataDir: string } | { databaseUrl: string };

export interface EngineDatabase {
  location: StoreLocation;
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const driver = createPgDriver({ databaseUrl: TEST_DATABASE_URL ?? "", max: 1 });
  try {
    await driver.query(sql);
  } finally {
    await driver.close();
  }
}

/** Which PGlite build the store runs (its install path names its version): a template is only good for that one. */
function pgliteBuild(): string {
  const store = createRequire(import.meta.url).resolve("@gtm-clarity/store");
  return createRequire(store).resolve("@electric-sql/pglite");
}

let template: Promise<string> | undefined;

/**
 * A closed PGlite data folder with every migration applied and nothing else, built once per machine for each set of
 * migrations and PGlite build (its name holds their hash), under the temporary folder. Never opened in place:
 * callers copy it. Test files running side by side may each build one; the first to rename its folder into place
 * wins and the others discard theirs.
 */
export function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const hash = createHash("sha256").update(pgliteBuild());
    for (const migration of migrations) hash.update(`\0${migration.version}\0${migration.name}\0${migration.sql}`);
    const dir = join(tmpdir(), `gtm-worker-pglite-template-${hash.digest("hex").slice(0, 16)}`);
    if (existsSync(join(dir, "PG_VERSION"))) return dir;
    const building = mkdtempSync(`${dir}.building-`);
    const store = await openStore({ dataDir: building, keyRing: createKeyRing(TEST_KEY) });
    await store.close();
    try {
      renameSync(building, dir);
    } catch (error) {
      rmSync(building, { recursive: true, force: true });
      if (!existsSync(join(dir, "PG_VERSION"))) throw error;
    }
    return dir;
  })();
  return template;
}

/** A fresh PGlite database at `dataDir` (a folder that does not exist yet), copied from the migrated template. */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
  cpSync(await pgliteTemplate(), dataDir, { recursive: true });
}

/**
 * A fresh database: PGlite in a temporary folder on disk, copied from the migrated template (`memory: true` for an
 * in-memory one, created from nothing), or a new database on the test server.
 */
export async function createEngineDatabase(engine: TestEngine, options: { memory?: boolean } = {}): Promise<EngineDatabase> {
  const keyRing = createKeyRing(TEST_KEY);
  if (engine.name === "pglite") {
    const dir = options.memory ? undefined : mkdtempSync(join(tmpdir(), "worker-engine-"));
    const dataDir = dir === undefined ? "memory://" : join(dir, "pglite");
    if (dir !== undefined) await copyPgliteTemplate(dataDir);
    return {
      location: { dataDir },
      open: () => openStore({ dataDir, keyRing }),
      dispose: async () => {
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `worker_test_${randomBytes(6).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_DATABASE_URL ?? "");
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    location: { databaseUrl },
    open: () => openStore({ databaseUrl, keyRing, poolSize: 12 }),
    dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A store of its own for an in-process test, like `memory://` but without initdb and migrations: a copy of the
 * migrated template in a temporary folder, removed when the store closes.
 */
export async function openTemplateStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "worker-store-"));
  const dataDir = join(dir, "pglite");
  await copyPgliteTemplate(dataDir);
  const store = await openStore({ dataDir, keyRing: createKeyRing(TEST_KEY) });
  return {
    ...store,
    close: async () => {
      try {
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
