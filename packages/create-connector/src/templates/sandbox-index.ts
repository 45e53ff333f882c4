/** src/sandbox/index.ts: the `./sandbox` entry. */
import { lines, specifiers, type TemplateContext } from "./context.js";
import { specsOf } from "./kinds.js";

export function sandboxIndexTs(ctx: TemplateContext): string {
  const p = ctx.pascal;
  const specs = specsOf(ctx.kinds);
  return lines(
    "/**",
    ` * \`${ctx.packageName}/sandbox\`: a loopback fake of the ${ctx.displayName} API for tests, demos and benchmarks.`,
    " * Importing it does not register the connector.",
    " */",
    specifiers(
      "export",
      [`start${p}Sandbox`, `type ${p}Sandbox`, `type ${p}SandboxOptions`, "type SandboxStats"],
      "./server.js",
    ),
    specifiers(
      "export",
      [
        "sandboxData",
        ...specs.map((spec) => `sandbox${spec.title}`),
        ...specs.map((spec) => `malformed${spec.title}`),
        "SANDBOX_COUNTS",
        "SANDBOX_EPOCH",
        "type SandboxData",
      ],
      "./data.js",
    ),
    'export { RateWindow, type RateDecision } from "./rate-limit.js";',
    ctx.oauth && 'export { SandboxAuthorizationServer, type IssuedTokens } from "./oauth-server.js";',
    ctx.webhooks &&
      specifiers(
        "export",
        [
          `sign${p}Webhook`,
          "createWebhookId",
          "createWebhookSecret",
          "type SignedWebhook",
          `type ${p}WebhookEventBody`,
        ],
        "./webhook-sender.js",
      ),
    "",
  );
}
