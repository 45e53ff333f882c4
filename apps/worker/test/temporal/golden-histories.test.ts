/**
 * Every committed history under test/histories/ is replayed against the current workflow code on every run.
 * A failure here means a workflow change would break running (or replayed) executions: version it with
 * `patched()` instead of editing the history. Files are the `temporal workflow show --output json` format; an
 * optional top-level `workflowId` names the execution (else the file name is used).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { beforeAll, describe, expect, it } from "vitest";
import { installQuietRuntime, quietLogger, workflowsPath } from "./bundle.js";

installQuietRuntime();

const dir = fileURLToPath(new URL("../histories/", import.meta.url));
const files = readdirSync(dir).filter((name) => name.endsWith(".json")).sort();

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
});

describe("golden histories", () => {
  it("are committed (at least the six seeded scenarios)", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it("all replay against the current workflow code", async () => {
    const histories = files.map((name) => {
      const json = JSON.parse(readFileSync(`${dir}${name}`, "utf8")) as { workflowId?: string; events: unknown[] };
      return { workflowId: json.workflowId ?? name.replace(/\.json$/, ""), history: { events: json.events } };
    });
    const results: { workflowId: string; error?: unknown }[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      results.push({ workflowId: result.workflowId, ...(result.error ? { error: result.error } : {}) });
    }
    expect(results.map((r) => r.workflowId)).toEqual(histories.map((h) => h.workflowId));
    expect(results.filter((r) => r.error)).toEqual([]);
  });
});
