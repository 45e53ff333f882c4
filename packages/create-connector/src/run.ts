/**
 * The command-line flow: flags, then prompts for what is missing (TTY only), then generation.
 * Returns the exit code instead of exiting, so tests can drive it in-process.
 */
import * as p from "@clack/prompts";
import { isAbsolute, relative, resolve } from "node:path";
import { HELP_TEXT, parseCliArgs, type CliArgs } from "./args.js";
import { GenerateError, planConnector, writeConnector, type GenerateResult } from "./generate.js";
import {
  DEFAULT_AUTH,
  DEFAULT_KINDS,
  DEFAULT_WEBHOOKS,
  defaultDisplayName,
  displayNameProblem,
  isAuthMode,
  nameProblem,
  parseKinds,
  type ConnectorOptions,
} from "./options.js";
import { askForOptions, type PromptIo } from "./prompts.js";
import { collisionProblem, resolveTarget } from "./workspace.js";
import { CREATE_CONNECTOR_VERSION } from "./version.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether to ask questions: stdin (and stdout) are a terminal. */
  interactive: boolean;
  cwd: string;
  prompt?: PromptIo;
}

export const EXIT_OK = 0;
export const EXIT_USAGE = 1;
export const EXIT_CANCELLED = 130;

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    cwd: process.cwd(),
  };
}

function fail(io: CliIo, problems: readonly string[]): number {
  io.stderr(`create-connector: ${problems.join("\n  ")}\nNothing was written.\n`);
  return EXIT_USAGE;
}

/** Problems with the flags that were given, checked before any prompt so a bad flag fails fast. */
function flagProblems(args: CliArgs, dir: string): string[] {
  const problems: string[] = [];
  if (args.name !== undefined) {
    const problem = nameProblem(args.name) ?? collisionProblem(resolveTarget(dir, args.name), args.name);
    if (problem) problems.push(problem);
  }
  if (args.displayName !== undefined) {
    const problem = displayNameProblem(args.displayName);
    if (problem) problems.push(problem);
  }
  if (args.auth !== undefined && !isAuthMode(args.auth)) {
    problems.push(`Unknown --auth "${args.auth}": use api-key or oauth.`);
  }
  if (args.kinds !== undefined) {
    const kinds = parseKinds(args.kinds);
    if (!kinds.ok) problems.push(kinds.problem);
  }
  return problems;
}

/** A path to show: relative when that is shorter and clearer, absolute otherwise. */
function shown(from: string, path: string): string {
  const rel = relative(from, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

function nextSteps(result: GenerateResult, cwd: string): string {
  if (result.mode === "workspace") {
    // Workspace commands run from its root, so paths are shown from there.
    const where = result.location;
    return [
      `Created ${result.packageName} in ${where} (${result.files.length} files, with an initial changeset).`,
      "Next, from the workspace root:",
      "  pnpm install",
      `  pnpm turbo run typecheck lint test --filter=${result.packageName}`,
      `  then work through ${where}/README.md: it is the building checklist.`,
    ].join("\n");
  }
  const where = shown(cwd, result.packageDir);
  return [
    `Created a standalone ${result.packageName} in ${where} (${result.files.length} files).`,
    "Next:",
    `  cd ${where}`,
    "  pnpm install   (or npm install)",
    "  pnpm typecheck && pnpm lint && pnpm build && pnpm test",
    "  then work through README.md: it is the building checklist.",
  ].join("\n");
}

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) return fail(io, [parsed.problem]);
  const { args } = parsed;
  if (args.help) {
    io.stdout(HELP_TEXT);
    return EXIT_OK;
  }
  if (args.version) {
    io.stdout(`${CREATE_CONNECTOR_VERSION}\n`);
    return EXIT_OK;
  }
  const dir = resolve(io.cwd, args.dir ?? ".");
  const problems = flagProblems(args, dir);
  if (problems.length > 0) return fail(io, problems);

  const kinds = args.kinds === undefined ? undefined : parseKinds(args.kinds);
  const known = {
    name: args.name,
    displayName: args.displayName,
    auth: args.auth !== undefined && isAuthMode(args.auth) ? args.auth : undefined,
    kinds: kinds?.ok ? kinds.kinds : undefined,
    webhooks: args.webhooks,
  };

  let options: ConnectorOptions;
  const interactive = io.interactive && !args.yes;
  const screen = io.prompt?.output ? { output: io.prompt.output } : {};
  if (interactive) {
    p.intro("create-connector", screen);
    const answers = await askForOptions(
      known,
      (name) => nameProblem(name) ?? collisionProblem(resolveTarget(dir, name), name),
      io.prompt ?? {},
    );
    if (answers === undefined) {
      p.cancel("Cancelled. Nothing was written.", screen);
      return EXIT_CANCELLED;
    }
    options = answers;
  } else {
    if (known.name === undefined) {
      return fail(io, [
        "A connector name is required when not running interactively: create-connector <name> --yes (see --help).",
      ]);
    }
    options = {
      name: known.name,
      displayName: known.displayName ?? defaultDisplayName(known.name),
      auth: known.auth ?? DEFAULT_AUTH,
      kinds: known.kinds ?? DEFAULT_KINDS,
      webhooks: known.webhooks ?? DEFAULT_WEBHOOKS,
    };
  }

  let result: GenerateResult;
  try {
    const plan = planConnector({ ...options, dir });
    result = await writeConnector(plan);
  } catch (error) {
    if (error instanceof GenerateError) return fail(io, error.problems);
    throw error;
  }
  if (interactive) p.outro(nextSteps(result, io.cwd), screen);
  else io.stdout(`${nextSteps(result, io.cwd)}\n`);
  return EXIT_OK;
}
