/** src/index.ts: the package entry, which registers the connector. */
import { lines, specifiers, str, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";

export function indexTs(ctx: TemplateContext): string {
  const { pascal: p, camel, constant: c } = ctx;
  const specs = specsOf(ctx.kinds);
  const authNames = ctx.oauth
    ? [`decrypt${p}Tokens`, `encrypt${p}Tokens`, "TOKENS_PURPOSE"]
    : [`build${p}Credentials`, `decrypt${p}ApiKey`, `encrypt${p}ApiKey`];
  return lines(
    "/**",
    ` * \`${ctx.packageName}\`: importing this module registers the ${ctx.displayName} connector (see the last line and`,
    " * `sideEffects` in package.json).",
    " */",
    'import { connectorRegistry } from "@gtm-clarity/core";',
    `import { ${p}Connector } from "./connector.js";`,
    "",
    specifiers("export", [`${p}Connector`, `${c}_CONNECTOR_ID`, `type ${p}ConnectorOptions`], "./connector.js"),
    specifiers(
      "export",
      [`${p}Clients`, `${c}_BASE_URL`, `${c}_RATE_LIMIT`, `${c}_RETRY`, `type ${p}ClientOptions`],
      "./client.js",
    ),
    specifiers(
      "export",
      [
        ...authNames,
        `parse${p}Credentials`,
        `parse${p}Settings`,
        `${p}CredentialsSchema`,
        `${p}SettingsSchema`,
        "type ConnectionBinding",
        `type ${p}Credentials`,
        `type ${p}Settings`,
      ],
      "./auth.js",
    ),
    ctx.oauth &&
      specifiers(
        "export",
        [`${p}OAuth`, `${p}TokenResponseSchema`, `${c}_DEFAULT_SCOPES`, `${c}_OAUTH_ENV`, `type ${p}OAuthOptions`],
        "./oauth.js",
      ),
    ctx.webhooks &&
      specifiers(
        "export",
        [
          `${p}Webhooks`,
          `${p}WebhookBodySchema`,
          "parseEventType",
          "WEBHOOK_ACTIONS",
          "WEBHOOK_TOLERANCE_SECONDS",
          "type WebhookAction",
        ],
        "./webhook.js",
      ),
    specifiers(
      "export",
      [
        ...specs.map((spec) => `${p}${spec.title}Schema`),
        `${p}MeSchema`,
        `${p}PageSchema`,
        ...specs.map((spec) => `type ${p}${spec.title}`),
        ...specs.map((spec) => `type ${p}${spec.title}Input`),
        `type ${p}Page`,
      ],
      "./api-schema.js",
    ),
    specifiers(
      "export",
      [
        "advanceCursor",
        "CURSOR_VERSION",
        "INITIAL_CURSOR",
        "migrateCursor",
        "parseCursor",
        "serializeCursor",
        "type CursorState",
        "type CursorStep",
      ],
      "./cursor.js",
    ),
    specifiers("export", [`${camel}FieldMappings`], "./schema.js"),
    specifiers("export", ["STREAM_KINDS", "STREAM_PATHS", "type StreamKind"], "./streams.js"),
    specifiers(
      "export",
      ["fetchPage", "pullStream", "PAGE_SIZE", "type StreamPage", "type StreamQuery"],
      "./sync/pull.js",
    ),
    specifiers(
      "export",
      ["transformRecord", ...specs.map((spec) => `transform${spec.title}`), "updatedAtOf", "type TransformResult"],
      "./sync/transform.js",
    ),
    "",
    "// Self-registration: importing this module is what makes the connector discoverable",
    `// (\`connectorRegistry.get(${str(ctx.name)})\`).`,
    `connectorRegistry.register(new ${p}Connector());`,
    "",
  );
}
