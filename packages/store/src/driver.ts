/**
 * The smallest surface the store needs from a Postgres client, implemented twice: PGlite (embedded, one
 * in-process backend) and `pg` (a pool against a real server). Everything above this file is plain SQL and
 * runs unchanged on both.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

export type SqlRow = Record<string, unknown>;

export interface SqlResult<R extends SqlRow = SqlRow> {
  rows: R[];
  /** Rows inserted, updated, deleted or returned by the statement. */
  rowCount: number;
}

export interface SqlExecutor {
  /** One statement with `$1..$n` parameters. */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** A script of several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export type SqlEngine = "pglite" | "pg";

export interface SqlDriver extends SqlExecutor {
  readonly engine: SqlEngine;
  /**
   * Runs `fn` inside BEGIN/COMMIT on one dedicated connection; any throw rolls back and is rethrown.
   * Queries outside `fn` never share that connection.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * `COPY ... FROM STDIN` (pg) or `COPY ... FROM '/dev/blob'` (PGlite) with `data` as the input. Pass the statement
   * with `STDIN` as its source; the PGlite driver rewrites it. Runs with the driver's own (owner) role: COPY FROM
   * is not allowed on tables under row-level security for other roles.
   */
  copyFrom(sql: string, data: string | Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/**
 * A statement sent without waiting for its answer (the pg driver pipelines it with the next ones), returned as is:
 * whoever awaits it handles its rejection; this only keeps that rejection from counting as unhandled meanwhile.
 */
export function inFlight<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** A Postgres error as both clients raise it: a message and a SQLSTATE `code`. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

// ---- PGlite ------------------------------------------------------------------------------------------------------

interface PgliteLike {
  query<T>(query: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ rows: T[]; affectedRows?: number }>;
  exec(query: string): Promise<unknown>;
}

function pgliteExecutor(db: PgliteLike): SqlExecutor {
  return {
    async query<R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

export interface PgliteDriverOptions {
  /** A folder for the data files, or `memory://` (the default) for an in-memory database. */
  dataDir?: string;
  /**
   * Start from a data directory dumped with PGlite's `dumpDataDir()` instead of running initdb: much faster when
   * many short-lived databases are needed (tests). Ignored when `dataDir` already holds a database.
   */
  template?: Blob;
}

export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<SqlDriver> {
  const dataDir = options.dataDir ?? "memory://";
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, options.template === undefined ? {} : { loadDataDir: options.template });
  const base = pgliteExecutor(db);
  return {
    engine: "pglite",
    ...base,
    // PGlite has a single backend; its transaction() holds a mutex, so concurrent callers queue up in order.
    transaction: (fn) => db.transaction((tx) => fn(pgliteExecutor(tx))),
    async copyFrom(sql, data) {
      const fromBlob = sql.replace(/\bFROM\s+STDIN\b/i, "FROM '/dev/blob'");
      const result = await db.query(fromBlob, [], { blob: new Blob([data]) });
      return result.affectedRows ?? 0;
    },
    close: () => db.close(),
  };
}

// ---- pg ----------------------------------------------------------------------------------------------------------

/** Statement texts to keep prepared, with their names (see `preparedStatement`). */
const preparedNames = new Map<string, string>();

/**
 * Marks a statement text to be kept prepared on each pg connection, under a name derived from the text: it is then
 * parsed and planned once per connection instead of on every call (a page's large upsert spent most of a millisecond
 * there). Only for fixed texts that run often: each registered text stays prepared on every connection of the pool.
 * PGlite ignores it. Returns the text, so a constant can be declared through it.
 */
export function preparedStatement(text: string): string {
  if (!preparedNames.has(text)) preparedNames.set(text, `gtm_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`);
  return text;
}

function pgExecutor(client: pg.Pool | pg.PoolClient, prepared: boolean): SqlExecutor {
  return {
    async query<R extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) {
      const name = prepared ? preparedNames.get(sql) : undefined;
      const result = await client.query<R>(name === undefined ? { text: sql, values: [...params] } : { name, text: sql, values: [...params] });
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

/**
 * `COPY ... FROM STDIN` over pg's lower-level Submittable API (what pg-copy-streams does, without the dependency):
 * pg hands us the connection once the statement is sent; we answer CopyInResponse with CopyData chunks and CopyDone,
 * honouring socket back-pressure, then wait for CommandComplete/ReadyForQuery.
 */
class CopyFromStdin implements pg.Submittable {
  private settled = false;
  private rowCount = 0;
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: unknown) => void;

  constructor(
    private readonly text: string,
    private readonly data: Uint8Array,
    private readonly chunkSize = 1 << 20,
  ) {
    this.done = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: pg.Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: pg.Connection & { sendCopyFromChunk(chunk: Uint8Array): void; endCopyFrom(): void }) {
    const { stream } = connection;
    const send = async () => {
      for (let offset = 0; offset < this.data.length; offset += this.chunkSize) {
        connection.sendCopyFromChunk(this.data.subarray(offset, offset + this.chunkSize));
        if (stream.writableNeedDrain) await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
      }
      connection.endCopyFrom();
    };
    send().catch((error: unknown) => this.fail(error));
  }

  handleCommandComplete(message: { text?: string }) {
    const match = /COPY (\d+)/.exec(message.text ?? "");
    this.rowCount = match?.[1] === undefined ? 0 : Number(match[1]);
  }

  handleError(error: unknown) {
    this.fail(error);
  }

  handleReadyForQuery() {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.rowCount);
  }

  // The other callbacks pg may invoke on an active query; COPY FROM produces none of them.
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleCopyData() {}

  private fail(error: unknown) {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

export interface PgDriverOptions {
  databaseUrl: string;
  /** Pool size; default 10. */
  max?: number;
  onError?: (error: Error) => void;
  /**
   * Keep the statements marked with `preparedStatement` prepared on each connection. Default true; turn it off
   * behind a pooler that cannot carry prepared statements across transactions (PgBouncer before 1.21 in
   * transaction mode, or without `max_prepared_statements`).
   */
  preparedStatements?: boolean;
}

/** COMMIT of a transaction in which a statement failed: PostgreSQL rolls it back and says so only in the tag. */
export class RolledBackAtCommitError extends Error {
  override readonly name = "RolledBackAtCommitError";
  constructor() {
    super("the transaction was rolled back at COMMIT: one of its statements had failed");
  }
}

export function createPgDriver(options: PgDriverOptions): SqlDriver {
  // Pipeline mode: statements sent without waiting for the one before go out together (each still gets its own
  // answer, in order), so a transaction's independent statements cost one round trip instead of one each.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.max ?? 10, pipeline: true });
  // An idle client losing its socket must not crash the process; the next checkout gets a fresh one.
  pool.on("error", (error) => options.onError?.(error));
  const prepared = options.preparedStatements ?? true;
  const base = pgExecutor(pool, prepared);
  return {
    engine: "pg",
    ...base,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // BEGIN is not waited for: it goes out with the transaction's first statements. Should it fail, they fail too,
      // and its own error is the one reported.
      const begun = inFlight(client.query("BEGIN"));
      try {
        const result = await fn(pgExecutor(client, prepared));
        await begun;
        const committed = await client.query("COMMIT");
        if (committed.command === "ROLLBACK") throw new RolledBackAtCommitError();
        return result;
      } catch (error) {
        const beginError: unknown = await begun.then(() => undefined, (failed: unknown) => failed);
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw beginError ?? error;
      } finally {
        // A client whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool.
        client.release(broken);
      }
    },
    async copyFrom(sql, data) {
      const bytes = typeof data === "string" ? Buffer.from(data) : data;
      // A COPY takes over its connection, which a pipelined one refuses: it gets a connection of its own.
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      try {
        const copy = client.query(new CopyFromStdin(sql, bytes));
        return await copy.done;
      } finally {
        await client.end();
      }
    },
    close: () => pool.end(),
  };
}
