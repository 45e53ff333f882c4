/**
 * Command-line flags. Every prompt has a flag, so the same run can be scripted; anything a flag leaves out is
 * asked on a TTY or defaulted (`--yes`, or no TTY).
 */
import { parseArgs } from "node:util";
import { AUTH_MODES, RECORD_KINDS } from "./options.js";

export interface CliArgs {
  name?: string;
  displayName?: string;
  auth?: string;
  kinds?: string;
  webhooks?: boolean;
  yes: boolean;
  dir?: string;
  help: boolean;
  version: boolean;
}

export type ArgsParse = { ok: true; args: CliArgs } | { ok: false; problem: string };

export const HELP_TEXT = `Usage: create-connector [name] [options]

Scaffolds a GTM Clarity connector package that passes its tests as generated.
Inside the connectors monorepo it creates packages/connector-<name> (core as workspace:^) and a changeset;
anywhere else it creates a standalone ./connector-<name> that depends on the published @gtm-clarity/core.

Options:
  --name <name>            connector name, kebab-case (also accepted as the first argument)
  --display-name <text>    human-readable name (default: from the name, "acme-crm" -> "Acme Crm")
  --auth <mode>            ${AUTH_MODES.join(" | ")} (default: api-key)
  --kinds <list>           comma-separated record kinds: ${RECORD_KINDS.join(",")} (default: all three)
  --webhooks               add a verified webhook handler (Standard Webhooks signatures)
  --no-webhooks            no webhook handler (the default)
  -y, --yes                ask nothing: use the defaults for every option not given
  --dir <path>             where to create it (default: the current directory); inside a pnpm workspace
                           the connector always goes to <workspace>/packages/connector-<name>
  -h, --help               show this help
  -v, --version            show the version

Runs interactively on a TTY; with --yes or without a TTY it asks nothing and needs a name.

Examples:
  pnpm create-connector acme                       (inside the monorepo)
  pnpm create connector acme-crm --auth oauth --kinds person,account --webhooks --yes
`;

export function parseCliArgs(argv: readonly string[]): ArgsParse {
  let parsed;
  try {
    parsed = parseArgs({
      // `pnpm create-connector -- acme --yes` hands the "--" through; a connector name never starts with "-", so
      // the "--" means nothing here and is dropped.
      args: argv.filter((arg) => arg !== "--"),
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: "string" },
        "display-name": { type: "string" },
        auth: { type: "string" },
        kinds: { type: "string" },
        webhooks: { type: "boolean" },
        "no-webhooks": { type: "boolean" },
        yes: { type: "boolean", short: "y" },
        dir: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `${message}\nRun create-connector --help for the options.` };
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    return { ok: false, problem: `Expected at most one name, got ${positionals.map((p) => `"${p}"`).join(", ")}.` };
  }
  const positional = positionals[0];
  if (positional !== undefined && values.name !== undefined && positional !== values.name) {
    return { ok: false, problem: `Two different names given: "${positional}" and --name "${values.name}".` };
  }
  if (values.webhooks && values["no-webhooks"]) {
    return { ok: false, problem: "--webhooks and --no-webhooks contradict each other." };
  }
  const args: CliArgs = { yes: values.yes ?? false, help: values.help ?? false, version: values.version ?? false };
  const name = values.name ?? positional;
  if (name !== undefined) args.name = name;
  if (values["display-name"] !== undefined) args.displayName = values["display-name"];
  if (values.auth !== undefined) args.auth = values.auth;
  if (values.kinds !== undefined) args.kinds = values.kinds;
  if (values.webhooks) args.webhooks = true;
  if (values["no-webhooks"]) args.webhooks = false;
  if (values.dir !== undefined) args.dir = values.dir;
  return { ok: true, args };
}
