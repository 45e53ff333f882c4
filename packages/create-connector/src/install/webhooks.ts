/**
 * Webhooks are three whole files (the capability, the sandbox's signer, their test) and one line each where they
 * are wired: the connector's import and property, and the two entry modules' re-exports.
 */
import type { TemplateFiles } from "../template-source.js";
import { removeFiles, removeLines } from "./edit.js";

export const WEBHOOK_FILES = ["src/webhook.ts", "src/sandbox/webhook-sender.ts", "test/webhook.test.ts"] as const;

export function removeWebhooks(files: TemplateFiles): void {
  removeFiles(files, WEBHOOK_FILES);
  removeLines(files, "src/connector.ts", /\bTemplateWebhooks\b/);
  removeLines(files, "src/index.ts", /^export \* from "\.\/webhook\.js";$/);
  removeLines(files, "src/sandbox/index.ts", /^export \* from "\.\/webhook-sender\.js";$/);
  removeLines(files, "README.md", /webhook/i);
}
