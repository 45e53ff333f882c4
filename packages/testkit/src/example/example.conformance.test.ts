/**
 * The conformance suite, run exactly as a connector package runs it, against the (correct) example connector.
 * Every test registered here must pass.
 */
import packageJson from "../../package.json" with { type: "json" };
import { runConformanceSuite, transformFixture } from "../index.js";
import { rawAccount, rawActivity, rawPerson } from "./fixtures.js";
import { startExampleSandbox } from "./sandbox.js";
import { transformAccount, transformActivity, transformPerson } from "./transform.js";

runConformanceSuite({
  load: () => import("./index.js"),
  connectorId: "example",
  packageJson,
  sandbox: () => startExampleSandbox(),
  transforms: [
    transformFixture("transformAccount", transformAccount, rawAccount),
    transformFixture("transformPerson", transformPerson, rawPerson),
    transformFixture("transformActivity", transformActivity, rawActivity),
  ],
  maxPages: 100,
});
