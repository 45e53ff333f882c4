/**
 * `create-connector` as a library: generate a GTM Clarity connector package from code (the CLI is a thin layer
 * over this). Nothing is written unless the options are valid and the name is free.
 *
 * ```ts
 * import { generateConnector } from "create-connector";
 * await generateConnector({ name: "acme", auth: "oauth", kinds: ["person", "activity"], webhooks: true, dir: "." });
 * ```
 */
export {
  generateConnector,
  planConnector,
  writeConnector,
  GenerateError,
  type ConnectorPlan,
  type GenerateConnectorOptions,
  type GenerateResult,
} from "./generate.js";
export {
  AUTH_MODES,
  RECORD_KINDS,
  RESERVED_NAMES,
  checkOptions,
  defaultDisplayName,
  displayNameProblem,
  nameProblem,
  parseKinds,
  type AuthMode,
  type ConnectorOptions,
  type RecordKind,
} from "./options.js";
export { renderConnector, renderChangeset, type TargetMode } from "./render.js";
export { loadTemplate, templateDir, TemplateNotFoundError, type TemplateFiles } from "./template-source.js";
export { TemplateDriftError } from "./install/edit.js";
export { runCli, EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, type CliIo } from "./run.js";
export { HELP_TEXT, parseCliArgs, type CliArgs } from "./args.js";
export { collisionProblem, findWorkspaceRoot, resolveTarget, workspacePackageNames, type Target } from "./workspace.js";
export { CREATE_CONNECTOR_VERSION } from "./version.js";
