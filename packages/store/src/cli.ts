#!/usr/bin/env node
/**
 * gtm-store: operator commands for the store.
 *   gtm-store migrate             apply pending migrations (idempotent, safe to run from several processes)
 *   gtm-store rotate-credentials  re-encrypt all connection credentials under the current key
 */
import { parseArgs } from "node:util";
import { isConnectorError } from "@gtm-clarity/core";
import { openStore, type Store } from "./store.js";
import { defaultDataDir } from "./paths.js";

const HELP = `Usage: gtm-store <command> [options]

Commands:
  migrate              Apply pending schema migrations and exit.
  rotate-credentials   Re-encrypt every connection's credentials under CONNECTOR_ENCRYPTION_KEY
                       (old keys listed in CONNECTOR_ENCRYPTION_PREVIOUS_KEYS). Resumable: run it again after a stop.

Options:
  --database-url URL   PostgreSQL server (default: $DATABASE_URL). Use the schema owner's credentials.
  --data-dir DIR       Embedded PGlite data folder when no database URL is given
                       (default: .data/pglite at the repo root).
  --batch-size N       rotate-credentials: connections per transaction (default 100).
  -h, --help           Show this help.

Environment:
  DATABASE_URL                        PostgreSQL connection string; PGlite is used when unset.
  CONNECTOR_ENCRYPTION_KEY            64 hex chars; the current credentials key.
  CONNECTOR_ENCRYPTION_PREVIOUS_KEYS  Comma-separated older keys that may still decrypt.
`;

/** postgres://user:secret@host/db -> postgres://user:***@host/db */
function describeTarget(databaseUrl: string | undefined, dataDir: string | undefined): string {
  if (databaseUrl) {
    try {
      const url = new URL(databaseUrl);
      if (url.password) url.password = "***";
      return `PostgreSQL ${url.toString()}`;
    } catch {
      return "PostgreSQL (unparseable URL)";
    }
  }
  return `PGlite ${dataDir ?? defaultDataDir()}`;
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      // `pnpm migrate -- --help` hands the "--" through; no argument here starts with "-", so it means nothing.
      args: argv.filter((arg) => arg !== "--"),
      allowPositionals: true,
      options: {
        "database-url": { type: "string" },
        "data-dir": { type: "string" },
        "batch-size": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (command !== "migrate" && command !== "rotate-credentials") {
    console.error(`${command === undefined ? "Missing command" : `Unknown command "${command}"`}\n\n${HELP}`);
    return 2;
  }

  const envUrl = process.env["DATABASE_URL"];
  const databaseUrl = values["database-url"] ?? (values["data-dir"] === undefined && envUrl ? envUrl : undefined);
  const dataDir = databaseUrl === undefined ? values["data-dir"] : undefined;
  const target = describeTarget(databaseUrl, dataDir);

  let store: Store | undefined;
  try {
    store = await openStore({
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      ...(dataDir === undefined ? {} : { dataDir }),
      migrate: false,
    });
    const migrated = await store.migrate();
    if (command === "migrate") {
      console.log(
        migrated.applied.length === 0
          ? `${target}: schema is up to date (version ${migrated.version})`
          : `${target}: applied migration(s) ${migrated.applied.join(", ")}; schema version ${migrated.version}`,
      );
      return 0;
    }
    const batchSize = values["batch-size"] === undefined ? undefined : Number(values["batch-size"]);
    const result = await store.rotateCredentials(undefined, batchSize === undefined ? {} : { batchSize });
    console.log(
      `${target}: rotated ${result.rotated}, already current ${result.alreadyCurrent}, failed ${result.failed}` +
        (result.failed > 0 ? ` (connections: ${result.failedConnectionIds.join(", ")})` : ""),
    );
    return result.failed > 0 ? 1 : 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`${target}: ${isConnectorError(error) ? `${error.name}: ` : ""}${message}`);
    return 1;
  } finally {
    await store?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
