/**
 * The shared conformance suite from @gtm-clarity/testkit against the sandbox. The suite does not pass
 * `dpaAcceptedAt` (it predates DPA gating), so the registered connector's sync and healthCheck are given the
 * acceptance a worker would read from the store; the `dpa` test file proves they refuse without it.
 */
import { connectorRegistry, type Connector, type HealthCheckOptions, type SyncOptions } from "@gtm-clarity/core";
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { o365Sandbox } from "../src/sandbox/index.js";
import { transformItem } from "../src/transform/items.js";

const ACCEPTED = new Date("2026-01-01T00:00:00Z");

function withDpaAccepted(connector: Connector): void {
  const sync = connector.sync.bind(connector);
  const healthCheck = connector.healthCheck.bind(connector);
  Object.assign(connector, {
    sync: (credentials: Record<string, string>, cursor: string | null, options: SyncOptions = {}) =>
      sync(credentials, cursor, { ...options, dpaAcceptedAt: ACCEPTED }),
    healthCheck: (credentials: Record<string, string>, options: HealthCheckOptions = {}) =>
      healthCheck(credentials, { ...options, dpaAcceptedAt: ACCEPTED }),
  });
}

const context = { domains: new Set(["contoso.example"]), includeSubjects: false, observedAt: ACCEPTED };

runConformanceSuite({
  load: async () => {
    await import("../src/index.js");
    withDpaAccepted(connectorRegistry.get("o365"));
  },
  connectorId: "o365",
  packageJson: pkg,
  sandbox: () => o365Sandbox.start(),
  publicCredentialKeys: ["homeAccountId"],
  extraSecrets: [],
  transforms: [
    transformFixture("user", (raw) => transformItem("users", raw, context), {
      displayName: "Alex Wilber",
      givenName: "Alex",
      surname: "Wilber",
      id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    }),
    transformFixture("removed user", (raw) => transformItem("users", raw, context), {
      id: "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
      "@removed": { reason: "changed" },
    }),
    transformFixture("message without a time", (raw) => transformItem("inbox", raw, context), {
      "@odata.type": "#microsoft.graph.message",
      subject: "Holiday",
      isRead: false,
      id: "AAMkADNkNAAAgWkAAAA",
    }),
  ],
});
