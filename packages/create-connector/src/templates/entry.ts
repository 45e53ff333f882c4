/** src/index.ts: the package entry, which registers the connector. */
import { lines, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";

export function indexTs(ctx: TemplateContext): string {
  const { pascal: p, camel, constant: c } = ctx;
  const specs = specsOf(ctx.kinds);
  const authExports = ctx.oauth
    ? [
        "  decrypt" + p + "Tokens,",
        "  encrypt" + p + "Tokens,",
        `  parse${p}Credentials,`,
        `  parse${p}Settings,`,
        `  ${p}CredentialsSchema,`,
        `  ${p}SettingsSchema,`,
        "  TOKENS_PURPOSE,",
      ]
    : [
        `  build${p}Credentials,`,
        `  decrypt${p}ApiKey,`,
        `  encrypt${p}ApiKey,`,
        `  parse${p}Credentials,`,
        `  parse${p}Settings,`,
        `  ${p}CredentialsSchema,`,
        `  ${p}SettingsSchema,`,
      ];
  return lines(
    "/**",
    ` * \`${ctx.packageName}\`: importing this module registers the ${ctx.displayName} connector (see the last line and`,
    " * `sideEffects` in package.json).",
    " */",
    'import { connectorRegistry } from "@gtm-clarity/core";',
    `import { ${p}Connector } from "./connector.js";`,
    "",
    `export { ${p}Connector, ${c}_CONNECTOR_ID, type ${p}ConnectorOptions } from "./connector.js";`,
    `export { ${p}Clients, ${c}_BASE_URL, ${c}_RATE_LIMIT, ${c}_RETRY, type ${p}ClientOptions } from "./client.js";`,
    "export {",
    authExports,
    "  type ConnectionBinding,",
    `  type ${p}Credentials,`,
    `  type ${p}Settings,`,
    '} from "./auth.js";',
    ctx.oauth &&
      `export { ${p}OAuth, ${p}TokenResponseSchema, ${c}_DEFAULT_SCOPES, ${c}_OAUTH_ENV, type ${p}OAuthOptions } from "./oauth.js";`,
    ctx.webhooks &&
      `export { ${p}Webhooks, ${p}WebhookBodySchema, parseEventType, WEBHOOK_ACTIONS, WEBHOOK_TOLERANCE_SECONDS } from "./webhook.js";`,
    "export {",
    specs.map((spec) => `  ${p}${spec.title}Schema,`),
    `  ${p}MeSchema,`,
    `  ${p}PageSchema,`,
    specs.map((spec) => `  type ${p}${spec.title},`),
    specs.map((spec) => `  type ${p}${spec.title}Input,`),
    `  type ${p}Page,`,
    '} from "./api-schema.js";',
    "export {",
    "  advanceCursor,",
    "  CURSOR_VERSION,",
    "  INITIAL_CURSOR,",
    "  migrateCursor,",
    "  parseCursor,",
    "  serializeCursor,",
    "  type CursorState,",
    "  type CursorStep,",
    '} from "./cursor.js";',
    `export { ${camel}FieldMappings } from "./schema.js";`,
    'export { STREAM_KINDS, STREAM_PATHS, type StreamKind } from "./streams.js";',
    'export { fetchPage, pullStream, PAGE_SIZE, type StreamPage, type StreamQuery } from "./sync/pull.js";',
    "export {",
    "  transformRecord,",
    specs.map((spec) => `  transform${spec.title},`),
    "  updatedAtOf,",
    "  type TransformResult,",
    '} from "./sync/transform.js";',
    "",
    `// Self-registration: importing this module is what makes the connector discoverable (\`connectorRegistry.get("${ctx.name}")\`).`,
    `connectorRegistry.register(new ${p}Connector());`,
    "",
  );
}
