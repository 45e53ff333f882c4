/**
 * The shared conformance suite from @gtm-clarity/testkit: registration, version, mappings, pure transforms, a full and
 * an incremental sync against the sandbox (Bearer auth, 10 per second, paging), health checks, AuthError on bad
 * credentials, no leaked secret (the webhook signing secret included).
 */
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { customerioSandbox } from "../src/sandbox/index.js";
import { transformActivity } from "../src/transform/activity.js";
import { transformCustomer } from "../src/transform/person.js";
import { transformWebhookEvent } from "../src/transform/webhook-event.js";
import { customerWithAttributes, emailClicked, emailClickedActivity, publishedCustomerEvent, purchaseEventActivity } from "./examples.js";

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "customerio",
  packageJson: pkg,
  sandbox: () => customerioSandbox.start({ seed: 7, size: 30 }),
  transforms: [
    transformFixture("published customer webhook", transformWebhookEvent, publishedCustomerEvent),
    transformFixture("email clicked webhook", transformWebhookEvent, emailClicked),
    transformFixture("email clicked activity", transformActivity, emailClickedActivity),
    transformFixture("generic event activity", transformActivity, purchaseEventActivity),
    transformFixture("customer attributes", transformCustomer, customerWithAttributes),
    transformFixture("malformed activity (quarantined)", transformActivity, { id: "x", type: "opened_email" }),
  ],
  timeoutMs: 60_000,
});
