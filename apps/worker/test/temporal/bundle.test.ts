/** The build gate: the real workflow code bundles for the sandbox, and forbidden imports are refused. */
import { fileURLToPath } from "node:url";
import { bundleWorkflowCode, DefaultLogger, type LogEntry } from "@temporalio/worker";
import { describe, expect, it } from "vitest";
import { quietLogger, workflowsPath } from "./bundle.js";

describe("workflow bundle", () => {
  it("bundles src/temporal/workflows.ts with no disallowed module", async () => {
    const bundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    expect(bundle.code.length).toBeGreaterThan(100_000);
    expect(bundle.code).toContain("syncConnection");
    // Activity implementations (store, connectors, crypto) must never ride along into the sandbox.
    expect(bundle.code).not.toMatch(/@gtm-clarity\/(store|connector-|core)/);
  });

  it("refuses a workflow that imports a Node built-in", async () => {
    const forbidden = fileURLToPath(new URL("./fixtures/forbidden-workflow.ts", import.meta.url));
    const logged: LogEntry[] = [];
    const logger = new DefaultLogger("WARN", (entry) => void logged.push(entry));
    await expect(bundleWorkflowCode({ workflowsPath: forbidden, logger })).rejects.toThrow(/Webpack finished with errors/);
    // `node:fs` fails as an unhandled scheme, bare `fs` as a disallowed module: either way the reason is logged.
    expect(logged.map((e) => e.message).join("\n")).toMatch(/node:fs|disallowed modules/);
  });
});
