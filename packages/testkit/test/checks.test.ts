/**
 * Every conformance check passes on the fake connector (test/fake/) and FAILS, with its own check name and a useful
 * message, on a connector broken in exactly the way the check exists to catch.
 */
import net from "node:net";
import { connectorRegistry, type Credentials } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import {
  checkConnectorShape,
  checkFieldMappings,
  checkHealthCheckAcceptsGoodCredentials,
  checkHealthCheckRejectsBadCredentials,
  checkIncrementalSyncIsEmpty,
  checkNoSecretsLeak,
  checkRegistration,
  checkSyncPagesToCompletion,
  checkSyncRejectsBadCredentials,
  checkTransformIsPure,
  checkVersion,
  ConformanceError,
  startOutputCapture,
  transformFixture,
  type AnyConnector,
} from "../src/index.js";
import * as broken from "./broken-connectors.js";
import { FakeConnector } from "./fake/connector.js";
import { rawAccount, rawActivity, rawPerson } from "./fake/fixtures.js";
import { startFakeSource, type FakeSource } from "./fake/source.js";
import { transformAccount, transformActivity, transformPerson } from "./fake/transform.js";

let sandbox: FakeSource;
beforeAll(async () => {
  sandbox = await startFakeSource();
});
afterAll(async () => {
  await sandbox.close();
});

async function expectFailure(run: () => unknown, check: string, pattern: RegExp): Promise<ConformanceError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected check "${check}" to fail`).toBeInstanceOf(ConformanceError);
  const error = caught as ConformanceError;
  expect(error.check).toBe(check);
  expect(error.message).toMatch(pattern);
  return error;
}

const good = (): AnyConnector => new FakeConnector();

describe("checkConnectorShape", () => {
  it("passes on the fake connector", () => {
    expect(checkConnectorShape(good())).toBeInstanceOf(FakeConnector);
  });

  it("fails on a connector without healthCheck", async () => {
    await expectFailure(() => checkConnectorShape(broken.connectorWithoutHealthCheck()), "connector-shape", /missing method\(s\) healthCheck/);
  });

  it("fails when a method is not a function", async () => {
    const notCallable = { ...broken.connectorWithoutHealthCheck(), healthCheck: true, getSchema: [] };
    await expectFailure(() => checkConnectorShape(notCallable), "connector-shape", /getSchema, healthCheck/);
  });

  it("fails on a connector without an id", async () => {
    const noId = { ...broken.connectorWithoutHealthCheck(), healthCheck: () => undefined, id: "" };
    await expectFailure(() => checkConnectorShape(noId), "connector-shape", /`id` must be a non-empty string/);
  });

  it("fails on something that is not an object", async () => {
    await expectFailure(() => checkConnectorShape(undefined), "connector-shape", /expected a connector object, got undefined/);
  });
});

describe("checkRegistration", () => {
  it("passes when importing the entry module registers the connector it exports", async () => {
    const registered = await checkRegistration({ load: () => import("./fake/index.js"), connectorId: "fake" });
    const module = await import("./fake/index.js");
    expect(registered).toBe(module.fakeConnector);
  });

  it("fails when the module does not register the connector", async () => {
    await expectFailure(
      () => checkRegistration({ load: async () => ({ connector: new broken.UnregisteredConnector() }), connectorId: "example-unregistered" }),
      "registration",
      /did not register "example-unregistered"/,
    );
  });

  it("fails when the registered instance is not the exported one", async () => {
    class TwinConnector extends FakeConnector {
      override readonly id = "example-twin";
    }
    const load = async () => {
      connectorRegistry.register(new TwinConnector());
      return { twinConnector: new TwinConnector() };
    };
    try {
      await expectFailure(() => checkRegistration({ load, connectorId: "example-twin" }), "registration", /exports `twinConnector`.*not the registered instance/);
    } finally {
      connectorRegistry.unregister("example-twin");
    }
  });

  it("fails, with the reason, when importing the module throws", async () => {
    await expectFailure(
      () => checkRegistration({ load: () => Promise.reject(new Error("Cannot find module './missing.js'")), connectorId: "example-missing" }),
      "registration",
      /importing the connector module threw: Error: Cannot find module/,
    );
  });
});

describe("checkVersion", () => {
  it("passes when connector.version is the package.json version", () => {
    expect(() => checkVersion(good(), packageJson)).not.toThrow();
  });

  it("fails on a version mismatch", async () => {
    await expectFailure(
      () => checkVersion(new broken.VersionMismatchConnector(), packageJson),
      "version",
      new RegExp(`connector.version is "9.9.9" but @gtm-clarity/testkit's package.json says "${packageJson.version.replace(/\./g, "\\.")}"`),
    );
  });
});

describe("checkFieldMappings", () => {
  it("passes on the fake's default mappings", () => {
    expect(checkFieldMappings(good()).length).toBeGreaterThan(10);
  });

  it("fails on a mapping to a field the canonical model does not have", async () => {
    await expectFailure(() => checkFieldMappings(new broken.BadMappingConnector()), "field-mappings", /favourite_colour -> person\.favouriteColour/);
  });

  it("fails when getSchema returns no mappings", async () => {
    await expectFailure(() => checkFieldMappings(new broken.NoMappingsConnector()), "field-mappings", /returned no mappings/);
  });
});

describe("checkTransformIsPure", () => {
  it.each([
    ["transformAccount", transformFixture("transformAccount", transformAccount, rawAccount)],
    ["transformPerson", transformFixture("transformPerson", transformPerson, rawPerson)],
    ["transformActivity", transformFixture("transformActivity", transformActivity, rawActivity)],
  ])("passes on the fake's %s", (_name, fixture) => {
    expect(checkTransformIsPure(fixture).output).toMatchObject({ externalId: expect.any(String) as unknown });
  });

  it("fails on a transform that uses Math.random", async () => {
    await expectFailure(() => checkTransformIsPure(broken.randomTransform), "transform-purity", /different output.*properties\.nonce/);
  });

  it("fails on a transform that uses a counter", async () => {
    await expectFailure(() => checkTransformIsPure(broken.counterTransform), "transform-purity", /different output.*properties\.sequence: 1 vs 2/);
  });

  it("fails on a transform that reads the clock", async () => {
    await expectFailure(() => checkTransformIsPure(broken.clockTransform), "transform-purity", /different output.*remoteUpdatedAt/);
  });

  it("fails on a transform that mutates its input", async () => {
    await expectFailure(() => checkTransformIsPure(broken.mutatingTransform), "transform-purity", /mutated its input \(\$\.email/);
  });

  it("fails on a transform that calls fetch", async () => {
    await expectFailure(
      () => checkTransformIsPure(broken.fetchingTransform),
      "transform-purity",
      /attempted network access \(fetch https:\/\/enrichment\.example\.com\/people\/per_0001\)/,
    );
  });

  it("fails on a transform that calls fetch and swallows the error", async () => {
    await expectFailure(() => checkTransformIsPure(broken.swallowedFetchTransform), "transform-purity", /attempted network access/);
  });

  it("fails on a transform that opens a socket through node:http", async () => {
    await expectFailure(() => checkTransformIsPure(broken.httpTransform), "transform-purity", /attempted network access \(net\.Socket\.connect\)/);
  });

  it("fails on an async transform", async () => {
    await expectFailure(() => checkTransformIsPure(broken.asyncTransform), "transform-purity", /returned a Promise/);
  });

  it("fails on a transform that throws on its fixture", async () => {
    await expectFailure(() => checkTransformIsPure(broken.throwingTransform), "transform-purity", /threw on its fixture input: Error: cannot transform per_0001/);
  });

  it("puts fetch, sockets and the clock back afterwards", async () => {
    const connect = net.Socket.prototype.connect;
    const realFetch = globalThis.fetch;
    await expectFailure(() => checkTransformIsPure(broken.fetchingTransform), "transform-purity", /network/);
    checkTransformIsPure(transformFixture("transformPerson", transformPerson, rawPerson));
    expect(globalThis.fetch).toBe(realFetch);
    expect(net.Socket.prototype.connect).toBe(connect);
    expect(vi.isFakeTimers()).toBe(false);
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(1_000);
    const response = await fetch(`${sandbox.baseUrl}/me`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } });
    expect(response.status).toBe(200);
  });

  it("leaves a test's own fake timers alone", () => {
    vi.useFakeTimers();
    try {
      checkTransformIsPure(transformFixture("transformPerson", transformPerson, rawPerson));
      expect(vi.isFakeTimers()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("checkSyncPagesToCompletion", () => {
  it("passes on the fake: pages to the end, every record valid, the malformed row quarantined", async () => {
    const run = await checkSyncPagesToCompletion(good(), sandbox.credentials, { expectedRecords: sandbox.expectedRecords });
    expect(run.pages).toBeGreaterThan(3);
    expect(run.seen.size + run.quarantined).toBe(sandbox.expectedRecords);
    expect(run.quarantined).toBe(1);
    expect(run.finalCursor).toEqual(expect.any(String));
  });

  it("fails when the record count does not match the sandbox", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(good(), sandbox.credentials, { expectedRecords: sandbox.expectedRecords + 1 }),
      "sync-pages-to-completion",
      /sandbox holds \d+ records but the sync emitted/,
    );
  });

  it("fails when the cursor does not change", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.StuckCursorConnector(), sandbox.credentials),
      "sync-pages-to-completion",
      /page 2 returned the cursor it was given \("stuck"\)/,
    );
  });

  it("fails when hasMore never becomes false (maxPages)", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.EndlessConnector(), sandbox.credentials, { maxPages: 15 }),
      "sync-pages-to-completion",
      /still reported hasMore: true after 15 pages/,
    );
  });

  it("fails when cursors cycle", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.CyclingCursorConnector(), sandbox.credentials),
      "sync-pages-to-completion",
      /page 3 returned a cursor already returned by an earlier page/,
    );
  });

  it("fails when the final cursor is null", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.ForgetfulCursorConnector(), sandbox.credentials),
      "sync-pages-to-completion",
      /returned a null cursor: the next incremental sync would start over/,
    );
  });

  it("fails on an invalid canonical record", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.InvalidRecordConnector(), sandbox.credentials),
      "sync-pages-to-completion",
      /page 1, record #\d+ \(externalId "per_broken"\) is not a valid canonical record: email: invalid email/,
    );
  });

  it("fails when syncedAt is not a Date", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.StringSyncedAtConnector(), sandbox.credentials),
      "sync-pages-to-completion",
      /`syncedAt` must be a valid Date/,
    );
  });

  it("fails, without printing the key, when sync throws", async () => {
    const error = await expectFailure(
      () => checkSyncPagesToCompletion(new broken.KeyInErrorConnector(), sandbox.badCredentials),
      "sync-pages-to-completion",
      /sync threw on page 1.*AuthError: key \[credentials\.apiKey\] was rejected/,
    );
    expect(error.message).not.toContain(sandbox.badCredentials["apiKey"]);
  });
});

describe("checkIncrementalSyncIsEmpty", () => {
  it("passes on the fake, and sees a real change once the source changes", async () => {
    const connector = good();
    const run = await checkSyncPagesToCompletion(connector, sandbox.credentials);
    const second = await checkIncrementalSyncIsEmpty(connector, sandbox.credentials, run);
    expect(second.records).toEqual([]);

    // The same check fails once the source really changed: it judges the connector, not the sandbox.
    const own = await startFakeSource();
    try {
      const ownRun = await checkSyncPagesToCompletion(connector, own.credentials);
      own.addActivity({ subject: "new" });
      await expectFailure(() => checkIncrementalSyncIsEmpty(connector, own.credentials, ownRun), "incremental-sync", /returned 1 new or changed record\(s\) \(activity:act_0091\)/);
    } finally {
      await own.close();
    }
  });

  it("fails when the second sync returns records that were never seen", async () => {
    const connector = new broken.PhantomRecordConnector();
    const run = await checkSyncPagesToCompletion(connector, sandbox.credentials);
    await expectFailure(
      () => checkIncrementalSyncIsEmpty(connector, sandbox.credentials, run),
      "incremental-sync",
      /returned 1 new or changed record\(s\) \(activity:act_phantom_1\)/,
    );
  });

  it("fails when the second sync re-emits a record with different content", async () => {
    const connector = new broken.ChangedOverlapConnector();
    const run = await checkSyncPagesToCompletion(connector, sandbox.credentials);
    await expectFailure(() => checkIncrementalSyncIsEmpty(connector, sandbox.credentials, run), "incremental-sync", /1 new or changed record\(s\) \(account:acc_0001\)/);
  });

  it("fails when the second sync reports hasMore", async () => {
    const connector = new broken.MoreAfterFinalConnector();
    const run = await checkSyncPagesToCompletion(connector, sandbox.credentials);
    await expectFailure(() => checkIncrementalSyncIsEmpty(connector, sandbox.credentials, run), "incremental-sync", /reported hasMore: true/);
  });
});

describe("health checks", () => {
  it("pass on the fake: healthy with good credentials, unhealthy with a reason with bad ones", async () => {
    await expect(checkHealthCheckAcceptsGoodCredentials(good(), sandbox.credentials)).resolves.toMatchObject({ healthy: true });
    const status = await checkHealthCheckRejectsBadCredentials(good(), sandbox.badCredentials);
    expect(status).toMatchObject({ healthy: false, error: expect.stringMatching(/401/) as unknown });
  });

  it("fail when healthCheck throws on bad credentials", async () => {
    await expectFailure(
      () => checkHealthCheckRejectsBadCredentials(new broken.ThrowingHealthCheckConnector(), sandbox.badCredentials),
      "health-check-bad-credentials",
      /healthCheck threw with bad credentials \(AuthError: health check failed\)/,
    );
  });

  it("fail when healthCheck says healthy with bad credentials", async () => {
    await expectFailure(
      () => checkHealthCheckRejectsBadCredentials(new broken.AlwaysHealthyConnector(), sandbox.badCredentials),
      "health-check-bad-credentials",
      /reported healthy: true with bad credentials/,
    );
  });

  it("fail when an unhealthy status gives no reason", async () => {
    await expectFailure(
      () => checkHealthCheckRejectsBadCredentials(new broken.SilentUnhealthyConnector(), sandbox.badCredentials),
      "health-check-bad-credentials",
      /without an `error` string/,
    );
  });

  it("fail when healthCheck is never healthy, even with good credentials", async () => {
    await expectFailure(
      () => checkHealthCheckAcceptsGoodCredentials(new broken.NeverHealthyConnector(), sandbox.credentials),
      "health-check-good-credentials",
      /reported healthy: false with good credentials \(not implemented\)/,
    );
  });
});

describe("connection settings", () => {
  const settings = { region: "eu" };

  it("are handed to sync and healthCheck as options.settings", async () => {
    const connector = new broken.SettingsBoundConnector();
    const run = await checkSyncPagesToCompletion(connector, sandbox.credentials, { settings });
    expect(run.pages).toBeGreaterThan(1);
    await checkIncrementalSyncIsEmpty(connector, sandbox.credentials, run, { settings });
    await expect(checkHealthCheckAcceptsGoodCredentials(connector, sandbox.credentials, { settings })).resolves.toMatchObject({
      healthy: true,
    });
  });

  it("are missed by a connector that needs them when none are given", async () => {
    await expectFailure(
      () => checkSyncPagesToCompletion(new broken.SettingsBoundConnector(), sandbox.credentials),
      "sync-pages-to-completion",
      /no region/,
    );
  });
});

describe("checkSyncRejectsBadCredentials", () => {
  it("passes on the fake: the 401 surfaces as an AuthError", async () => {
    const error = await checkSyncRejectsBadCredentials(good(), sandbox.badCredentials);
    expect(error.retryable).toBe(false);
  });

  it("fails when the AuthError is wrapped in a plain Error", async () => {
    await expectFailure(
      () => checkSyncRejectsBadCredentials(new broken.PlainErrorConnector(), sandbox.badCredentials),
      "sync-bad-credentials",
      /threw Error: sync failed, not an AuthError/,
    );
  });

  it("fails when sync swallows the auth failure", async () => {
    await expectFailure(
      () => checkSyncRejectsBadCredentials(new broken.SwallowingAuthConnector(), sandbox.badCredentials),
      "sync-bad-credentials",
      /resolved \(with 0 records\) instead of rejecting/,
    );
  });
});

describe("checkNoSecretsLeak", () => {
  /** Runs the check with a capture that does not echo to the real console (the broken variants print keys). */
  async function secretsCheck(connector: AnyConnector, extra: { extraSecrets?: string[]; credentials?: Credentials } = {}) {
    const capture = startOutputCapture({ passThrough: false });
    try {
      return await checkNoSecretsLeak(connector, {
        credentials: extra.credentials ?? sandbox.credentials,
        badCredentials: sandbox.badCredentials,
        capture,
        ...(extra.extraSecrets ? { extraSecrets: extra.extraSecrets } : {}),
      });
    } finally {
      capture.stop();
    }
  }

  it("passes on the fake, looking for both keys but not the base URL", async () => {
    const secrets = await secretsCheck(good());
    expect(secrets.map((secret) => secret.label).sort()).toEqual(["badCredentials.apiKey", "credentials.apiKey"]);
  });

  it("fails when the connector logs the API key in a message, without repeating the key", async () => {
    const error = await expectFailure(
      () => secretsCheck(new broken.KeyLoggingConnector()),
      "no-secrets-in-output",
      /credentials\.apiKey in logger\.info\("calling the example API with key \[credentials\.apiKey\]"\)/,
    );
    expect(error.message).not.toContain(sandbox.apiKey);
  });

  it("fails when the connector logs the Authorization header in fields", async () => {
    await expectFailure(() => secretsCheck(new broken.HeaderLoggingConnector()), "no-secrets-in-output", /credentials\.apiKey in logger\.debug/);
  });

  it("fails when the connector prints credentials with console.log", async () => {
    await expectFailure(
      () => secretsCheck(new broken.ConsoleLoggingConnector()),
      "no-secrets-in-output",
      /credentials\.apiKey in console\.log.*badCredentials\.apiKey in console\.log/,
    );
  });

  it("fails when a thrown error message carries the key", async () => {
    await expectFailure(
      () => secretsCheck(new broken.KeyInErrorConnector()),
      "no-secrets-in-output",
      /badCredentials\.apiKey in error thrown by sync \(bad credentials\)/,
    );
  });

  it("fails when healthCheck's error carries the key", async () => {
    await expectFailure(() => secretsCheck(new broken.KeyInHealthErrorConnector()), "no-secrets-in-output", /badCredentials\.apiKey in healthCheck's error/);
  });

  it("looks for extra secrets too", async () => {
    // Stand-in for a webhook secret: text the fake really does log, so the search must find it.
    await expectFailure(() => secretsCheck(good(), { extraSecrets: ["fake page fetched"] }), "no-secrets-in-output", /extraSecrets\[0\] in logger\.debug/);
  });

  it("searches output gathered before the check ran (the suite shares one capture)", async () => {
    const capture = startOutputCapture({ passThrough: false });
    try {
      capture.logger.warn(`earlier: ${sandbox.apiKey}`);
      await expectFailure(
        () => checkNoSecretsLeak(good(), { credentials: sandbox.credentials, badCredentials: sandbox.badCredentials, capture }),
        "no-secrets-in-output",
        /credentials\.apiKey in logger\.warn/,
      );
    } finally {
      capture.stop();
    }
  });

  it("refuses to pass when there is nothing to look for", async () => {
    await expectFailure(
      () => checkNoSecretsLeak(good(), { credentials: { baseUrl: sandbox.baseUrl, apiKey: "short" } }),
      "no-secrets-in-output",
      /no secrets to look for/,
    );
  });
});
