/**
 * A command's options, defined once: the same table gives node:util `parseArgs` its configuration and the command's
 * `--help` its usage line and option list, so help cannot drift from what the parser accepts.
 */
import type { ParseArgsConfig } from "node:util";

export interface OptionDef {
  /** The long name: `--name`. */
  name: string;
  short?: string;
  type: "string" | "boolean";
  multiple?: boolean;
  /** How the value reads in help: `<id>`, `N`, `name=value`. */
  value?: string;
  /** Shown as required in usage and help (the command checks it, with a message naming the flag). */
  required?: boolean;
  description: string;
  /** Help section; default "Options". */
  group?: string;
}

export const HELP_OPTION: OptionDef = { name: "help", short: "h", type: "boolean", description: "show this help" };

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

export function parseArgsOptions(defs: readonly OptionDef[]): ParseOptions {
  const options: ParseOptions = {};
  for (const def of defs) {
    options[def.name] = {
      type: def.type,
      ...(def.short === undefined ? {} : { short: def.short }),
      ...(def.multiple === true ? { multiple: true } : {}),
    };
  }
  return options;
}

function flag(def: OptionDef): string {
  return def.type === "string" ? `--${def.name} ${def.value ?? "<value>"}` : `--${def.name}`;
}

/** `worker sync --tenant <id> [--connection <id>]... [--full]` */
export function usageLine(command: string, defs: readonly OptionDef[]): string {
  const parts = defs
    .filter((def) => def.name !== HELP_OPTION.name)
    .map((def) => {
      const text = def.required === true ? flag(def) : `[${flag(def)}]`;
      return def.multiple === true ? `${text}...` : text;
    });
  return ["worker", command, ...parts].join(" ");
}

/** The option list, one section per group, in table order. */
export function optionsHelp(defs: readonly OptionDef[]): string {
  const rows = defs.map((def) => ({
    group: def.group ?? "Options",
    left: `${def.short === undefined ? "    " : `-${def.short}, `}${flag(def)}`,
    right: [def.description, def.multiple === true ? "(repeatable)" : "", def.required === true ? "(required)" : ""]
      .filter((part) => part !== "")
      .join(" "),
  }));
  const width = Math.min(34, Math.max(...rows.map((row) => row.left.length)));
  const line = (row: (typeof rows)[number]) =>
    row.left.length > width ? `  ${row.left}\n  ${" ".repeat(width)}  ${row.right}` : `  ${row.left.padEnd(width)}  ${row.right}`;
  return [...new Set(rows.map((row) => row.group))]
    .map((group) => [`${group}:`, ...rows.filter((row) => row.group === group).map(line)].join("\n"))
    .join("\n\n");
}
