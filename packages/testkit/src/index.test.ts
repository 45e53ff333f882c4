import { connectorRegistry } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import * as testkit from "./index.js";

describe("@gtm-clarity/testkit entry point", () => {
  it("does not register the example connector as a side effect", () => {
    expect(connectorRegistry.has("example")).toBe(false);
  });

  it("exports the suite, every check and the loopback helpers as functions", () => {
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
      "startLoopbackServer",
      "readBody",
      "sendJson",
      "withNetworkDisabled",
      "startOutputCapture",
    ] as const) {
      expect(typeof testkit[name], name).toBe("function");
    }
  });
});
