import { describe, expect, it } from "vitest";
import { HELP_TEXT, parseCliArgs } from "../src/args.js";

function args(argv: string[]) {
  const result = parseCliArgs(argv);
  if (!result.ok) throw new Error(result.problem);
  return result.args;
}

function problem(argv: string[]): string {
  const result = parseCliArgs(argv);
  if (result.ok) throw new Error(`expected ${JSON.stringify(argv)} to be rejected`);
  return result.problem;
}

describe("parseCliArgs", () => {
  it("has a flag for every prompt", () => {
    expect(
      args([
        "--name",
        "acme",
        "--display-name",
        "Acme CRM",
        "--auth",
        "oauth",
        "--kinds",
        "person,activity",
        "--webhooks",
        "--yes",
        "--dir",
        "/tmp/x",
      ]),
    ).toEqual({
      name: "acme",
      displayName: "Acme CRM",
      auth: "oauth",
      kinds: "person,activity",
      webhooks: true,
      yes: true,
      dir: "/tmp/x",
      help: false,
      version: false,
    });
  });

  it("takes the name as the first argument too", () => {
    expect(args(["acme", "-y"])).toMatchObject({ name: "acme", yes: true });
    expect(args(["--name", "acme", "acme"])).toMatchObject({ name: "acme" });
  });

  it("leaves unanswered options out, so they are prompted for or defaulted", () => {
    expect(args([])).toEqual({ yes: false, help: false, version: false });
    expect(args(["--no-webhooks"])).toMatchObject({ webhooks: false });
  });

  it("accepts --help, -h, --version and -v", () => {
    expect(args(["--help"]).help).toBe(true);
    expect(args(["-h"]).help).toBe(true);
    expect(args(["-v"]).version).toBe(true);
  });

  it("rejects unknown flags, two names and contradictions with a pointer to --help", () => {
    expect(problem(["--frobnicate"])).toContain("--help");
    expect(problem(["acme", "other"])).toContain("at most one name");
    expect(problem(["acme", "--name", "other"])).toContain("Two different names");
    expect(problem(["--webhooks", "--no-webhooks"])).toContain("contradict");
    expect(problem(["--auth"])).toContain("--auth");
  });

  it("documents every flag in the help text", () => {
    for (const flag of ["--name", "--display-name", "--auth", "--kinds", "--webhooks", "--yes", "--dir", "--help"]) {
      expect(HELP_TEXT).toContain(flag);
    }
  });
});
