import { describe, expect, it } from "vitest";
import {
  codeBlockCommands,
  contributingCommands,
  fillPlaceholders,
  normalizeCommand,
  readmeCommands,
  section,
  tableCommands,
} from "../src/doc-commands.js";

describe("finding the commands a page shows", () => {
  it("refuses a page without the section, an unclosed code block, or a section with no command", () => {
    expect(() => section("# Title\n\n## Other\n", "Everyday commands")).toThrow(/no "## Everyday commands" section/);
    expect(() => codeBlockCommands("```sh\npnpm demo\n")).toThrow(/not closed/);
    const noTable = "## Two commands on a fresh machine\n```sh\nnpx x\n```\n## Everyday commands\nnothing here\n";
    expect(() => readmeCommands(noTable)).toThrow(/no command in the "Everyday commands" table/);
  });

  it("refuses to leave a placeholder unfilled", () => {
    expect(() => fillPlaceholders("pnpm --filter <package> test", {})).toThrow(/no value for <package>/);
    expect(fillPlaceholders("pnpm --filter <package> test", { "<package>": "@x/y" })).toBe("pnpm --filter @x/y test");
  });

  it("drops a trailing comment and extra spaces, nothing else", () => {
    expect(normalizeCommand("pnpm --filter a test         # its tests, publint")).toBe("pnpm --filter a test");
    expect(normalizeCommand("  pnpm   bench:sync -- --skip-scale ")).toBe("pnpm bench:sync -- --skip-scale");
    expect(normalizeCommand("echo a#b")).toBe("echo a#b");
    expect(normalizeCommand("# only a comment")).toBe("");
  });

  it("reads code blocks of one section only, and every pnpm/npx span of a table", () => {
    const page = [
      "## Two commands on a fresh machine",
      "text `pnpm not-this` text",
      "```sh",
      "npx -y pnpm@1.2.3 install && npx -y pnpm@1.2.3 demo",
      "```",
      "## Everyday commands",
      "| command | what it does |",
      "| --- | --- |",
      "| `pnpm demo` | the demo |",
      "| `pnpm bench` | every benchmark; or `pnpm --filter x bench` for one; `sync` is no command |",
      "## Layout",
      "```",
      "pnpm not-this-either",
      "```",
    ].join("\n");
    expect(readmeCommands(page).map((c) => c.command)).toEqual([
      "npx -y pnpm@1.2.3 install && npx -y pnpm@1.2.3 demo",
      "pnpm demo",
      "pnpm bench",
      "pnpm --filter x bench",
    ]);
    expect(tableCommands("| `npx a` | `b` |")).toEqual(["npx a"]);
  });

  it("reads CONTRIBUTING's Set up and Working on one connector blocks", () => {
    const page = [
      "## Set up",
      "```sh",
      "npx -y pnpm@1.2.3 install --frozen-lockfile",
      "```",
      "## Working on one connector",
      "```sh",
      "pnpm --filter a test    # its tests",
      "```",
      "## Releasing",
      "```sh",
      "pnpm release",
      "```",
    ].join("\n");
    expect(contributingCommands(page)).toEqual([
      { command: "npx -y pnpm@1.2.3 install --frozen-lockfile", where: "CONTRIBUTING.md › Set up" },
      { command: "pnpm --filter a test", where: "CONTRIBUTING.md › Working on one connector" },
    ]);
  });
});
