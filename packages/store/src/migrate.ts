/**
 * Versioned migrations: applied in order, each recorded in `schema_migrations` with a checksum, all inside one
 * transaction that holds an advisory lock, so two processes starting at once neither race nor half-apply.
 */
import { createHash } from "node:crypto";
import { ConfigError, type Logger, noopLogger } from "@gtm-clarity/core";
import type { SqlDriver } from "./driver.js";
import { type Migration, migrations as allMigrations } from "./migrations/index.js";

/** Arbitrary but fixed: every store process takes this advisory lock while migrating. */
const MIGRATION_LOCK_KEY = 7_140_206_331_947_180_114n;

export interface MigrationResult {
  /** Versions applied by this call, in order; empty when the schema was already current. */
  applied: number[];
  /** The schema version after the call. */
  version: number;
}

export function migrationChecksum(migration: Migration): string {
  return createHash("sha256").update(migration.sql).digest("hex");
}

export interface MigrateOptions {
  logger?: Logger;
  /** For tests of the runner itself; defaults to every migration this package ships. */
  migrations?: readonly Migration[];
}

export async function migrate(driver: SqlDriver, options: MigrateOptions = {}): Promise<MigrationResult> {
  const logger = options.logger ?? noopLogger;
  const list = [...(options.migrations ?? allMigrations)].sort((a, b) => a.version - b.version);
  return driver.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY.toString()]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    const done = new Map(rows.map((row) => [row.version, row]));
    const known = new Set(list.map((migration) => migration.version));
    const newest = rows.at(-1)?.version ?? 0;
    for (const row of rows) {
      if (!known.has(row.version)) {
        throw new ConfigError(
          `database schema is at version ${newest}, newer than this @gtm-clarity/store knows (migration ${row.version} "${row.name}"); upgrade the package`,
        );
      }
    }
    const applied: number[] = [];
    for (const migration of list) {
      const checksum = migrationChecksum(migration);
      const existing = done.get(migration.version);
      if (existing) {
        if (existing.checksum !== checksum) {
          throw new ConfigError(
            `migration ${migration.version} "${migration.name}" was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      logger.info("applying migration", { version: migration.version, name: migration.name });
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        checksum,
      ]);
      applied.push(migration.version);
    }
    return { applied, version: list.at(-1)?.version ?? 0 };
  });
}
