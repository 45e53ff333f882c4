/**
 * openStore: the store's one entry point. Picks the engine (pg for a database URL, PGlite otherwise), applies
 * migrations, and returns the tenant-scoped API. Every method takes a tenantId and runs in its own transaction as
 * the `gtm_app` role with `app.tenant_id` set, so row-level security bounds what it can see and change.
 */
import { type Credentials, type KeyRing, loadKeyRing, type Logger, noopLogger, ValidationError } from "@gtm-clarity/core";
import type { z } from "zod";
import { getBuyingGroup } from "./buying-group.js";
import type { BuyingGroup, GetBuyingGroupInput } from "./buying-group-schemas.js";
import { type BatchHook, commitPreparedPage } from "./commit-page.js";
import * as connections from "./connections.js";
import {
  refreshCredentials,
  type RefreshCredentialsInput,
  type RefreshCredentialsResult,
} from "./credentials-refresh.js";
import type { StoreContext } from "./context.js";
import { createPgDriver, createPgliteDriver, type SqlDriver, type SqlExecutor } from "./driver.js";
import { migrate, type MigrationResult } from "./migrate.js";
import * as oauthFlows from "./oauth-flows.js";
import { createOutbox, type Outbox } from "./outbox.js";
import { createVendorBudgets, type VendorBudgets } from "./budgets.js";
import { defaultDataDir } from "./paths.js";
import { preparePage, type PreparedPage } from "./prepare.js";
import * as reads from "./reads.js";
import { rotateCredentials, type RotateOptions } from "./rotation.js";
import * as runs from "./runs.js";
import {
  type AbandonConnectionRunsSchema,
  type AbandonStaleRunsSchema,
  type AcceptDpaSchema,
  CommitPageSchema,
  CommitPreparedSchema,
  type ConnectionRefSchema,
  type CreateConnectionSchema,
  type CreateTenantSchema,
  type CursorRefSchema,
  type FinishRunSchema,
  type GetDocumentSchema,
  type GetRecordSchema,
  type ListConnectionsSchema,
  type ListDocumentsSchema,
  type ListQuarantineSchema,
  type ListRecordsSchema,
  type ListRunsSchema,
  type ListSchedulableSchema,
  type RouteConnectionSchema,
  type MarkUnseenSchema,
  parseInput,
  type RunRefSchema,
  type SetConnectionStatusSchema,
  type SetCursorSchema,
  type StartRunSchema,
  TenantIdSchema,
  type TenantRefSchema,
  type UpdateConnectionSchema,
  type UpdateCredentialsSchema,
  type WebhookEventSchema,
  type WithdrawDpaSchema,
} from "./schemas.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { withTenantTransaction } from "./tenancy.js";
import type {
  AbandonedRun,
  CommitPageInput,
  CommitPreparedInput,
  CommitPageResult,
  Connection,
  QuarantineEntry,
  RotationResult,
  SchedulableConnection,
  StoredDocument,
  StoredRecord,
  StoreLimits,
  SyncRun,
  Tenant,
} from "./types.js";

export { DEFAULT_LIMITS };

export interface StoreOptions {
  /** A postgres:// URL: use a pg pool against that server. Default: `process.env.DATABASE_URL`. */
  databaseUrl?: string;
  /**
   * PGlite data folder when there is no database URL; `memory://` for an in-memory database.
   * Default: `.data/pglite` at the repo root (the folder with pnpm-workspace.yaml), else under the working folder.
   * Passing `dataDir` explicitly selects PGlite even when DATABASE_URL is set.
   */
  dataDir?: string;
  /** Bring your own driver (tests, custom pools). The store does not close a driver it did not create. */
  driver?: SqlDriver;
  /** Key ring for credentials. Default: core's `loadKeyRing()` from CONNECTOR_ENCRYPTION_KEY, read on first use. */
  keyRing?: KeyRing;
  logger?: Logger;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  limits?: Partial<StoreLimits>;
  /** pg pool size (default 10). */
  poolSize?: number;
  /** pg: keep the statements every page runs prepared on each connection (default true; see createPgDriver). */
  preparedStatements?: boolean;
  /** Testing seam: runs after each record batch inside commitPage's transaction; a throw aborts the page. */
  onCommitBatch?: BatchHook;
}

export type Input<S extends z.ZodType> = z.input<S>;

export interface Store {
  readonly engine: "pglite" | "pg";

  createTenant(input: Input<typeof CreateTenantSchema>): Promise<Tenant>;
  getTenant(input: Input<typeof TenantRefSchema>): Promise<Tenant>;
  acceptDpa(input: Input<typeof AcceptDpaSchema>): Promise<Tenant>;
  /** Clears the tenant's DPA acceptance and stops its connections of DPA-gated connectors (see connections.ts). */
  withdrawDpa(input: Input<typeof WithdrawDpaSchema>): Promise<{ tenant: Tenant; stopped: string[] }>;

  createConnection(input: Input<typeof CreateConnectionSchema>): Promise<Connection>;
  getConnection(input: Input<typeof ConnectionRefSchema>): Promise<Connection>;
  listConnections(input: Input<typeof ListConnectionsSchema>): Promise<Connection[]>;
  getConnectionCredentials(input: Input<typeof ConnectionRefSchema>): Promise<Credentials>;
  updateCredentials(input: Input<typeof UpdateCredentialsSchema>): Promise<Connection>;
  /**
   * An OAuth refresh under a row lock on the connection: re-reads and decrypts the credentials with the lock held,
   * calls `refresh` only if `isStale` still says so, encrypts and persists the result, commits, and returns it.
   * Concurrent callers queue, so one refresh serves them all (see credentials-refresh.ts for the bounds).
   */
  refreshCredentials(input: RefreshCredentialsInput): Promise<RefreshCredentialsResult>;
  updateConnection(input: Input<typeof UpdateConnectionSchema>): Promise<Connection>;
  setConnectionStatus(input: Input<typeof SetConnectionStatusSchema>): Promise<Connection>;
  deleteConnection(input: Input<typeof ConnectionRefSchema>): Promise<void>;

  getCursor(input: Input<typeof CursorRefSchema>): Promise<string | null>;
  setCursor(input: Input<typeof SetCursorSchema>): Promise<void>;

  startRun(input: Input<typeof StartRunSchema>): Promise<SyncRun>;
  finishRun(input: Input<typeof FinishRunSchema>): Promise<SyncRun>;
  getRun(input: Input<typeof RunRefSchema>): Promise<SyncRun>;
  listRuns(input: Input<typeof ListRunsSchema>): Promise<SyncRun[]>;
  heartbeatRun(input: Input<typeof RunRefSchema>): Promise<boolean>;
  /** Closes the connection's other running runs as `abandoned` at their last heartbeat (see runs.ts). */
  abandonConnectionRuns(input: Input<typeof AbandonConnectionRunsSchema>): Promise<AbandonedRun[]>;

  /** Across tenants, as the maintenance role `gtm_maintenance` (see migration 0006): scheduling and housekeeping. */
  readonly maintenance: {
    listConnections(input?: Input<typeof ListSchedulableSchema>): Promise<SchedulableConnection[]>;
    /** A connection's tenant, connector and status from its id alone (a webhook names only the connection). */
    routeConnection(input: Input<typeof RouteConnectionSchema>): Promise<SchedulableConnection | null>;
    abandonStaleRuns(input: Input<typeof AbandonStaleRunsSchema>): Promise<AbandonedRun[]>;
  };

  commitPage(input: CommitPageInput): Promise<CommitPageResult>;
  /**
   * `commitPage` of a page `prepareCommit` made beforehand, maybe in another thread: only its shape is checked here
   * (and that it was prepared under this store's `limits`); the transaction is the same.
   */
  commitPrepared(input: CommitPreparedInput): Promise<CommitPageResult>;
  /** What this store accepts per page and record; `prepareCommit` needs them to prepare a page for it. */
  readonly limits: Readonly<StoreLimits>;
  markUnseenAsDeleted(input: Input<typeof MarkUnseenSchema>): Promise<{ deleted: number }>;
  recordWebhookEvent(input: Input<typeof WebhookEventSchema>): Promise<boolean>;

  /** Keeps a started OAuth flow (its PKCE verifier encrypted) until the callback takes it; see oauth-flows.ts. */
  saveOAuthFlow(input: Input<typeof oauthFlows.SaveOAuthFlowSchema>): Promise<void>;
  /** Takes a pending OAuth flow exactly once (DELETE ... RETURNING): `ok`, `expired` or `unknown`. */
  takeOAuthFlow(input: Input<typeof oauthFlows.TakeOAuthFlowSchema>): Promise<oauthFlows.TakenOAuthFlow>;

  getRecord(input: Input<typeof GetRecordSchema>): Promise<StoredRecord | null>;
  listRecords(input: Input<typeof ListRecordsSchema>): Promise<StoredRecord[]>;
  listQuarantine(input: Input<typeof ListQuarantineSchema>): Promise<QuarantineEntry[]>;
  getDocument(input: Input<typeof GetDocumentSchema>): Promise<StoredDocument | null>;
  listDocuments(input: Input<typeof ListDocumentsSchema>): Promise<StoredDocument[]>;
  /**
   * One account's buying group across every connector: the account (by `accountId` or `domain`), its people (linked
   * by account or by email domain) with role, last activity and activity counts. See buying-group.ts.
   */
  getBuyingGroup(input: GetBuyingGroupInput): Promise<BuyingGroup>;

  /** Canonical changes queued for a connection's source (see outbox.ts). */
  readonly outbox: Outbox;
  /** Vendor rate budgets shared across connections and processes (see budgets.ts). */
  readonly budgets: VendorBudgets;

  /**
   * Runs `fn` in one transaction scoped to `tenantId` (role gtm_app, row-level security on). For queries the API
   * does not cover; `tx` sees only that tenant's rows and cannot write another tenant's.
   */
  withTenant<T>(tenantId: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;

  /** Re-encrypts every connection's credentials under `keyRing`'s current key (default: the store's key ring). */
  rotateCredentials(keyRing?: KeyRing, options?: RotateOptions): Promise<RotationResult>;

  /** Applies pending migrations (openStore already does unless `migrate: false`). */
  migrate(): Promise<MigrationResult>;
  close(): Promise<void>;
}

async function resolveDriver(options: StoreOptions, logger: Logger): Promise<{ driver: SqlDriver; owned: boolean }> {
  if (options.driver) return { driver: options.driver, owned: false };
  const databaseUrl = options.databaseUrl ?? (options.dataDir === undefined ? process.env["DATABASE_URL"] : undefined);
  if (databaseUrl !== undefined && databaseUrl !== "") {
    const driver = createPgDriver({
      databaseUrl,
      ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
      ...(options.preparedStatements === undefined ? {} : { preparedStatements: options.preparedStatements }),
      onError: (error) => logger.error("idle database connection failed", { error: error.message }),
    });
    return { driver, owned: true };
  }
  return { driver: await createPgliteDriver({ dataDir: options.dataDir ?? defaultDataDir() }), owned: true };
}

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const logger = options.logger ?? noopLogger;
  const { driver, owned } = await resolveDriver(options, logger);

  let keyRing = options.keyRing;
  const ctx: StoreContext = {
    driver,
    keyRing: () => (keyRing ??= loadKeyRing()),
    logger,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    onBatch: options.onCommitBatch,
  };

  if (options.migrate !== false) {
    try {
      const result = await migrate(driver, { logger });
      if (result.applied.length > 0) logger.info("store migrated", { ...result });
    } catch (error) {
      if (owned) await driver.close();
      throw error;
    }
  }

  return {
    engine: driver.engine,
    createTenant: (input) => connections.createTenant(ctx, input),
    getTenant: (input) => connections.getTenant(ctx, input),
    acceptDpa: (input) => connections.acceptDpa(ctx, input),
    withdrawDpa: (input) => connections.withdrawDpa(ctx, input),
    createConnection: (input) => connections.createConnection(ctx, input),
    getConnection: (input) => connections.getConnection(ctx, input),
    listConnections: (input) => connections.listConnections(ctx, input),
    getConnectionCredentials: (input) => connections.getConnectionCredentials(ctx, input),
    updateCredentials: (input) => connections.updateCredentials(ctx, input),
    refreshCredentials: (input) => refreshCredentials(ctx, input),
    updateConnection: (input) => connections.updateConnection(ctx, input),
    setConnectionStatus: (input) => connections.setConnectionStatus(ctx, input),
    deleteConnection: (input) => connections.deleteConnection(ctx, input),
    getCursor: (input) => runs.getCursor(ctx, input),
    setCursor: (input) => runs.setCursor(ctx, input),
    startRun: (input) => runs.startRun(ctx, input),
    finishRun: (input) => runs.finishRun(ctx, input),
    getRun: (input) => runs.getRun(ctx, input),
    listRuns: (input) => runs.listRuns(ctx, input),
    heartbeatRun: (input) => runs.heartbeatRun(ctx, input),
    abandonConnectionRuns: (input) => runs.abandonConnectionRuns(ctx, input),
    maintenance: {
      listConnections: (input) => connections.listSchedulableConnections(ctx, input),
      routeConnection: (input) => connections.routeConnection(ctx, input),
      abandonStaleRuns: (input) => runs.abandonStaleRuns(ctx, input),
    },
    commitPage: (input) => commitPage(ctx, input),
    commitPrepared: (input) => commitPrepared(ctx, input),
    limits: Object.freeze({ ...ctx.limits }),
    markUnseenAsDeleted: (input) => runs.markUnseenAsDeleted(ctx, input),
    recordWebhookEvent: (input) => runs.recordWebhookEvent(ctx, input),
    saveOAuthFlow: (input) => oauthFlows.saveOAuthFlow(ctx, input),
    takeOAuthFlow: (input) => oauthFlows.takeOAuthFlow(ctx, input),
    getRecord: (input) => reads.getRecord(ctx, input),
    listRecords: (input) => reads.listRecords(ctx, input),
    listQuarantine: (input) => reads.listQuarantine(ctx, input),
    getDocument: (input) => reads.getDocument(ctx, input),
    listDocuments: (input) => reads.listDocuments(ctx, input),
    getBuyingGroup: (input) => getBuyingGroup(ctx, input),
    outbox: createOutbox(ctx),
    budgets: createVendorBudgets(ctx),
    withTenant: async (tenantId, fn) =>
      withTenantTransaction(driver, parseInput(TenantIdSchema, tenantId, "tenantId"), fn),
    rotateCredentials: (ring, rotateOptions) => rotateCredentials(ctx, ring ?? ctx.keyRing(), rotateOptions),
    migrate: () => migrate(driver, { logger }),
    close: async () => {
      if (owned) await driver.close();
    },
  };
}

async function commitPage(ctx: StoreContext, input: CommitPageInput): Promise<CommitPageResult> {
  const parsed = parseInput(CommitPageSchema, input, "commitPage input");
  // Validation, dedupe and hashing happen before the transaction: no lock is held while the CPU works.
  return commitInTransaction(ctx, parsed, preparePage(parsed, ctx.limits));
}

async function commitPrepared(ctx: StoreContext, input: CommitPreparedInput): Promise<CommitPageResult> {
  const parsed = parseInput(CommitPreparedSchema, input, "commitPrepared input");
  const { prepared } = parsed;
  const differs = (Object.keys(ctx.limits) as (keyof StoreLimits)[]).filter((name) => name !== "batchSize" && prepared.limits[name] !== ctx.limits[name]);
  if (differs.length > 0) {
    throw new ValidationError(`invalid commitPrepared input: prepared under other limits (${differs.join(", ")}) than this store's; prepare it with store.limits`);
  }
  return commitInTransaction(ctx, parsed, {
    records: [],
    serialized: prepared.records,
    documents: prepared.documents,
    quarantine: [...prepared.quarantine],
    duplicates: prepared.duplicates,
  });
}

async function commitInTransaction(
  ctx: StoreContext,
  target: z.output<typeof CommitPreparedSchema> | z.output<typeof CommitPageSchema>,
  page: PreparedPage,
): Promise<CommitPageResult> {
  let last: Promise<unknown> | undefined;
  try {
    const result = await withTenantTransaction(ctx.driver, target.tenantId, async (tx) => {
      const committing = await commitPreparedPage(
        tx,
        {
          tenantId: target.tenantId,
          connectionId: target.connectionId,
          runId: target.runId,
          stream: target.stream,
          cursor: target.cursor,
          hasMore: target.hasMore,
          webhookEventId: target.webhookEventId,
        },
        page,
        { limits: ctx.limits, onBatch: ctx.onBatch },
      );
      // The page's last statements are still in flight: COMMIT follows them in the same round trip.
      last = committing.last;
      return committing.result;
    });
    await last;
    return result;
  } catch (error) {
    // A last statement that failed turned the COMMIT into a rollback: its error is the cause worth reporting.
    await last;
    throw error;
  }
}
