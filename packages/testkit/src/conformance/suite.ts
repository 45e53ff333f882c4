/**
 * `runConformanceSuite` registers the conformance checks as vitest tests, one `it` per check, inside the
 * connector's own test file. The connector comes from the registry (so registration itself is under test) and
 * runs against the connector's loopback sandbox.
 */
import { connectorRegistry, parseConnectorSettings, type Credentials } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, it } from "vitest";
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
  DEFAULT_MAX_PAGES,
  type AnyConnector,
  type PackageJsonLike,
  type SyncRun,
  type TransformFixture,
} from "./checks.js";
import { checkDpaGate } from "./dpa-gate.js";
import { fail } from "./errors.js";
import { startOutputCapture, type OutputCapture } from "./secrets.js";

export interface ConformanceSandbox {
  /**
   * The settings of a connection pointed at this sandbox (a kit `RunningSandbox` has it): passed to `sync` and
   * `healthCheck` as `options.settings`. Without it the connector gets no settings (its schema's defaults).
   */
  settings?(binding: { tenantId: string; connectionId: string }): object;
  /** Good credentials (secrets) for the sandbox, e.g. `{ apiKey }`. */
  credentials: Credentials;
  /** Credentials the sandbox rejects (same shape, wrong secret). */
  badCredentials: Credentials;
  /** Total records (emitted + quarantined) the sandbox holds, if known: the full sync must see exactly these. */
  expectedRecords?: number;
  /** A sandbox that signs webhooks (a kit `RunningSandbox`): its secret is looked for in output too. */
  webhooks?: { readonly secret: string };
  /** Requests received so far (a kit `RunningSandbox` has it): the DPA check proves a refusal sent none. */
  stats?(): { readonly requests: number };
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Imports the module that self-registers the connector, e.g. `() => import("../src/index.js")`. */
  load: () => Promise<unknown>;
  connectorId: string;
  /** The connector package's package.json (`import pkg from "../package.json" with { type: "json" }`). */
  packageJson: PackageJsonLike;
  /** Starts the connector's loopback sandbox. Called once; closed after the suite. */
  sandbox: () => Promise<ConformanceSandbox>;
  /** Pure transform fixtures (build them with `transformFixture`); at least one. */
  transforms: readonly TransformFixture[];
  /** Safety bound on pages per sync run. Default 10 000. */
  maxPages?: number;
  /** Secrets to look for in output besides the credential values (e.g. a webhook signing secret). */
  extraSecrets?: readonly string[];
  /** Credential keys whose values are not secret (keys ending in url/uri/endpoint/host/region never are). */
  publicCredentialKeys?: readonly string[];
  /** Per-test timeout for the tests that talk to the sandbox; defaults to vitest's configured testTimeout. */
  timeoutMs?: number;
}

/** What the secrets check looks for besides credential values: the given extras and the sandbox's webhook secret. */
export function secretsBeyondCredentials(options: Pick<ConformanceOptions, "extraSecrets">, sandbox: ConformanceSandbox): string[] {
  return [...(options.extraSecrets ?? []), ...(sandbox.webhooks ? [sandbox.webhooks.secret] : [])];
}

/** The connection every conformance run pretends to be: settings are made for it, nothing is stored. */
const CONFORMANCE_BINDING = { tenantId: "conformance-tenant", connectionId: "conformance-connection" } as const;
/** The acceptance a DPA-gated connector is given for the conformance tenant. */
const DPA_ACCEPTED_AT = new Date("2026-01-01T00:00:00Z");

export function runConformanceSuite(options: ConformanceOptions): void {
  const { connectorId } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const timeout = options.timeoutMs;

  describe(`connector conformance: ${connectorId}`, () => {
    let capture: OutputCapture | undefined;
    let sandbox: ConformanceSandbox | undefined;
    let fullRun: SyncRun | undefined;

    beforeAll(async () => {
      capture = startOutputCapture();
      try {
        await options.load();
      } catch {
        // Reported by the registration test, with the reason; the other tests fail as "not registered".
      }
      sandbox = await options.sandbox();
    });

    afterAll(async () => {
      capture?.stop();
      await sandbox?.close();
    });

    const connector = (): AnyConnector => {
      if (!connectorRegistry.has(connectorId)) {
        fail("registration", `no connector is registered under "${connectorId}" after loading the module`);
      }
      return connectorRegistry.get(connectorId);
    };
    const started = (): {
      sandbox: ConformanceSandbox;
      capture: OutputCapture;
      settings: { settings?: Record<string, unknown>; dpaAcceptedAt?: Date };
    } => {
      if (!sandbox || !capture) throw new Error("the conformance suite's beforeAll did not run");
      // A DPA-gated connector runs for a tenant that accepted, as the worker passes it; `dpa-gate` checks the refusal.
      const dpa = connector().requiresDpa === true ? { dpaAcceptedAt: DPA_ACCEPTED_AT } : {};
      if (sandbox.settings === undefined) return { sandbox, capture, settings: dpa };
      // Through the connector's own schema, as the worker does: a sandbox whose settings it refuses fails here.
      const settings = parseConnectorSettings(connector(), sandbox.settings(CONFORMANCE_BINDING));
      return { sandbox, capture, settings: { settings, ...dpa } };
    };

    it("implements id, name, version, authenticate, sync, getSchema and healthCheck", () => {
      checkConnectorShape(connector());
    });

    it("registers itself when its entry module is imported", async () => {
      await checkRegistration({ load: options.load, connectorId });
    });

    it("reports the version from its package.json", () => {
      checkVersion(connector(), options.packageJson);
    });

    it("ships default field mappings that target real canonical fields", () => {
      checkFieldMappings(connector());
    });

    if (options.transforms.length === 0) {
      it("has at least one pure transform fixture", () => {
        fail("transform-purity", "no transform fixtures given: pass `transforms` with at least one pure transform");
      });
    }
    for (const fixture of options.transforms) {
      it(`transform "${fixture.name}" is pure and never touches the network`, () => {
        checkTransformIsPure(fixture);
      });
    }

    it("pages a full sync to completion with valid canonical records and an advancing cursor", async () => {
      const { sandbox, capture, settings } = started();
      fullRun = await checkSyncPagesToCompletion(connector(), sandbox.credentials, {
        ...settings,
        maxPages,
        logger: capture.logger,
        capture,
        ...(sandbox.expectedRecords === undefined ? {} : { expectedRecords: sandbox.expectedRecords }),
      });
    }, timeout);

    it("returns nothing new when syncing again from the final cursor", async () => {
      const { sandbox, capture, settings } = started();
      const run =
        fullRun ??
        (await checkSyncPagesToCompletion(connector(), sandbox.credentials, {
          ...settings,
          maxPages,
          logger: capture.logger,
          capture,
        }));
      await checkIncrementalSyncIsEmpty(connector(), sandbox.credentials, run, { ...settings, logger: capture.logger, capture });
    }, timeout);

    it("reports healthy with good credentials", async () => {
      const { sandbox, capture, settings } = started();
      await checkHealthCheckAcceptsGoodCredentials(connector(), sandbox.credentials, { ...settings, capture });
    }, timeout);

    it("reports unhealthy with bad credentials, without throwing", async () => {
      const { sandbox, capture, settings } = started();
      await checkHealthCheckRejectsBadCredentials(connector(), sandbox.badCredentials, { ...settings, capture });
    }, timeout);

    it("rejects bad credentials in sync with an AuthError", async () => {
      const { sandbox, capture, settings } = started();
      await checkSyncRejectsBadCredentials(connector(), sandbox.badCredentials, { ...settings, capture, logger: capture.logger });
    }, timeout);

    it("declares its DPA requirement truthfully, and without an acceptance refuses before any request", async () => {
      const { sandbox, settings } = started();
      const counted = sandbox.stats;
      await checkDpaGate(connector(), {
        credentials: sandbox.credentials,
        ...(settings.settings === undefined ? {} : { settings: settings.settings }),
        ...(counted === undefined ? {} : { requests: () => counted.call(sandbox).requests }),
      });
    }, timeout);

    it("never logs, prints or throws a secret", async () => {
      const { sandbox, capture, settings } = started();
      const extraSecrets = secretsBeyondCredentials(options, sandbox);
      await checkNoSecretsLeak(connector(), {
        ...settings,
        credentials: sandbox.credentials,
        badCredentials: sandbox.badCredentials,
        maxPages,
        capture,
        ...(extraSecrets.length > 0 ? { extraSecrets } : {}),
        ...(options.publicCredentialKeys ? { publicCredentialKeys: options.publicCredentialKeys } : {}),
      });
    }, timeout);
  });
}
