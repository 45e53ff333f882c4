/**
 * The conformance checks, each a plain async function that returns what it learned or throws a
 * ConformanceError saying what is wrong. `runConformanceSuite` wires them into vitest; testkit's own tests run
 * them against deliberately broken connectors to prove each one can fail.
 */
import {
  connectorRegistry,
  contentHash,
  invalidMappingTargets,
  isAuthError,
  validateCanonicalRecord,
  type AuthError,
  type CanonicalRecord,
  type Connector,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type HealthCheckOptions,
  type Logger,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import { vi } from "vitest";
import { firstDifference } from "./difference.js";
import { describeError, fail } from "./errors.js";
import { withNetworkDisabled } from "./network-guard.js";
import {
  collectSecrets,
  hideSecrets,
  startOutputCapture,
  type CollectSecretsOptions,
  type KnownSecret,
  type OutputCapture,
} from "./secrets.js";

export type AnyConnector = Connector<CanonicalRecord>;

export const CONNECTOR_METHODS = ["authenticate", "sync", "getSchema", "healthCheck"] as const;
export const DEFAULT_MAX_PAGES = 10_000;

const FIELD_TRANSFORMS = new Set(["none", "lowercase", "uppercase", "trim", "custom"]);

/** What every sync-running check accepts. */
export interface SyncCheckOptions {
  /** Safety bound on pages per sync run. Default 10 000. */
  maxPages?: number;
  /** Passed to `sync` as `options.logger`. */
  logger?: Logger;
  /** Errors caught from the connector are recorded here, so the secrets check can search them. */
  capture?: OutputCapture;
  /**
   * The connection's settings (the sandbox's `settings(binding)`), passed to `sync` and `healthCheck` as
   * `options.settings`: settings are apart from secrets, so credentials alone do not say where the source is.
   */
  settings?: Record<string, unknown>;
  /**
   * The tenant's DPA acceptance, passed to `sync` and `healthCheck` as `options.dpaAcceptedAt`: the suite gives one
   * to connectors that declare `requiresDpa`, as a worker does for a tenant that accepted.
   */
  dpaAcceptedAt?: Date;
}

/** The options object every check hands to `sync`: the logger and the connection's settings, when given. */
function syncOptionsOf(options: Pick<SyncCheckOptions, "logger" | "settings" | "dpaAcceptedAt">): SyncOptions {
  return {
    ...(options.logger ? { logger: options.logger } : {}),
    ...healthOptionsOf(options),
  };
}

function healthOptionsOf(options: Pick<SyncCheckOptions, "settings" | "dpaAcceptedAt">): HealthCheckOptions {
  return {
    ...(options.settings === undefined ? {} : { settings: options.settings }),
    ...(options.dpaAcceptedAt === undefined ? {} : { dpaAcceptedAt: options.dpaAcceptedAt }),
  };
}

// ---- shape, registration, version, mappings ------------------------------------------------------------------

/** The object has a non-empty id, name and version, and the four interface methods. */
export function checkConnectorShape(candidate: unknown): AnyConnector {
  const check = "connector-shape";
  if (candidate === null || typeof candidate !== "object") {
    fail(check, `expected a connector object, got ${candidate === null ? "null" : typeof candidate}`);
  }
  const fields = candidate as Record<string, unknown>;
  const missing = CONNECTOR_METHODS.filter((method) => typeof fields[method] !== "function");
  if (missing.length > 0) {
    fail(
      check,
      `missing method(s) ${missing.join(", ")}: every connector implements ${CONNECTOR_METHODS.join(", ")} as functions`,
    );
  }
  for (const property of ["id", "name", "version"] as const) {
    const value = fields[property];
    if (typeof value !== "string" || value.trim() === "") fail(check, `\`${property}\` must be a non-empty string`);
  }
  return candidate as AnyConnector;
}

export interface RegistrationCheckOptions {
  /** Imports the connector's entry module, e.g. `() => import("../src/index.js")`. */
  load: () => Promise<unknown>;
  connectorId: string;
}

/** Importing the entry module registers the connector, and any connector it exports is the registered instance. */
export async function checkRegistration(options: RegistrationCheckOptions): Promise<AnyConnector> {
  const check = "registration";
  let loaded: unknown;
  try {
    loaded = await options.load();
  } catch (error) {
    fail(check, `importing the connector module threw: ${describeError(error)}`);
  }
  if (!connectorRegistry.has(options.connectorId)) {
    const known = connectorRegistry.list().map((entry) => entry.id).join(", ") || "none";
    fail(
      check,
      `importing the module did not register "${options.connectorId}" (registered: ${known}): ` +
        `end the entry module with connectorRegistry.register(new XConnector())`,
    );
  }
  const registered: AnyConnector = connectorRegistry.get(options.connectorId);
  if (registered.id !== options.connectorId) {
    fail(check, `the registry returned a connector whose id is "${registered.id}", not "${options.connectorId}"`);
  }
  if (loaded !== null && typeof loaded === "object") {
    for (const [name, value] of Object.entries(loaded)) {
      const looksLikeIt =
        value !== null && typeof value === "object" && (value as { id?: unknown }).id === options.connectorId;
      if (looksLikeIt && value !== registered) {
        fail(
          check,
          `the module exports \`${name}\`, a connector "${options.connectorId}" that is not the registered instance: ` +
            `register the same instance you export`,
        );
      }
    }
  }
  return registered;
}

export interface PackageJsonLike {
  name: string;
  version: string;
}

/** `connector.version` is the package's own version. */
export function checkVersion(connector: AnyConnector, packageJson: PackageJsonLike): void {
  if (connector.version !== packageJson.version) {
    fail(
      "version",
      `connector.version is "${connector.version}" but ${packageJson.name}'s package.json says ` +
        `"${packageJson.version}": read the version from package.json instead of typing it`,
    );
  }
}

/** getSchema() returns at least one well-formed mapping, and every targetField is a real canonical field. */
export function checkFieldMappings(connector: AnyConnector): FieldMapping[] {
  const check = "field-mappings";
  let mappings: unknown;
  try {
    mappings = connector.getSchema();
  } catch (error) {
    fail(check, `getSchema() threw: ${describeError(error)}`);
  }
  if (!Array.isArray(mappings)) fail(check, `getSchema() must return an array of field mappings`);
  if (mappings.length === 0) fail(check, `getSchema() returned no mappings: ship the defaults from schema.ts`);
  const list = mappings as FieldMapping[];
  list.forEach((mapping, index) => {
    if (typeof mapping.sourceField !== "string" || mapping.sourceField.trim() === "") {
      fail(check, `mapping #${index} has no sourceField`);
    }
    if (!FIELD_TRANSFORMS.has(mapping.transform)) {
      fail(check, `mapping #${index} (${mapping.sourceField}) has unknown transform "${String(mapping.transform)}"`);
    }
    if (mapping.transform === "custom" && !mapping.customTransform) {
      fail(check, `mapping #${index} (${mapping.sourceField}) is "custom" but names no customTransform`);
    }
  });
  const invalid = invalidMappingTargets(list);
  if (invalid.length > 0) {
    const described = invalid.map((m) => `${m.sourceField} -> ${m.kind ?? "any kind"}.${m.targetField}`).join("; ");
    fail(check, `${invalid.length} mapping(s) target fields that do not exist in the canonical model: ${described}`);
  }
  return list;
}

// ---- transforms ----------------------------------------------------------------------------------------------

/** A pure transform and an input to run it on. Build with `transformFixture` to type-check `input`. */
export interface TransformFixture {
  name: string;
  fn: (input: never) => unknown;
  input: unknown;
}

/** Type-checked fixture: `input` must be what `fn` accepts. */
export function transformFixture<I>(name: string, fn: (input: I) => unknown, input: I): TransformFixture {
  return { name, fn, input };
}

/** Two fake clocks a year apart: a transform that reads the clock gives different output on the two calls. */
const FIRST_CLOCK = Date.UTC(2030, 0, 1, 12, 0, 0);
const SECOND_CLOCK = Date.UTC(2031, 5, 15, 6, 30, 30, 123);

/**
 * Calls the transform twice on its fixture input with the network disabled and the clock moved between calls:
 * the outputs must be deep-equal, the input unchanged, and no network access attempted.
 */
export function checkTransformIsPure(fixture: TransformFixture): { output: unknown } {
  const check = "transform-purity";
  const label = `transform "${fixture.name}"`;
  let snapshot: unknown;
  try {
    snapshot = structuredClone(fixture.input);
  } catch (error) {
    fail(check, `${label}: its fixture input must be plain, cloneable data (${describeError(error)})`);
  }
  const call = fixture.fn as (input: unknown) => unknown;
  // Moving the clock is how `new Date()` / `Date.now()` inside a transform gets caught. If the test already
  // uses fake timers, leave them alone.
  const moveClock = !vi.isFakeTimers();
  const guarded = withNetworkDisabled(() => {
    if (moveClock) vi.useFakeTimers({ toFake: ["Date"], now: FIRST_CLOCK });
    try {
      const first = call(fixture.input);
      if (moveClock) vi.setSystemTime(SECOND_CLOCK);
      const second = call(fixture.input);
      return { first, second };
    } finally {
      if (moveClock) vi.useRealTimers();
    }
  });
  if (guarded.attempts.length > 0) {
    fail(
      check,
      `${label} attempted network access (${[...new Set(guarded.attempts)].join(", ")}): transforms must be pure; ` +
        `fetch in the pull code and pass the data in`,
    );
  }
  if (guarded.threw || guarded.result === undefined) {
    fail(check, `${label} threw on its fixture input: ${describeError(guarded.error)}`);
  }
  const { first, second } = guarded.result;
  if (isThenable(first)) fail(check, `${label} returned a Promise: transforms must be synchronous`);
  const mutated = firstDifference(snapshot, fixture.input);
  if (mutated !== undefined) fail(check, `${label} mutated its input (${mutated}): copy instead of changing it`);
  const changed = firstDifference(first, second);
  if (changed !== undefined) {
    fail(
      check,
      `${label} returned different output for the same input (${changed}): ` +
        `it depends on randomness, the clock or hidden state`,
    );
  }
  return { output: first };
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

// ---- sync ------------------------------------------------------------------------------------------------------

export interface SyncRun {
  /** Pages fetched (sync calls). */
  pages: number;
  /** Every record emitted, validated and normalised. */
  records: CanonicalRecord[];
  /** Raw records the connector quarantined. */
  quarantined: number;
  /** Cursor returned by the last page: where the next incremental sync starts. */
  finalCursor: string;
  /** `${kind}:${externalId}` -> content hash of the last version emitted. */
  seen: Map<string, string>;
}

export interface FullSyncCheckOptions extends SyncCheckOptions {
  /** Total records (emitted + quarantined) the sandbox holds; checked when given. */
  expectedRecords?: number;
}

function recordKey(record: CanonicalRecord): string {
  return `${record.kind}:${record.externalId}`;
}

async function callSync(
  check: string,
  connector: AnyConnector,
  credentials: Credentials,
  cursor: string | null,
  page: number,
  options: SyncCheckOptions,
): Promise<SyncResult> {
  try {
    return await connector.sync(credentials, cursor, syncOptionsOf(options));
  } catch (error) {
    options.capture?.errors.push({ where: `error thrown by sync (page ${page})`, error });
    const secrets = collectSecrets({ credentials });
    fail(check, `sync threw on page ${page} (cursor ${JSON.stringify(cursor)}): ${hideSecrets(describeError(error), secrets)}`);
  }
}

/** Validates one page's envelope and records; returns the validated records. */
function validatePage(check: string, result: unknown, page: number): { page: SyncResult; records: CanonicalRecord[] } {
  const where = `page ${page}`;
  if (result === null || typeof result !== "object") fail(check, `${where}: sync must resolve to a SyncResult object`);
  const value = result as Partial<SyncResult>;
  if (!Array.isArray(value.records)) fail(check, `${where}: \`records\` must be an array`);
  if (typeof value.hasMore !== "boolean") fail(check, `${where}: \`hasMore\` must be a boolean`);
  if (value.cursor !== null && typeof value.cursor !== "string") fail(check, `${where}: \`cursor\` must be a string or null`);
  if (!(value.syncedAt instanceof Date) || Number.isNaN(value.syncedAt.getTime())) {
    fail(check, `${where}: \`syncedAt\` must be a valid Date, got ${describeValue(value.syncedAt)}`);
  }
  const stats = value.stats;
  if (stats === null || typeof stats !== "object") fail(check, `${where}: \`stats\` is missing`);
  if (typeof stats.errors !== "number" || !Number.isFinite(stats.errors)) {
    fail(check, `${where}: \`stats.errors\` must be a number`);
  }
  for (const counter of ["records", "quarantined", "requests", "created", "updated"] as const) {
    const value = stats[counter];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) {
      fail(check, `${where}: \`stats.${counter}\` must be a number when present`);
    }
  }
  if (value.quarantined !== undefined && !Array.isArray(value.quarantined)) {
    fail(check, `${where}: \`quarantined\` must be an array when present`);
  }
  const records: CanonicalRecord[] = [];
  value.records.forEach((record: unknown, index) => {
    const validation = validateCanonicalRecord(record);
    if (!validation.ok) {
      const reasons = validation.reasons.map((reason) => `${reason.path || "(record)"}: ${reason.message}`).join("; ");
      const id = (record as { externalId?: unknown } | null)?.externalId;
      fail(
        check,
        `${where}, record #${index} (externalId ${JSON.stringify(id)}) is not a valid canonical record: ${reasons}. ` +
          `Invalid source data belongs in \`quarantined\`, not in \`records\``,
      );
    }
    records.push(validation.record);
  });
  return { page: value as SyncResult, records };
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return "an invalid Date";
  return value === null ? "null" : typeof value === "string" ? JSON.stringify(value) : typeof value;
}

/**
 * A sync from no cursor pages until `hasMore` is false within `maxPages`; the cursor changes (and never repeats)
 * on every page; every record is a valid canonical record; `syncedAt` is a Date; the final cursor is not null.
 */
export async function checkSyncPagesToCompletion(
  connector: AnyConnector,
  credentials: Credentials,
  options: FullSyncCheckOptions = {},
): Promise<SyncRun> {
  const check = "sync-pages-to-completion";
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const seen = new Map<string, string>();
  const records: CanonicalRecord[] = [];
  const cursors = new Set<string>();
  const quarantinedIds = new Set<string>();
  let quarantined = 0;
  let quarantinedWithoutId = 0;
  let cursor: string | null = null;

  for (let pageNumber = 1; ; pageNumber += 1) {
    if (pageNumber > maxPages) {
      fail(
        check,
        `sync still reported hasMore: true after ${maxPages} pages (maxPages): the connector never finishes. ` +
          `Raise maxPages only if the sandbox really holds that much`,
      );
    }
    const raw = await callSync(check, connector, credentials, cursor, pageNumber, options);
    const { page, records: pageRecords } = validatePage(check, raw, pageNumber);
    for (const record of pageRecords) {
      records.push(record);
      seen.set(recordKey(record), contentHash(record));
    }
    for (const item of page.quarantined ?? []) {
      quarantined += 1;
      if (item.externalId === undefined) quarantinedWithoutId += 1;
      else quarantinedIds.add(item.externalId);
    }

    const next = page.cursor;
    if (next === null) {
      fail(
        check,
        page.hasMore
          ? `page ${pageNumber} reported hasMore: true without a cursor to continue from`
          : `the last page (${pageNumber}) returned a null cursor: the next incremental sync would start over. ` +
              `Return a cursor that marks how far this sync got`,
      );
    }
    if (next === cursor) {
      fail(check, `page ${pageNumber} returned the cursor it was given (${JSON.stringify(next)}): the cursor must advance on every page`);
    }
    if (cursors.has(next)) {
      fail(check, `page ${pageNumber} returned a cursor already returned by an earlier page: paging would loop`);
    }
    cursors.add(next);
    cursor = next;

    if (!page.hasMore) {
      const distinctQuarantined = quarantinedIds.size + quarantinedWithoutId;
      const total = seen.size + distinctQuarantined;
      if (options.expectedRecords !== undefined && total !== options.expectedRecords) {
        fail(
          check,
          `the sandbox holds ${options.expectedRecords} records but the sync emitted ${seen.size} distinct records ` +
            `and quarantined ${distinctQuarantined} (${total} in all) over ${pageNumber} page(s)`,
        );
      }
      return { pages: pageNumber, records, quarantined, finalCursor: next, seen };
    }
  }
}

/**
 * A second sync from the final cursor finishes in one page and emits nothing new: any record it returns was
 * already emitted by the first run with identical content (an overlap the store's upsert absorbs).
 */
export async function checkIncrementalSyncIsEmpty(
  connector: AnyConnector,
  credentials: Credentials,
  run: Pick<SyncRun, "finalCursor" | "seen">,
  options: SyncCheckOptions = {},
): Promise<{ records: CanonicalRecord[]; cursor: string | null }> {
  const check = "incremental-sync";
  const raw = await callSync(check, connector, credentials, run.finalCursor, 1, options);
  const { page, records } = validatePage(check, raw, 1);
  const fresh = records.filter((record) => run.seen.get(recordKey(record)) !== contentHash(record));
  if (fresh.length > 0) {
    const sample = fresh.slice(0, 5).map(recordKey).join(", ");
    fail(
      check,
      `a second sync from the final cursor returned ${fresh.length} new or changed record(s) (${sample}) ` +
        `although the source did not change: the cursor must cover everything already synced`,
    );
  }
  if (page.hasMore) {
    fail(check, `a second sync from the final cursor reported hasMore: true although nothing changed in the source`);
  }
  if (page.cursor === null) {
    fail(check, `a second sync from the final cursor returned a null cursor: the next sync would start over`);
  }
  return { records, cursor: page.cursor };
}

// ---- health and auth -----------------------------------------------------------------------------------------

async function callHealthCheck(
  check: string,
  connector: AnyConnector,
  credentials: Credentials,
  which: string,
  options: Pick<SyncCheckOptions, "capture" | "settings" | "dpaAcceptedAt">,
) {
  const capture = options.capture;
  try {
    return (await connector.healthCheck(credentials, healthOptionsOf(options))) as unknown;
  } catch (error) {
    capture?.errors.push({ where: `error thrown by healthCheck (${which})`, error });
    const secrets = collectSecrets({ credentials });
    fail(
      check,
      `healthCheck threw with ${which} credentials (${hideSecrets(describeError(error), secrets)}): ` +
        `it must resolve to { healthy: false, error } instead of throwing`,
    );
  }
}

function validateHealth(check: string, status: unknown): ConnectorHealthStatus {
  if (status === null || typeof status !== "object") fail(check, `healthCheck must resolve to a ConnectorHealthStatus object`);
  const value = status as Partial<ConnectorHealthStatus>;
  if (typeof value.healthy !== "boolean") fail(check, `healthCheck's \`healthy\` must be a boolean`);
  if (value.lastSync !== null && !(value.lastSync instanceof Date)) fail(check, `healthCheck's \`lastSync\` must be a Date or null`);
  return value as ConnectorHealthStatus;
}

/** healthCheck with bad credentials resolves (never throws) to `{ healthy: false, error: "<why>" }`. */
export async function checkHealthCheckRejectsBadCredentials(
  connector: AnyConnector,
  badCredentials: Credentials,
  options: Pick<SyncCheckOptions, "capture" | "settings" | "dpaAcceptedAt"> = {},
): Promise<ConnectorHealthStatus> {
  const check = "health-check-bad-credentials";
  const status = validateHealth(check, await callHealthCheck(check, connector, badCredentials, "bad", options));
  if (status.healthy) fail(check, `healthCheck reported healthy: true with bad credentials: it must actually call the source`);
  if (typeof status.error !== "string" || status.error.trim() === "") {
    fail(check, `healthCheck reported healthy: false without an \`error\` string saying why`);
  }
  return status;
}

/** healthCheck with the sandbox's good credentials resolves to `{ healthy: true }`. */
export async function checkHealthCheckAcceptsGoodCredentials(
  connector: AnyConnector,
  credentials: Credentials,
  options: Pick<SyncCheckOptions, "capture" | "settings" | "dpaAcceptedAt"> = {},
): Promise<ConnectorHealthStatus> {
  const check = "health-check-good-credentials";
  const status = validateHealth(check, await callHealthCheck(check, connector, credentials, "good", options));
  if (!status.healthy) {
    const secrets = collectSecrets({ credentials });
    fail(check, `healthCheck reported healthy: false with good credentials (${hideSecrets(status.error ?? "no error given", secrets)})`);
  }
  return status;
}

/** sync with bad credentials rejects with core's AuthError (not retryable: the user must reconnect). */
export async function checkSyncRejectsBadCredentials(
  connector: AnyConnector,
  badCredentials: Credentials,
  options: Pick<SyncCheckOptions, "capture" | "logger" | "settings" | "dpaAcceptedAt"> = {},
): Promise<AuthError> {
  const check = "sync-bad-credentials";
  let result: unknown;
  try {
    result = await connector.sync(badCredentials, null, syncOptionsOf(options));
  } catch (error) {
    options.capture?.errors.push({ where: "error thrown by sync (bad credentials)", error });
    if (isAuthError(error)) return error;
    const secrets = collectSecrets({ credentials: badCredentials });
    fail(
      check,
      `sync with bad credentials threw ${hideSecrets(describeError(error), secrets)}, not an AuthError: ` +
        `throw core's AuthError (the HTTP client does on 401) so the worker marks the connection needs_reauth`,
    );
  }
  const count = (result as { records?: unknown[] } | null)?.records?.length ?? 0;
  fail(check, `sync with bad credentials resolved (with ${count} records) instead of rejecting with an AuthError`);
}

// ---- secrets -----------------------------------------------------------------------------------------------------

export interface SecretsCheckOptions extends CollectSecretsOptions {
  maxPages?: number;
  /** The connection's settings, passed to `sync` and `healthCheck` (see SyncCheckOptions). */
  settings?: Record<string, unknown>;
  /** See SyncCheckOptions. */
  dpaAcceptedAt?: Date;
  /**
   * Output gathered so far (the suite shares one across its checks). When absent, the check captures its own.
   * Either way the check exercises sync, healthCheck and bad credentials itself before searching.
   */
  capture?: OutputCapture;
}

/**
 * Runs a sync, healthCheck with good and bad credentials and a sync with bad credentials, then searches every
 * log entry, console call, thrown error and health `error` for a credential value or extra secret.
 */
export async function checkNoSecretsLeak(connector: AnyConnector, options: SecretsCheckOptions): Promise<KnownSecret[]> {
  const check = "no-secrets-in-output";
  const secrets = collectSecrets(options);
  if (secrets.length === 0) {
    fail(check, `no secrets to look for: the sandbox's credentials have no value of 6+ characters outside url/host keys`);
  }
  const capture = options.capture ?? startOutputCapture();
  const healthErrors: string[] = [];
  try {
    await exerciseQuietly(connector, options, capture, healthErrors);
  } finally {
    if (!options.capture) capture.stop();
  }
  const leaks = [
    ...capture.leaks(secrets),
    ...healthErrors.flatMap((error) =>
      secrets.filter((secret) => error.includes(secret.value)).map((secret) => ({ secret, where: "healthCheck's error" })),
    ),
  ];
  if (leaks.length > 0) {
    const described = [...new Set(leaks.map((leak) => `${leak.secret.label} in ${leak.where}`))];
    fail(
      check,
      `secret values reached output: ${described.slice(0, 8).join("; ")}` +
        `${described.length > 8 ? ` (+${described.length - 8} more)` : ""}. Log ids or fingerprints, never credentials`,
    );
  }
  return secrets;
}

/** Drives the connector through its paths without asserting anything: other checks judge behaviour. */
async function exerciseQuietly(
  connector: AnyConnector,
  options: SecretsCheckOptions,
  capture: OutputCapture,
  healthErrors: string[],
): Promise<void> {
  const maxPages = Math.min(options.maxPages ?? DEFAULT_MAX_PAGES, DEFAULT_MAX_PAGES);
  const syncOptions = syncOptionsOf({ ...options, logger: capture.logger });
  try {
    let cursor: string | null = null;
    for (let page = 1; page <= maxPages; page += 1) {
      const result: SyncResult = await connector.sync(options.credentials, cursor, syncOptions);
      if (!result.hasMore || result.cursor === null || result.cursor === cursor) break;
      cursor = result.cursor;
    }
  } catch (error) {
    capture.errors.push({ where: "error thrown by sync (good credentials)", error });
  }
  for (const [which, credentials] of [
    ["good", options.credentials],
    ["bad", options.badCredentials],
  ] as const) {
    if (!credentials) continue;
    try {
      const status = await connector.healthCheck(credentials, healthOptionsOf(options));
      if (typeof status.error === "string") healthErrors.push(status.error);
    } catch (error) {
      capture.errors.push({ where: `error thrown by healthCheck (${which} credentials)`, error });
    }
  }
  if (options.badCredentials) {
    try {
      await connector.sync(options.badCredentials, null, syncOptions);
    } catch (error) {
      capture.errors.push({ where: "error thrown by sync (bad credentials)", error });
    }
  }
}
