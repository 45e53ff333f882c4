/**
 * The shared conformance suite from @gtm-clarity/testkit: registration, version, mappings, pure transforms, a
 * full and an incremental sync against the sandbox, health checks, AuthError on bad credentials, no leaked secret.
 */
import { runConformanceSuite, transformFixture } from "@gtm-clarity/testkit";
import pkg from "../package.json" with { type: "json" };
import { delivrSandbox, sandboxDataSet, SANDBOX_PIXEL } from "../src/sandbox/index.js";
import { transformIntentRow } from "../src/sync/intent.js";
import { transformVisitorEvent } from "../src/sync/transform.js";

// SYNTHETIC rows from the sandbox's generator, at a fixed anchor.
const data = sandboxDataSet({ anchorMs: Date.UTC(2026, 0, 15), events: 20 });
const resolved = data.events.find((row) => row["resolved"] === true && typeof row["timestamp"] === "number") ?? {};
const unresolved = data.events.find((row) => row["resolved"] === false) ?? {};
const malformed = data.events.find((row) => typeof row["timestamp"] !== "number") ?? {};
const audience = { id: "aud_marketing", name: "In-market", updatedAtMs: Date.UTC(2026, 0, 14), topicIds: ["t_101"] };
const topics = new Map([["t_101", { name: "Marketing Automation", category: "Marketing", subcategory: null }]]);
const visit = (raw: unknown) => transformVisitorEvent(raw, SANDBOX_PIXEL);
const intent = (raw: unknown) => transformIntentRow(raw, audience, topics);

runConformanceSuite({
  load: () => import("../src/index.js"),
  connectorId: "delivr",
  packageJson: pkg,
  // The descriptor the worker's demo and benchmarks start too.
  sandbox: () => delivrSandbox.start(),
  transforms: [
    transformFixture("resolved visit", visit, resolved),
    transformFixture("unresolved visit", visit, unresolved),
    transformFixture("malformed visit", visit, malformed),
    transformFixture("intent member", intent, data.members.get("aud_marketing")?.[0] ?? {}),
  ],
  timeoutMs: 60_000,
});
