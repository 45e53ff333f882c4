import { domainOfEmail, normalizeEmail } from "@gtm-clarity/core";
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { createWebhookSecret, startFathomSandbox, type FathomSandbox } from "../src/sandbox/index.js";
import { transformRawMeeting } from "../src/sync/transform.js";
import { internalMeeting, fullListMeeting, fullWebhookMeeting } from "./fixtures.js";

/** Counted from the sandbox's data directly, not through the transform under test. */
function distinctRecords(sandbox: FathomSandbox): number {
  const keys = new Set<string>();
  for (const meeting of sandbox.meetings()) {
    keys.add(`activity:${meeting.recording_id}`);
    keys.add(`person:${normalizeEmail(meeting.recorded_by.email)}`);
    for (const invitee of meeting.calendar_invitees) {
      if (!invitee.email) continue;
      keys.add(`person:${normalizeEmail(invitee.email)}`);
      const domain = invitee.is_external ? domainOfEmail(invitee.email) : undefined;
      if (domain) keys.add(`account:${domain}`);
    }
  }
  return keys.size;
}

/** Never handed to sync; listed so the suite proves it cannot leak either. */
const webhookSecret = createWebhookSecret();

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "fathom",
  packageJson: pkg,
  sandbox: async () => {
    const sandbox = await startFathomSandbox({ meetings: 45, seed: 7, webhookSecret });
    const options = { includeTranscript: "true", includeSummary: "true", includeActionItems: "true" };
    return {
      credentials: { apiKey: sandbox.apiKey, baseUrl: sandbox.url, ...options },
      badCredentials: { apiKey: `${sandbox.apiKey}-revoked`, baseUrl: sandbox.url, ...options },
      expectedRecords: distinctRecords(sandbox),
      close: () => sandbox.close(),
    };
  },
  transforms: [
    transformFixture("published webhook meeting (all content)", transformRawMeeting, fullWebhookMeeting()),
    transformFixture("published list meeting (metadata only)", transformRawMeeting, fullListMeeting()),
    transformFixture("internal-only meeting", transformRawMeeting, internalMeeting()),
    transformFixture("malformed meeting (quarantined)", transformRawMeeting, { title: 42 }),
  ],
  extraSecrets: [webhookSecret],
});
