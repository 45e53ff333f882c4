import { describe, expect, it } from "vitest";
import { buildWorkerOptions, DEFAULT_WORKFLOW_BUNDLE_PATH, WorkerConfigError } from "../../src/temporal/worker-options.js";

const KEY = "ab".repeat(32);
const base = {
  TEMPORAL_ADDRESS: "temporal.internal:7233",
  DATABASE_URL: "postgres://sync:pw@db.internal:5432/gtm",
  CONNECTOR_ENCRYPTION_KEY: KEY,
};

describe("buildWorkerOptions", () => {
  it("applies production defaults: namespace, task queue, prebuilt bundle, graceful shutdown", () => {
    const config = buildWorkerOptions({ ...base, WORKER_IDENTITY: "w1" });
    expect(config.connection).toEqual({ address: "temporal.internal:7233" });
    expect(config.namespace).toBe("default");
    expect(config.taskQueue).toBe("gtm-sync");
    expect(config.databaseUrl).toBe(base.DATABASE_URL);
    expect(config.encryptionKey).toBe(KEY);
    expect(config.worker).toEqual({
      namespace: "default",
      taskQueue: "gtm-sync",
      identity: "w1",
      workflowBundle: { codePath: DEFAULT_WORKFLOW_BUNDLE_PATH },
      shutdownGraceTime: "30s",
      maxConcurrentActivityTaskExecutions: 20,
      maxCachedWorkflows: 200,
    });
    expect(DEFAULT_WORKFLOW_BUNDLE_PATH).toMatch(/apps\/worker\/dist\/workflow-bundle\.js$/);
  });

  it("takes every knob from the environment", () => {
    const config = buildWorkerOptions({
      ...base,
      TEMPORAL_NAMESPACE: "prod",
      TASK_QUEUE: "sync-fathom",
      TEMPORAL_API_KEY: "cloud-key",
      WORKFLOW_BUNDLE_PATH: "/srv/bundle.js",
      SHUTDOWN_GRACE_TIME: "45s",
      MAX_CONCURRENT_ACTIVITIES: "8",
      MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: "12.5",
    });
    expect(config.connection).toEqual({ address: "temporal.internal:7233", tls: true, apiKey: "cloud-key" });
    expect(config.worker).toMatchObject({
      namespace: "prod",
      taskQueue: "sync-fathom",
      workflowBundle: { codePath: "/srv/bundle.js" },
      shutdownGraceTime: "45s",
      maxConcurrentActivityTaskExecutions: 8,
      maxTaskQueueActivitiesPerSecond: 12.5,
    });
    expect(config.worker.identity).toMatch(/^gtm-worker@/);
  });

  it("rejects a missing or malformed setting, naming the variable but never echoing a secret", () => {
    const attempt = () =>
      buildWorkerOptions({
        TEMPORAL_ADDRESS: "http://bad address",
        DATABASE_URL: "file:///tmp/pglite",
        CONNECTOR_ENCRYPTION_KEY: "not-hex-secret-value",
        SHUTDOWN_GRACE_TIME: "soon",
        TASK_QUEUE: "a queue",
      });
    expect(attempt).toThrow(WorkerConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ["TEMPORAL_ADDRESS", "DATABASE_URL", "CONNECTOR_ENCRYPTION_KEY", "SHUTDOWN_GRACE_TIME", "TASK_QUEUE"]) {
        expect(message).toContain(name);
      }
      expect(message).not.toContain("not-hex-secret-value");
    }
    expect(() => buildWorkerOptions({})).toThrow(/TEMPORAL_ADDRESS[\s\S]*DATABASE_URL[\s\S]*CONNECTOR_ENCRYPTION_KEY/);
  });
});

describe("resolveWorkflowCode (worker bootstrap)", () => {
  it("uses the prebuilt bundle when present, bundles from source only when allowed, else explains how to build", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { resolveWorkflowCode } = await import("../../src/temporal/worker.js");
    const dir = mkdtempSync(join(tmpdir(), "gtm-bundle-"));
    try {
      const codePath = join(dir, "workflow-bundle.js");
      const config = buildWorkerOptions({ ...base, WORKFLOW_BUNDLE_PATH: codePath });
      expect(() => resolveWorkflowCode(config, false)).toThrow(/Workflow bundle not found[\s\S]*build:workflows/);
      expect(resolveWorkflowCode(config, true)).toEqual({ workflowsPath: expect.stringMatching(/src\/temporal\/workflows\.ts$/) as unknown });
      writeFileSync(codePath, "// bundle");
      expect(resolveWorkflowCode(config, false)).toEqual({ workflowBundle: { codePath } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
