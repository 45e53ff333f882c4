import { connectorRegistry } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import * as testkit from "./index.js";

describe("@gtm-clarity/testkit entry point", () => {
  it("does not register the example connector as a side effect", () => {
    expect(connectorRegistry.has("example")).toBe(false);
  });

  it("exports the suite, every check and the sandbox kit's functions", () => {
    for (const name of [
      "runConformanceSuite",
      "transformFixture",
      "checkConnectorShape",
      "checkRegistration",
      "checkVersion",
      "checkFieldMappings",
      "checkTransformIsPure",
      "checkSyncPagesToCompletion",
      "checkIncrementalSyncIsEmpty",
      "checkHealthCheckAcceptsGoodCredentials",
      "checkHealthCheckRejectsBadCredentials",
      "checkSyncRejectsBadCredentials",
      "checkNoSecretsLeak",
      "startSandboxServer",
      "listenOnLoopback",
      "readRequestBody",
      "json",
      "requireHeaders",
      "rateLimitGuard",
      "sendWebhook",
      "withNetworkDisabled",
      "startOutputCapture",
    ] as const) {
      expect(typeof testkit[name], name).toBe("function");
    }
  });

  it("exports the same kit as the ./sandbox entry", async () => {
    const sandbox = await import("./sandbox/index.js");
    for (const [name, value] of Object.entries(sandbox)) expect(testkit[name as keyof typeof testkit], name).toBe(value);
  });
});
