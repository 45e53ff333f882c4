import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { fathomSandbox } from "../src/sandbox/index.js";
import { transformRawMeeting } from "../src/sync/transform.js";
import { internalMeeting, fullListMeeting, fullWebhookMeeting } from "./fixtures.js";

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "fathom",
  packageJson: pkg,
  sandbox: async () => {
    // The descriptor the worker's demo starts too; its webhook secret is among the secrets the suite looks for.
    const sandbox = await fathomSandbox.start({ size: 45, seed: 7 });
    const content = { includeTranscript: true, includeSummary: true, includeActionItems: true };
    return { ...sandbox, settings: (binding) => ({ ...sandbox.settings(binding), ...content }) };
  },
  transforms: [
    transformFixture("published webhook meeting (all content)", transformRawMeeting, fullWebhookMeeting()),
    transformFixture("published list meeting (metadata only)", transformRawMeeting, fullListMeeting()),
    transformFixture("internal-only meeting", transformRawMeeting, internalMeeting()),
    transformFixture("malformed meeting (quarantined)", transformRawMeeting, { title: 42 }),
  ],
});
