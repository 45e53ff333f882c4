/**
 * The data-processing-agreement gate: a connector that declares `requiresDpa` must refuse `authenticate`, `sync`
 * and `healthCheck` for a tenant without an acceptance, before any request reaches the vendor. The callers check
 * the store too; this proves the connector's own line holds whichever app calls it.
 */
import { isDpaRequiredError, type Connector, type Credentials } from "@gtm-clarity/core";
import { describeError, fail } from "./errors.js";

export interface DpaGateCheckOptions {
  credentials: Credentials;
  settings?: Record<string, unknown>;
  /** Requests the sandbox has received so far (a kit `RunningSandbox`'s `stats().requests`), when it counts them. */
  requests?: () => number;
}

const CHECK = "dpa-gate";
const BINDING = { tenantId: "conformance-tenant-without-dpa", connectionId: "conformance-connection" } as const;

export async function checkDpaGate(connector: Connector, options: DpaGateCheckOptions): Promise<void> {
  const settings = options.settings === undefined ? {} : { settings: options.settings };
  if (connector.requiresDpa !== true) {
    // Callers pass an acceptance only to connectors that declare the need: a connector that gates without declaring
    // it could never run.
    try {
      await connector.sync(options.credentials, null, settings);
    } catch (error) {
      if (isDpaRequiredError(error)) fail(CHECK, "sync refused for want of a DPA, but the connector does not declare requiresDpa");
    }
    return;
  }
  const before = options.requests?.();
  const refuses = async (call: string, run: () => Promise<unknown>) => {
    let outcome: unknown;
    try {
      outcome = await run();
    } catch (error) {
      if (isDpaRequiredError(error)) return;
      fail(CHECK, `${call} without the tenant's DPA threw ${describeError(error)}, not a DpaRequiredError`);
    }
    // A health check may answer "unhealthy" instead of throwing; anything else went ahead without the agreement.
    const unhealthy = call === "healthCheck" && typeof outcome === "object" && outcome !== null && "healthy" in outcome && outcome.healthy === false;
    if (!unhealthy) fail(CHECK, `${call} without the tenant's DPA went ahead instead of refusing with a DpaRequiredError`);
  };
  await refuses("authenticate", () => connector.authenticate({ ...BINDING, settings: options.settings ?? {}, secrets: options.credentials }));
  await refuses("sync", () => connector.sync(options.credentials, null, { ...settings, dpaAcceptedAt: null }));
  await refuses("healthCheck", () => connector.healthCheck(options.credentials, settings));
  const after = options.requests?.();
  if (before !== undefined && after !== undefined && after !== before) {
    fail(CHECK, `the sandbox received ${after - before} request(s) for a tenant without the DPA; it must receive none`);
  }
}
