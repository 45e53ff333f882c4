/**
 * The conformance suite, run exactly as a connector package runs it, against the (correct) fake connector.
 * Every test registered here must pass. (packages/connector-template runs it against a real connector.)
 */
import packageJson from "../package.json" with { type: "json" };
import { runConformanceSuite, transformFixture } from "../src/index.js";
import { rawAccount, rawActivity, rawPerson } from "./fake/fixtures.js";
import { startFakeSource } from "./fake/source.js";
import { transformAccount, transformActivity, transformPerson } from "./fake/transform.js";

runConformanceSuite({
  load: () => import("./fake/index.js"),
  connectorId: "fake",
  packageJson,
  sandbox: () => startFakeSource(),
  transforms: [
    transformFixture("transformAccount", transformAccount, rawAccount),
    transformFixture("transformPerson", transformPerson, rawPerson),
    transformFixture("transformActivity", transformActivity, rawActivity),
  ],
  maxPages: 100,
});
