/**
 * The shared conformance suite from @gtm-clarity/testkit: registration, version, mappings, pure transforms, a
 * full and an incremental sync against the sandbox, health checks, AuthError on bad credentials, no leaked secret.
 */
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { SANDBOX_KINDS, delivrSandbox } from "../src/sandbox/index.js";
import { STREAM_KINDS } from "../src/streams.js";
import { transformRecord } from "../src/sync/transform.js";

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "delivr",
  packageJson: pkg,
  // The descriptor the worker's demo and benchmarks start too.
  sandbox: () => delivrSandbox.start(),
  transforms: STREAM_KINDS.flatMap((kind) => {
    const transform = (raw: unknown) => transformRecord(kind, raw);
    return [
      transformFixture(kind, transform, SANDBOX_KINDS[kind].make(0)),
      transformFixture(`malformed ${kind}`, transform, SANDBOX_KINDS[kind].malformed()),
    ];
  }),
});
