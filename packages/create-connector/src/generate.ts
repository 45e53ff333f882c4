/**
 * The programmatic API: validate, decide where the connector goes, render it, write it atomically.
 * Nothing is written unless every check passes.
 */
import { join, relative, resolve } from "node:path";
import { checkOptions, type ConnectorOptions } from "./options.js";
import { renderConnector, renderChangeset } from "./render.js";
import { changesetFileName, collisionProblem, packageName, resolveTarget, type Target } from "./workspace.js";
import { writeAtomically, type FileToWrite, type WriteHooks } from "./write.js";

export interface GenerateConnectorOptions {
  name: string;
  displayName?: string;
  auth?: string;
  /** Record kinds, as a list or a comma-separated string; defaults to all three. */
  kinds?: string | readonly string[];
  webhooks?: boolean;
  /** Where to create it; defaults to the current directory. Inside a pnpm workspace: its packages/ folder. */
  dir?: string;
}

export interface ConnectorPlan {
  options: ConnectorOptions;
  target: Target;
  packageName: string;
  files: FileToWrite[];
  /** The initial changeset, in a workspace only. */
  changeset?: { path: string; content: string };
}

export interface GenerateResult {
  mode: Target["mode"];
  packageName: string;
  packageDir: string;
  /** The package folder relative to the workspace root (or to `dir` when standalone): `packages/connector-acme`. */
  location: string;
  /** Paths relative to the workspace root (or to `dir` when standalone), sorted. */
  files: string[];
}

/** Invalid options or a name that is taken. `problems` are complete sentences, ready to print. */
export class GenerateError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "GenerateError";
    this.problems = problems;
  }
}

/** Validates and renders without writing anything. Throws GenerateError. */
export function planConnector(input: GenerateConnectorOptions): ConnectorPlan {
  const checked = checkOptions(input);
  if (!checked.ok) throw new GenerateError(checked.problems);
  const { options } = checked;
  const target = resolveTarget(resolve(input.dir ?? process.cwd()), options.name);
  const collision = collisionProblem(target, options.name);
  if (collision) throw new GenerateError([collision]);
  const plan: ConnectorPlan = {
    options,
    target,
    packageName: packageName(options.name),
    files: renderConnector(options, target.mode),
  };
  if (target.mode === "workspace") {
    plan.changeset = {
      path: join(target.changesetDir, changesetFileName(options.name)),
      content: renderChangeset(options),
    };
  }
  return plan;
}

export async function writeConnector(plan: ConnectorPlan, hooks: WriteHooks = {}): Promise<GenerateResult> {
  await writeAtomically(
    { packageDir: plan.target.packageDir, files: plan.files, extraFiles: plan.changeset ? [plan.changeset] : [] },
    hooks,
  );
  const base = plan.target.mode === "workspace" ? plan.target.root : resolve(plan.target.packageDir, "..");
  const files = plan.files.map((file) => relative(base, join(plan.target.packageDir, file.path)));
  if (plan.changeset) files.push(relative(base, plan.changeset.path));
  return {
    mode: plan.target.mode,
    packageName: plan.packageName,
    packageDir: plan.target.packageDir,
    location: relative(base, plan.target.packageDir).split("\\").join("/"),
    files: files.map((file) => file.split("\\").join("/")).sort(),
  };
}

/** Generates a connector package. Throws GenerateError for invalid options; writes nothing in that case. */
export async function generateConnector(
  input: GenerateConnectorOptions,
  hooks: WriteHooks = {},
): Promise<GenerateResult> {
  return writeConnector(planConnector(input), hooks);
}
