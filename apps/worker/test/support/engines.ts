/**
 * The worker's tests that depend on database behaviour (row locks, a process killed mid-transaction) run on both
 * engines, like the store's: PGlite always; the real server when TEST_DATABASE_URL is set, on a fresh database that
 * is dropped afterwards. Without it the PostgreSQL variant reports a skipped test whose name gives the reason.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyRing } from "@gtm-clarity/core";
import { createPgDriver, openStore, type Store } from "@gtm-clarity/store";
import { it } from "vitest";
import { TEST_KEY } from "./fixtures.js";

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
if (pgSkip !== undefined) console.warn(`[worker tests] pg engine skipped: ${pgSkip}`);

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

/**
 * A fresh database: PGlite in a temporary folder on disk (`memory: true` for in-process only tests), or a new
 * database on the test server.
 */
export async function createEngineDatabase(engine: TestEngine, options: { memory?: boolean } = {}): Promise<EngineDatabase> {
  const keyRing = createKeyRing(TEST_KEY);
  if (engine.name === "pglite") {
    const dir = options.memory ? undefined : mkdtempSync(join(tmpdir(), "worker-engine-"));
    const dataDir = dir === undefined ? "memory://" : join(dir, "pglite");
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
