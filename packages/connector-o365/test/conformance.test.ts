/**
 * The shared conformance suite from @gtm-clarity/testkit against the sandbox. The connector declares `requiresDpa`,
 * so the suite runs it for a tenant that accepted and checks that, without an acceptance, it refuses before any
 * request (the `dpa` test file covers the OAuth paths too).
 */
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { o365Sandbox } from "../src/sandbox/index.js";
import { transformItem } from "../src/transform/items.js";

const ACCEPTED = new Date("2026-01-01T00:00:00Z");

const context = { domains: new Set(["contoso.example"]), includeSubjects: false, observedAt: ACCEPTED };

runConformanceSuite({
  load: () => import("../src/index.js"),
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
