/**
 * The commands a Markdown page shows a reader: the lines of the fenced code blocks in chosen sections, and the
 * `pnpm ...` / `npx ...` spans of a table's cells. Each is kept as written, minus a trailing `# comment` and extra
 * spaces, which change nothing when a shell runs it.
 */

export interface DocCommand {
  /** The command as the page writes it (comment and runs of spaces removed). */
  command: string;
  /** "README.md › Everyday commands". */
  where: string;
}

/** The body of `## heading` up to the next `## ` heading; throws if the page has no such section. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start === -1) throw new Error(`no "## ${heading}" section`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith("## "));
  return (end === -1 ? rest : rest.slice(0, end)).join("\n");
}

/** `pnpm x   # what it does` -> `pnpm x`. A `#` counts as a comment only after whitespace, as in a shell. */
export function normalizeCommand(line: string): string {
  return line
    .replace(/(^|\s)#.*$/, "")
    .trim()
    .replace(/\s+/g, " ");
}

/** Every non-empty, non-comment line inside the section's fenced code blocks. */
export function codeBlockCommands(body: string): string[] {
  const commands: string[] = [];
  let inside = false;
  for (const line of body.split("\n")) {
    if (line.trimStart().startsWith("```")) {
      inside = !inside;
      continue;
    }
    if (!inside) continue;
    const command = normalizeCommand(line);
    if (command !== "") commands.push(command);
  }
  if (inside) throw new Error("a fenced code block is not closed");
  return commands;
}

const COMMAND_SPAN = /`((?:pnpm|npx) [^`]+)`/g;

/** The `pnpm ...` / `npx ...` code spans of a Markdown table's rows, in order (header row included). */
export function tableCommands(body: string): string[] {
  const commands: string[] = [];
  for (const line of body.split("\n")) {
    if (!line.trimStart().startsWith("|")) continue;
    for (const match of line.matchAll(COMMAND_SPAN)) {
      const command = match[1];
      if (command !== undefined) commands.push(normalizeCommand(command));
    }
  }
  return commands;
}

export function readmeCommands(readme: string): DocCommand[] {
  const fresh = codeBlockCommands(section(readme, "Two commands on a fresh machine"));
  const everyday = tableCommands(section(readme, "Everyday commands"));
  if (fresh.length === 0) throw new Error('README.md: no command in "Two commands on a fresh machine"');
  if (everyday.length === 0) throw new Error('README.md: no command in the "Everyday commands" table');
  return [
    ...fresh.map((command) => ({ command, where: "README.md › Two commands on a fresh machine" })),
    ...everyday.map((command) => ({ command, where: "README.md › Everyday commands" })),
  ];
}

/** CONTRIBUTING.md's command sections (the code blocks of "Set up" and "Working on one connector"). */
export function contributingCommands(contributing: string): DocCommand[] {
  return ["Set up", "Working on one connector"].flatMap((heading) =>
    codeBlockCommands(section(contributing, heading)).map((command) => ({
      command,
      where: `CONTRIBUTING.md › ${heading}`,
    })),
  );
}

/** `pnpm --filter <package> test` with {"<package>": "x"} -> `pnpm --filter x test`; every placeholder must be filled. */
export function fillPlaceholders(command: string, values: Readonly<Record<string, string>>): string {
  const filled = command.replace(/<[a-z-]+>/g, (placeholder) => {
    const value = values[placeholder];
    if (value === undefined) throw new Error(`no value for ${placeholder} in \`${command}\``);
    return value;
  });
  return filled;
}
