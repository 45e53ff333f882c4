/**
 * The shared conformance suite from @gtm-clarity/testkit: registration, version, mappings, pure transforms, a
 * full and an incremental sync against the sandbox, health checks, AuthError on bad credentials, no leaked secret.
 */
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { SOBJECT_NAMES } from "../src/objects/index.js";
import { makeRecord, malformedRecord, salesforceSandbox } from "../src/sandbox/index.js";
import { processPage } from "../src/quality/pipeline.js";

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "salesforce",
  packageJson: pkg,
  // The descriptor the worker's demo and benchmarks start too.
  sandbox: () => salesforceSandbox.start(),
  // Not secrets: where the org lives and who authorised it.
  publicCredentialKeys: ["issuedAt", "organizationId", "userId", "identityUrl"],
  transforms: SOBJECT_NAMES.flatMap((object) => {
    // The whole pipeline a page goes through: normalisation, transform, canonical validation, quarantine.
    const transform = (raw: unknown) => processPage(object, [raw]);
    return [
      transformFixture(object, transform, makeRecord(object, 1)),
      transformFixture(`malformed ${object}`, transform, malformedRecord(object, 1)),
    ];
  }),
});
