/**
 * The shared conformance suite from @gtm-clarity/testkit: registration, version, mappings, pure transforms, a
 * full and an incremental sync against the sandbox, health checks, AuthError on bad credentials, no leaked secret.
 */
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import {
  malformedPerson,
  malformedAccount,
  malformedActivity,
  sandboxPerson,
  sandboxAccount,
  sandboxActivity,
  startTemplateSandbox,
} from "../src/sandbox/index.js";
import { transformPerson, transformAccount, transformActivity } from "../src/sync/transform.js";

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "template",
  packageJson: pkg,
  sandbox: async () => {
    const sandbox = await startTemplateSandbox();
    return {
      credentials: sandbox.credentials,
      badCredentials: sandbox.badCredentials,
      expectedRecords: sandbox.recordCount(),
      close: () => sandbox.close(),
    };
  },
  transforms: [
    transformFixture("person", transformPerson, sandboxPerson(0)),
    transformFixture("malformed person", transformPerson, malformedPerson()),
    transformFixture("account", transformAccount, sandboxAccount(0)),
    transformFixture("malformed account", transformAccount, malformedAccount()),
    transformFixture("activity", transformActivity, sandboxActivity(0)),
    transformFixture("malformed activity", transformActivity, malformedActivity()),
  ],
});
