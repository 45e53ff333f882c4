import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HELP_TEXT } from "../src/args.js";
import { EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, runCli } from "../src/run.js";
import { currentRange, fakeWorkspace, listing, memoryIo, tempDir } from "./support.js";


describe("create-connector (in process)", () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;

  beforeEach(() => {
    dir = tempDir();
    root = fakeWorkspace(dir.path);
  });

  afterEach(() => {
    dir.remove();
  });

  it("prints the usage for --help", async () => {
    const io = memoryIo(root);
    expect(await runCli(["--help"], io)).toBe(EXIT_OK);
    expect(io.out).toBe(HELP_TEXT);
  });

  it.each([
    [["Acme", "--yes"], "kebab-case"],
    [["core", "--yes"], "reserved"],
    [["fathom", "--yes"], "already a package"],
    [["legacy", "--yes"], "already a package"],
    [["connector-acme", "--yes"], "connector-"],
    [["--yes"], "name is required"],
    [["acme", "--auth", "basic"], "Unknown --auth"],
    [["acme", "--kinds", "person,deal"], '"deal"'],
    [["acme", "--display-name", 'Say "hi"'], "quotes"],
    [["acme", "--frobnicate"], "--help"],
  ])("refuses %j with a clear message, exit code 1 and nothing written", async (argv, message) => {
    const before = listing(root);
    const io = memoryIo(root);
    expect(await runCli(argv, io)).toBe(EXIT_USAGE);
    expect(io.err).toContain(message);
    expect(io.err).toContain("Nothing was written.");
    expect(listing(root)).toEqual(before);
  });

  it("generates into packages/ with a changeset when run inside a workspace, without asking", async () => {
    const io = memoryIo(join(root, "apps"));
    const code = await runCli(["acme", "--auth", "oauth", "--kinds", "activity", "--webhooks", "--dir", ".."], io);
    expect(io.err).toBe("");
    expect(code).toBe(EXIT_OK);
    const pkg = JSON.parse(readFileSync(join(root, "packages/connector-acme/package.json"), "utf8"));
    expect(pkg.dependencies["@gtm-clarity/core"]).toBe("workspace:^");
    expect(existsSync(join(root, "packages/connector-acme/src/auth/oauth.ts"))).toBe(true);
    expect(existsSync(join(root, "packages/connector-acme/src/webhook.ts"))).toBe(true);
    expect(readFileSync(join(root, ".changeset/connector-acme-initial.md"), "utf8")).toContain(
      '"@gtm-clarity/connector-acme": minor',
    );
    expect(io.out).toContain("Created @gtm-clarity/connector-acme in packages/connector-acme");
    expect(io.out).toContain("pnpm install");
    // A second run with the same name is refused.
    expect(await runCli(["acme", "--yes", "--dir", root], memoryIo(root))).toBe(EXIT_USAGE);
  });

  it("generates a standalone package outside a workspace", async () => {
    const outside = tempDir();
    try {
      const io = memoryIo(outside.path);
      expect(await runCli(["acme", "--yes"], io)).toBe(EXIT_OK);
      const pkg = JSON.parse(readFileSync(join(outside.path, "connector-acme/package.json"), "utf8"));
      expect(pkg.dependencies["@gtm-clarity/core"]).toBe(currentRange("core"));
      expect(listing(outside.path).filter((path) => path.includes(".changeset"))).toEqual([]);
      expect(io.out).toContain("Created a standalone @gtm-clarity/connector-acme in connector-acme");
    } finally {
      outside.remove();
    }
  });

  describe("interactively", () => {
    function terminal() {
      const input = new PassThrough();
      const output = new PassThrough();
      let screen = "";
      output.on("data", (chunk: Buffer) => {
        screen += chunk.toString("utf8");
      });
      const type = async (...keys: string[]) => {
        for (const key of keys) {
          // Each prompt reads keys once it is rendered: give it a moment, as a person would.
          await new Promise((resolve) => setTimeout(resolve, 25));
          input.write(key);
        }
      };
      return { prompt: { input, output }, type, screen: () => screen };
    }

    it("asks for what no flag answered, and fixes a taken name in place", async () => {
      const term = terminal();
      const io = { ...memoryIo(root, true), prompt: term.prompt };
      const run = runCli(["--kinds", "person,account"], io);
      const ENTER = "\r";
      const DOWN = "\u001b[B";
      const BACKSPACE = "\u007f";
      await term.type("fathom", ENTER, ...Array<string>(6).fill(BACKSPACE), "acme-crm", ENTER);
      await term.type("Acme CRM", ENTER); // display name
      await term.type(DOWN, ENTER); // auth: oauth
      await term.type("y", ENTER); // webhooks
      expect(await run).toBe(EXIT_OK);
      expect(term.screen()).toContain("already a package");
      const pkg = JSON.parse(readFileSync(join(root, "packages/connector-acme-crm/package.json"), "utf8"));
      expect(pkg.description).toBe("Acme CRM connector for GTM Clarity: people and accounts, with webhooks");
      expect(existsSync(join(root, "packages/connector-acme-crm/src/auth/oauth.ts"))).toBe(true);
    });

    it("writes nothing when cancelled with Ctrl-C", async () => {
      const before = listing(root);
      const term = terminal();
      const io = { ...memoryIo(root, true), prompt: term.prompt };
      const run = runCli([], io);
      await term.type("acme", "\r", "\u0003");
      expect(await run).toBe(EXIT_CANCELLED);
      expect(term.screen()).toContain("Nothing was written");
      expect(listing(root)).toEqual(before);
    });

    it("asks nothing with --yes", async () => {
      const term = terminal();
      const io = { ...memoryIo(root, true), prompt: term.prompt };
      expect(await runCli(["acme", "--yes"], io)).toBe(EXIT_OK);
      expect(term.screen()).toBe("");
    });
  });
});

describe("create-connector (as a process)", () => {
  const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
  // tsx's loader by absolute URL: the child runs in a temporary folder, where "tsx" does not resolve.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const run = (args: string[], cwd: string) =>
    spawnSync(process.execPath, ["--import", tsx, cli, ...args], { cwd, encoding: "utf8", input: "" });

  it("prints the usage and exits 0 for --help", () => {
    const result = run(["--help"], process.cwd());
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: create-connector [name] [options]");
  });

  it("does not prompt when stdin is not a terminal: no name is an error (exit 1)", () => {
    const dir = tempDir();
    try {
      const result = run([], dir.path);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("A connector name is required when not running interactively");
      expect(listing(dir.path)).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});
