import { fileURLToPath } from "node:url";
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from "@temporalio/worker";

export const workflowsPath = fileURLToPath(new URL("../../src/temporal/workflows.ts", import.meta.url));
export const probePath = fileURLToPath(new URL("./probe-interceptor.ts", import.meta.url));

/** webpack and the replay worker log at INFO; tests only want to hear about problems. */
export const quietLogger = new DefaultLogger("WARN");

export function bundleWithProbe(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [probePath], logger: quietLogger });
}

/**
 * Quiets the SDK for a test file: lang logs through `quietLogger`, core (Rust) logs forwarded at ERROR only, so
 * the determinism-violation tests do not spray expected WARN lines. Call once per file, before any worker exists.
 */
export function installQuietRuntime(): void {
  Runtime.install({ logger: quietLogger, telemetryOptions: { logging: { filter: { core: "ERROR", other: "ERROR" }, forward: {} } } });
}
