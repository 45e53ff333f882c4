/**
 * Shared test setup: an in-memory store, a sandbox started from its descriptor, and a connection wired to it through
 * the same path as `worker connections add` (settings and secrets checked by the connector's schemas).
 */
import { randomUUID } from "node:crypto";
import {
  type AuthenticateResult,
  type ConnectorConfig,
  type CanonicalRecord,
  type Connector,
  type Credentials,
  type OAuthCapability,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import { type FathomConnector } from "@gtm-clarity/connector-fathom";
import { fathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import type { Store } from "@gtm-clarity/store";
import type { FaultSpec, RunningSandbox, SandboxStartOptions } from "@gtm-clarity/testkit/sandbox";
import type { z } from "zod";
import { connect } from "../../src/connect.js";
import { openTemplateStore } from "./engines.js";
import { fastFathom } from "./fast-connectors.js";
import { TEST_KEY } from "./key.js";

export { TEST_KEY } from "./key.js";
export { page } from "./pages.js";
// Fathom encrypts its API key setting with core's default key ring, which reads the environment.
process.env["CONNECTOR_ENCRYPTION_KEY"] ??= TEST_KEY;

/** A store of the test's own: a copy of the migrated PGlite template, removed on close (no initdb, no migrations). */
export async function memoryStore(): Promise<Store> {
  return openTemplateStore();
}

export { fastFathom, lookup } from "./fast-connectors.js";

/** The running Fathom sandbox, as its descriptor starts it. */
export type FathomTestSandbox = Awaited<ReturnType<typeof fathomSandbox.start>>;

/** Every request waits `ms` first. */
export function latency(ms: number): FaultSpec {
  return { fault: { kind: "latency", ms }, times: "always" };
}

/** The given request numbers (1-based, every request counts) are answered `status`. */
export function failRequests(requests: readonly number[], status = 503): FaultSpec[] {
  return requests.map((request) => ({ fault: { kind: "status", status }, match: { request } }));
}

export interface FathomFixture {
  store: Store;
  sandbox: FathomTestSandbox;
  connector: FathomConnector;
  tenantId: string;
  connectionId: string;
  close(): Promise<void>;
}

/** Creates a tenant and a Fathom connection pointing at a fresh sandbox (rate limits off unless given). */
export async function fathomFixture(
  options: SandboxStartOptions = {},
  existing?: { store: Store; tenantId?: string },
): Promise<FathomFixture> {
  const store = existing?.store ?? (await memoryStore());
  const sandbox = await fathomSandbox.start({ rateLimit: false, ...options });
  const connector = fastFathom();
  const tenantId = existing?.tenantId ?? `tenant-${randomUUID().slice(0, 8)}`;
  await store.createTenant({ tenantId });
  const connectionId = await createFathomConnection(store, connector, sandbox, tenantId);
  return {
    store,
    sandbox,
    connector,
    tenantId,
    connectionId,
    close: async () => {
      await sandbox.close();
      if (!existing) await store.close();
    },
  };
}

/** A connection to `sandbox`, made as `worker connections add` makes one: its settings, its credentials as secrets. */
export async function createFathomConnection(
  store: Store,
  connector: FathomConnector,
  sandbox: Pick<RunningSandbox<unknown>, "settings" | "credentials">,
  tenantId: string,
  connectionId: string = randomUUID(),
  settingsExtra: Record<string, unknown> = {},
): Promise<string> {
  const given = sandbox.settings({ tenantId, connectionId });
  const { settings, credentials } = await connect({
    tenantId,
    connectionId,
    connector,
    settings: { ...(typeof given === "object" && given !== null ? given : {}), ...settingsExtra },
    secrets: sandbox.credentials,
  });
  await store.createConnection({ tenantId, connectionId, connectorId: connector.id, connectorVersion: connector.version, settings, credentials });
  return connectionId;
}

/** A scripted connector: each `sync` call takes the next step (a page or an error) and records what it was given. */
export class ScriptedConnector implements Connector<CanonicalRecord> {
  readonly name = "Scripted";
  readonly version = "9.9.9";
  readonly calls: { credentials: Credentials; cursor: string | null; options: SyncOptions }[] = [];
  declare oauth?: OAuthCapability;
  declare requiresDpa?: boolean;
  declare settingsSchema?: z.ZodType<Record<string, unknown>>;

  constructor(
    readonly id: string,
    private readonly steps: (() => Promise<SyncResult<CanonicalRecord>>)[],
    extras: { oauth?: OAuthCapability; requiresDpa?: boolean; settingsSchema?: z.ZodType<Record<string, unknown>> } = {},
  ) {
    if (extras.oauth) this.oauth = extras.oauth;
    if (extras.requiresDpa !== undefined) this.requiresDpa = extras.requiresDpa;
    if (extras.settingsSchema) this.settingsSchema = extras.settingsSchema;
  }

  async authenticate(_config?: ConnectorConfig): Promise<AuthenticateResult> {
    return { credentials: { token: "t" } };
  }
  async sync(credentials: Credentials, cursor: string | null, options: SyncOptions = {}) {
    this.calls.push({ credentials, cursor, options });
    const step = this.steps.shift();
    if (!step) throw new Error("script exhausted");
    return step();
  }
  getSchema() {
    return [];
  }
  async healthCheck() {
    return { healthy: true, lastSync: null };
  }
}


/** Creates a connection for a scripted connector (credentials stored encrypted like any other). */
export async function scriptedConnection(
  store: Store,
  tenantId: string,
  connectorId: string,
  credentials: Credentials = { token: "t" },
  settings?: Record<string, unknown>,
) {
  await store.createTenant({ tenantId });
  const connection = await store.createConnection({
    tenantId,
    connectorId,
    connectorVersion: "9.9.9",
    credentials,
    ...(settings ? { settings } : {}),
  });
  return connection.id;
}
