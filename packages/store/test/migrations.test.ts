import { isConfigError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrations, openStore } from "../src/index.js";
import { createTestDatabase, engines, reportSkip, type TestDatabase } from "./helpers.js";

describe.each(engines)("migrations on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("applies every migration once, records it, and is a no-op the second time", async () => {
    const first = await migrate(db.driver);
    expect(first).toEqual({ applied: migrations.map((m) => m.version), version: migrations.at(-1)?.version });
    const second = await migrate(db.driver);
    expect(second).toEqual({ applied: [], version: first.version });
    const { rows } = await db.driver.query<{ version: number; name: string; checksum: string }>(
      "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
    );
    expect(rows.map((row) => row.version)).toEqual(first.applied);
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
    // openStore migrates too, and finds nothing to do.
    const store = await openStore({ driver: db.driver });
    expect(await store.migrate()).toEqual({ applied: [], version: first.version });
    await store.close();
  });

  it("serialises concurrent migrators with the advisory lock", async () => {
    const results = await Promise.all([migrate(db.driver), migrate(db.driver), migrate(db.driver)]);
    expect(results.every((result) => result.applied.length === 0)).toBe(true);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    await expect(migrate(db.driver, { migrations: edited })).rejects.toSatisfy(isConfigError);
  });

  it("refuses a database whose schema is newer than this package", async () => {
    await db.driver.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'future', 'x')");
    try {
      await expect(migrate(db.driver)).rejects.toThrow(/newer than this @gtm-clarity\/store knows/);
    } finally {
      await db.driver.query("DELETE FROM schema_migrations WHERE version = 9999");
    }
  });

  it("rolls back a failing migration completely", async () => {
    const broken = [
      ...migrations,
      { version: 1000, name: "broken", sql: "CREATE TABLE half_done (id int); SELECT * FROM no_such_table;" },
    ];
    await expect(migrate(db.driver, { migrations: broken })).rejects.toThrow(/no_such_table/);
    const { rows } = await db.driver.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'",
    );
    expect(rows[0]?.n).toBe(0);
    expect((await migrate(db.driver)).applied).toEqual([]);
  });
});
