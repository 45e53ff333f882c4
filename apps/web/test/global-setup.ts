/**
 * Runs once per `vitest run`, before any test file: initialises one PGlite cluster, migrates it with the store's own
 * migrations (openStore, as the runtime does), and hands its dump to every file. Loading the dump takes well under a
 * second; initdb plus the migrations took several CPU seconds for each of the six runtimes the files start.
 * A fresh database is still migrated from nothing by the browser test's `next start` (its own data folder).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createPgliteDriver, openStore } from "@gtm-clarity/store";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of a dump of a PGlite cluster on which every store migration has been applied. */
    migratedPgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), "web-test-template-"));
  const dataDir = join(dir, "cluster");
  const driver = await createPgliteDriver({ dataDir });
  const store = await openStore({ driver });
  await store.close();
  await driver.close();

  const db = await PGlite.create(dataDir);
  const dump = await db.dumpDataDir("none");
  await db.close();
  const file = join(dir, "migrated.tar");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("migratedPgliteTemplate", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
