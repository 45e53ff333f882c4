/**
 * Options -> the files of a connector package, as (path, content) pairs. Pure: the same options always give the same
 * files, which is what the unit tests pin down and what the writer puts on disk.
 */
import type { ConnectorOptions } from "./options.js";
import { createContext, type TargetMode } from "./templates/context.js";
import { authTs } from "./templates/auth.js";
import { clientTs } from "./templates/client.js";
import { eslintConfig, gitignore, tsconfigJson, tsupConfig, vitestConfig } from "./templates/configs.js";
import { connectorTs } from "./templates/connector.js";
import { cursorTs } from "./templates/cursor.js";
import { benchTs, changesetMd, readmeMd } from "./templates/docs.js";
import { indexTs } from "./templates/entry.js";
import { oauthTs } from "./templates/oauth.js";
import { packageJson } from "./templates/package-json.js";
import { sandboxDataTs } from "./templates/sandbox-data.js";
import { sandboxIndexTs } from "./templates/sandbox-index.js";
import { sandboxServerTs, sandboxOAuthServerTs } from "./templates/sandbox-server.js";
import { sandboxHttpTs, sandboxRateLimitTs, webhookSenderTs } from "./templates/sandbox-support.js";
import { apiSchemaTs, schemaTs, streamsTs } from "./templates/source.js";
import { pullTs, transformTs } from "./templates/sync.js";
import { webhookTs } from "./templates/webhook.js";
import { authTestTs, oauthTestTs, webhookTestTs } from "./templates/tests-auth.js";
import { conformanceTestTs, connectorTestTs } from "./templates/tests-connector.js";
import { pullTestTs, transformTestTs } from "./templates/tests-unit.js";
import type { FileToWrite } from "./write.js";

export function renderConnector(options: ConnectorOptions, mode: TargetMode): FileToWrite[] {
  const ctx = createContext(options, mode);
  const files: [string, string | false][] = [
    ["package.json", packageJson(ctx)],
    ["README.md", readmeMd(ctx)],
    ["tsconfig.json", tsconfigJson(ctx)],
    ["tsup.config.ts", tsupConfig()],
    ["vitest.config.ts", vitestConfig(ctx)],
    ["eslint.config.js", eslintConfig(ctx)],
    [".gitignore", mode === "standalone" && gitignore()],
    ["src/index.ts", indexTs(ctx)],
    ["src/connector.ts", connectorTs(ctx)],
    ["src/client.ts", clientTs(ctx)],
    ["src/auth.ts", authTs(ctx)],
    ["src/oauth.ts", ctx.oauth && oauthTs(ctx)],
    ["src/webhook.ts", ctx.webhooks && webhookTs(ctx)],
    ["src/api-schema.ts", apiSchemaTs(ctx)],
    ["src/schema.ts", schemaTs(ctx)],
    ["src/streams.ts", streamsTs(ctx)],
    ["src/cursor.ts", cursorTs(ctx)],
    ["src/sync/pull.ts", pullTs(ctx)],
    ["src/sync/transform.ts", transformTs(ctx)],
    ["src/sandbox/index.ts", sandboxIndexTs(ctx)],
    ["src/sandbox/server.ts", sandboxServerTs(ctx)],
    ["src/sandbox/data.ts", sandboxDataTs(ctx)],
    ["src/sandbox/http.ts", sandboxHttpTs()],
    ["src/sandbox/rate-limit.ts", sandboxRateLimitTs()],
    ["src/sandbox/oauth-server.ts", ctx.oauth && sandboxOAuthServerTs()],
    ["src/sandbox/webhook-sender.ts", ctx.webhooks && webhookSenderTs(ctx)],
    ["test/auth.test.ts", authTestTs(ctx)],
    ["test/connector.test.ts", connectorTestTs(ctx)],
    ["test/transform.test.ts", transformTestTs(ctx)],
    ["test/pull.test.ts", pullTestTs(ctx)],
    ["test/conformance.test.ts", conformanceTestTs(ctx)],
    ["test/oauth.test.ts", ctx.oauth && oauthTestTs(ctx)],
    ["test/webhook.test.ts", ctx.webhooks && webhookTestTs(ctx)],
    ["bench/full-sync.bench.ts", benchTs(ctx)],
  ];
  return files.flatMap(([path, content]) => (content === false ? [] : [{ path, content }]));
}

/** `.changeset/connector-<name>-initial.md` at the workspace root. */
export function renderChangeset(options: ConnectorOptions): string {
  return changesetMd(createContext(options, "workspace"));
}
