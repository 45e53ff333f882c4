/**
 * Options -> the files of a connector package. The template package (`packages/connector-template`, a connector
 * named "template" that compiles and passes its tests) is copied; installers keep the chosen auth variant, record
 * kinds and webhooks; then every spelling of the name "template" becomes the new connector's name.
 * Pure given the template: the same options always give the same files.
 */
import { installAuth } from "./install/auth.js";
import { keepKinds } from "./install/kinds.js";
import { installManifest } from "./install/manifest.js";
import { installStandalone } from "./install/standalone.js";
import { removeWebhooks } from "./install/webhooks.js";
import { RECORD_KINDS, type ConnectorOptions } from "./options.js";
import { loadTemplate, type TemplateFiles } from "./template-source.js";
import { connectorNames, replaceTokens } from "./tokens.js";
import { packageName } from "./workspace.js";
import type { FileToWrite } from "./write.js";

export type TargetMode = "workspace" | "standalone";

export function renderConnector(
  options: ConnectorOptions,
  mode: TargetMode,
  template: TemplateFiles = loadTemplate(),
): FileToWrite[] {
  const files = new Map(template);
  installAuth(files, options.auth);
  keepKinds(files, options.kinds);
  if (!options.webhooks) removeWebhooks(files);
  installManifest(files, options, mode === "standalone");
  if (mode === "standalone") installStandalone(files);
  const names = connectorNames(options);
  return [...files]
    .map(([path, content]) => ({ path: replaceTokens(path, names), content: replaceTokens(content, names) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `.changeset/connector-<name>-initial.md` at the workspace root. */
export function renderChangeset(options: ConnectorOptions): string {
  // Canonical order, whatever order the caller listed them in.
  const kinds = RECORD_KINDS.filter((kind) => options.kinds.includes(kind));
  const extras = `${options.auth === "oauth" ? " with OAuth" : ""}${options.webhooks ? " and receives verified webhooks" : ""}`;
  return `---\n"${packageName(options.name)}": minor\n---\n\nNew ${options.displayName} connector: syncs ${kinds.join(", ")} records${extras}.\n`;
}
