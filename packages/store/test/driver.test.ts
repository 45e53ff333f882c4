import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgDriver, defaultDataDir, findWorkspaceRoot, preparedStatement, RolledBackAtCommitError } from "../src/index.js";
import { createTestDatabase, engines, reportSkip, type TestDatabase } from "./helpers.js";

describe.each(engines)("SQL driver on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await db.driver.exec("CREATE TABLE t (id int PRIMARY KEY, body text, doc jsonb)");
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("runs parameterised queries and reports affected rows", async () => {
    const inserted = await db.driver.query("INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)", [1, "one", '{"a":1}', 2, "two", null]);
    expect(inserted.rowCount).toBe(2);
    const { rows } = await db.driver.query<{ id: number; body: string; doc: unknown }>("SELECT * FROM t ORDER BY id");
    expect(rows).toEqual([
      { id: 1, body: "one", doc: { a: 1 } },
      { id: 2, body: "two", doc: null },
    ]);
    expect((await db.driver.query("DELETE FROM t")).rowCount).toBe(2);
  });

  it("statements sent without waiting run in order, and one that fails takes the whole transaction with it", async () => {
    const sent: Promise<unknown>[] = [];
    const error = await db.driver
      .transaction(async (tx) => {
        sent.push(tx.query("INSERT INTO t (id, body) VALUES (20, 'first')"));
        sent.push(tx.query("INSERT INTO t (id, body) VALUES (20, 'same key')"));
        sent.push(tx.query("INSERT INTO t (id, body) VALUES (21, 'after the failure')"));
        const settled = await Promise.allSettled(sent);
        expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "rejected"]);
        // The failure was swallowed: COMMIT finds the transaction aborted and rolls it back, which must not pass.
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    if (engine.name === "pg") expect(error).toBeInstanceOf(RolledBackAtCommitError);
    const { rows } = await db.driver.query<{ id: number }>("SELECT id FROM t WHERE id >= 20");
    expect(rows).toEqual([]);
  });

  it("a statement marked preparedStatement gives the same answers, and a pg connection parses it once", async () => {
    const text = preparedStatement("SELECT $1::int + 1 AS n");
    const answers = await db.driver.transaction(async (tx) => {
      // Sent together: the second goes out before the server has answered the first one's parse.
      const [first, second] = await Promise.all([tx.query<{ n: number }>(text, [1]), tx.query<{ n: number }>(text, [2])]);
      const third = await tx.query<{ n: number }>(text, [3]);
      const kept =
        engine.name === "pg"
          ? (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1", [text])).rows[0]?.n
          : 1; // PGlite has no connection to keep it on
      return [first.rows[0]?.n, second.rows[0]?.n, third.rows[0]?.n, kept];
    });
    expect(answers).toEqual([2, 3, 4, 1]);
    if (db.url === undefined) return;
    // Turned off (a pooler that cannot carry them): the same answers, and nothing stays prepared.
    const plain = createPgDriver({ databaseUrl: db.url, max: 1, preparedStatements: false });
    try {
      const kept = await plain.transaction(async (tx) => {
        expect((await tx.query<{ n: number }>(text, [5])).rows[0]?.n).toBe(6);
        return (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements")).rows[0]?.n;
      });
      expect(kept).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it("commits a transaction, and rolls it back entirely when the callback throws", async () => {
    await db.driver.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id, body) VALUES (10, 'kept')");
    });
    await expect(
      db.driver.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id, body) VALUES (11, 'lost')");
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    await expect(
      db.driver.transaction(async (tx) => {
        await tx.query("INSERT INTO t (id, body) VALUES (12, 'lost')");
        await tx.query("INSERT INTO t (id, body) VALUES (10, 'duplicate')");
      }),
    ).rejects.toMatchObject({ code: "23505" });
    const { rows } = await db.driver.query<{ id: number }>("SELECT id FROM t ORDER BY id");
    expect(rows.map((row) => row.id)).toEqual([10]);
    // The driver is still usable after the failures (the pg client went back to the pool clean).
    expect((await db.driver.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
  });

  it("loads CSV with COPY ... FROM STDIN", async () => {
    const csv = Array.from({ length: 5000 }, (_, i) => `${100 + i},"row ""${i}"", with comma","{""i"": ${i}}"`).join("\n");
    const copied = await db.driver.copyFrom("COPY t (id, body, doc) FROM STDIN WITH (FORMAT csv)", `${csv}\n`);
    expect(copied).toBe(5000);
    const { rows } = await db.driver.query<{ body: string; doc: unknown }>("SELECT body, doc FROM t WHERE id = 104");
    expect(rows[0]).toEqual({ body: 'row "4", with comma', doc: { i: 4 } });
    await expect(db.driver.copyFrom("COPY t (id) FROM STDIN WITH (FORMAT csv)", "not-a-number\n")).rejects.toThrow();
    expect((await db.driver.query<{ n: number }>("SELECT count(*)::int AS n FROM t WHERE id >= 100")).rows[0]?.n).toBe(5000);
  });
});

describe("default data folder", () => {
  it("defaults to .data/pglite at the repo root", () => {
    const here = fileURLToPath(new URL(".", import.meta.url));
    const root = findWorkspaceRoot(here);
    expect(root).toBeDefined();
    expect(defaultDataDir(here)).toBe(join(root ?? "", ".data", "pglite"));
    expect(findWorkspaceRoot(tmpdir())).toBeUndefined();
    expect(defaultDataDir(tmpdir())).toBe(join(tmpdir(), ".data", "pglite"));
  });
});
