/**
 * The Connector interface every source implements, with its optional, typed capabilities.
 * `sync` returns ONE page; the caller (the worker) loops while `hasMore` and commits each page with its cursor.
 */
import type { z } from "zod";
import type { CanonicalAccount, CanonicalActivity, CanonicalPerson, CanonicalRecord } from "./canonical.js";
import type { FieldMapping } from "./field-mapping.js";
import type { Logger } from "./logger.js";
import type { VendorBudget } from "./vendor-budget.js";

/** Plain string credentials as `authenticate` returns them; the store keeps them encrypted. */
export type Credentials = Record<string, string>;

/**
 * What `authenticate` connects with. `S` is the connector's settings type (its `settingsSchema`'s output): the caller
 * parses stored settings with `parseConnectorSettings` first; a connector parses them again at its boundary anyway
 * (idempotent), which also strips anything that does not belong in settings.
 */
export interface ConnectorConfig<S = Record<string, unknown>> {
  tenantId: string;
  connectionId: string;
  /**
   * Non-secret settings (base URL, region, streams, privacy switches). Connectors written before `secrets` existed
   * also find their encrypted key here (e.g. `encryptedApiKey`).
   */
  settings: S;
  /**
   * Secret inputs as a person gave them to connect (a connect form's API key), checked with the connector's
   * `secretsSchema`. Plain text in memory only: the store encrypts what `authenticate` returns, and nothing logs it.
   */
  secrets?: Credentials;
  /**
   * When the tenant accepted the data processing agreement, as the caller read it from the store; null or absent
   * when it has not. A connector with `requiresDpa` refuses (`assertDpaAccepted`) before any request leaves.
   */
  dpaAcceptedAt?: Date | null;
}

export interface AuthenticateResult {
  credentials: Credentials;
  /** When the credentials stop working (OAuth access tokens); absent for keys that do not expire. */
  expiresAt?: Date;
}

export interface SyncOptions<S = Record<string, unknown>> {
  /** Ignore the cursor's incremental position and read everything again. */
  fullSync?: boolean;
  /** Aborts in-flight requests; the caller stops at a page boundary. */
  signal?: AbortSignal;
  logger?: Logger;
  /** The connection's settings, parsed with the connector's `settingsSchema` (`parseConnectorSettings`). */
  settings?: S;
  /**
   * When the tenant accepted the data processing agreement, as the caller read it from the store; null or absent
   * when it has not. A connector with `requiresDpa` refuses (`assertDpaAccepted`) before any request leaves.
   */
  dpaAcceptedAt?: Date | null;
}

export interface HealthCheckOptions<S = Record<string, unknown>> {
  settings?: S;
  signal?: AbortSignal;
  /**
   * When the tenant accepted the data processing agreement, as the caller read it from the store; null or absent
   * when it has not. A connector with `requiresDpa` refuses (`assertDpaAccepted`) before any request leaves.
   */
  dpaAcceptedAt?: Date | null;
}

/**
 * What a connector knows about one page (`buildSyncPage` fills it). Whether a record was new or changed only the
 * store knows, and its counts are the authoritative ones; `created`/`updated` remain for connectors that still
 * report a guess, and nothing reads them.
 */
export interface SyncStats {
  /** Records on the page (`records.length`). */
  records?: number;
  /** Source records on the page that went to quarantine (`quarantined.length`). */
  quarantined?: number;
  /** Records that failed validation and went to `quarantined` (the same count, under its older name). */
  errors: number;
  /** HTTP requests made for this page, including retries. */
  requests?: number;
  /**
   * Named counts specific to a connector (`quality.normalised`, `quality.duplicates`, `backfill.days`, ...): the
   * runner sums each name over a run's pages and records the totals with the run. Counts only, never values.
   */
  counts?: Record<string, number>;
  /**
   * Facts about the data a person should see once per run (e.g. "the API keeps 30 days of history: older activity
   * was not backfilled"); the runner keeps each distinct notice once. Never record contents or secrets.
   */
  notices?: string[];
  /** @deprecated A connector's guess at new records; the store's counts are authoritative. */
  created?: number;
  /** @deprecated A connector's guess at changed records; the store's counts are authoritative. */
  updated?: number;
}

/** A large body (transcript, summary, email body) stored apart from the activity that owns it. */
export interface ConnectorDocument {
  /** Unique per connection: e.g. `${activityExternalId}:transcript`. */
  externalId: string;
  activityExternalId: string;
  type: string;
  text: string;
  byteSize: number;
  /** sha256 hex of `text`. */
  contentHash: string;
  mediaType?: string;
}

/** A raw source record that could not become a canonical one, with why. Never silently dropped. */
export interface QuarantinedRecord {
  externalId?: string;
  raw: unknown;
  reasons: { path: string; message: string }[];
}

export interface SyncResult<R extends CanonicalRecord = CanonicalRecord> {
  records: R[];
  /** Cursor to pass to the next `sync` call; opaque to the caller. */
  cursor: string | null;
  hasMore: boolean;
  syncedAt: Date;
  stats: SyncStats;
  documents?: ConnectorDocument[];
  quarantined?: QuarantinedRecord[];
}

export interface ConnectorHealthStatus {
  healthy: boolean;
  lastSync: Date | null;
  error?: string;
  latencyMs?: number;
}

// ---- optional capabilities -------------------------------------------------------------------------------------

export interface OAuthAuthorizationRequest {
  /** The signed-in session's tenant (server-side), which the state is bound to. */
  tenantId: string;
  connectionId: string;
  redirectUri: string;
  /**
   * `createOAuthBinding().cookieValue`: the app sets it as an HttpOnly, SameSite=Lax cookie on the redirect to the
   * provider, and the state carries its hash, so only this browser can complete the flow.
   */
  sessionBinding: string;
  /** Extra scopes beyond the connector's defaults. */
  scopes?: string[];
}

export interface OAuthAuthorization {
  url: string;
  /** Signed state sent to the provider; verified on callback. */
  state: string;
  /** PKCE verifier to keep server-side until the callback. */
  codeVerifier: string;
}

export interface OAuthCallback {
  code: string;
  state: string;
  codeVerifier: string;
  redirectUri: string;
  /** The binding cookie as the callback request carries it; undefined when it carries none (then rejected). */
  sessionBinding: string | undefined;
  /**
   * The tenant of the signed-in session handling the callback, from the server-side session, never from the state
   * or the query: a state started for another tenant is rejected.
   */
  tenantId: string;
}

export interface OAuthTokens extends AuthenticateResult {
  /** Present when the provider rotated the refresh token; the caller must persist it before use. */
  rotated?: boolean;
  /**
   * Non-secret facts learned while connecting (an org id, a user id, an instance host), which the caller merges into
   * the connection's settings; parsed again with the connector's `settingsSchema` on every use.
   */
  settings?: Record<string, unknown>;
}

/**
 * What every OAuth call may need besides its own input: the connection's settings (a per-connection login host:
 * Salesforce's production, sandbox or My Domain) and, for DPA-gated connectors, the tenant's acceptance.
 */
export interface OAuthCallOptions<S = Record<string, unknown>> {
  settings?: S;
  dpaAcceptedAt?: Date | null;
  signal?: AbortSignal;
}

export interface OAuthCapability<S = Record<string, unknown>> {
  authorizationUrl(request: OAuthAuthorizationRequest, options?: OAuthCallOptions<S>): Promise<OAuthAuthorization>;
  exchangeCode(callback: OAuthCallback, options?: OAuthCallOptions<S>): Promise<OAuthTokens>;
  refresh(credentials: Credentials, options?: OAuthCallOptions<S>): Promise<OAuthTokens>;
  /**
   * Revokes the grant at the provider when a connection is disconnected, where the provider offers it. Revoking a
   * grant that is already invalid is not an error.
   */
  revoke?(credentials: Credentials, options?: OAuthCallOptions<S>): Promise<void>;
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface WebhookRequest {
  headers: HeaderBag;
  /** The body exactly as received: signatures are computed over raw bytes. */
  rawBody: string | Uint8Array;
  /** The connection's webhook signing secret. */
  secret: string;
  now?: Date;
}

export interface WebhookEvent {
  /** The source's event id, the dedupe key per connection. */
  eventId: string;
  records: CanonicalRecord[];
  documents: ConnectorDocument[];
  quarantined: QuarantinedRecord[];
}

export interface WebhookCapability {
  /** Verifies the signature and parses the body. Throws SignatureError for a forged, stale or malformed request. */
  handle(request: WebhookRequest): Promise<WebhookEvent>;
}

export interface WritebackResult {
  externalId: string;
  ok: boolean;
  error?: string;
  /** For a failed record: whether sending it again later may succeed (a locked row) or never will (a bad value). */
  retryable?: boolean;
}

export interface WritebackOptions<S = Record<string, unknown>> {
  /** The connection's settings, parsed with the connector's `settingsSchema`. */
  settings?: S;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface WritebackCapability<S = Record<string, unknown>> {
  /**
   * Pushes canonical changes to the source and answers per record, in the order given. Must be idempotent: pushing
   * a change that was already applied changes nothing (the caller's outbox re-sends after a crash).
   */
  push(credentials: Credentials, records: CanonicalRecord[], options?: WritebackOptions<S>): Promise<WritebackResult[]>;
}

// ---- the interface ---------------------------------------------------------------------------------------------

export type AnyCanonical = CanonicalPerson | CanonicalAccount | CanonicalActivity;

/**
 * `S` is the type of the connection's non-secret settings, declared by `settingsSchema`; secrets travel apart
 * (`secretsSchema` for what a person types in, `Credentials` for what the store keeps encrypted).
 */
export interface Connector<R extends CanonicalRecord = AnyCanonical, S = Record<string, unknown>> {
  readonly id: string;
  readonly name: string;
  /** The package's own version, read from its package.json. */
  readonly version: string;
  /**
   * The connection's non-secret settings (base URL, region, streams, privacy switches). Every field has a default,
   * so `{}` parses: a connection works before anyone opens its settings. `describeSettings` turns it into form
   * fields.
   */
  readonly settingsSchema?: z.ZodType<S>;
  /**
   * What a person provides to connect with a key (e.g. `{ apiKey }`); absent for connectors that connect through
   * OAuth only. Checked with `parseConnectorSecrets`, whose errors never contain the values.
   */
  readonly secretsSchema?: z.ZodType<Credentials>;
  authenticate(config: ConnectorConfig<S>): Promise<AuthenticateResult>;
  sync(credentials: Credentials, lastSyncCursor: string | null, options?: SyncOptions<S>): Promise<SyncResult<R>>;
  getSchema(): FieldMapping[];
  healthCheck(credentials: Credentials, options?: HealthCheckOptions<S>): Promise<ConnectorHealthStatus>;
  readonly oauth?: OAuthCapability<S>;
  readonly webhooks?: WebhookCapability;
  readonly writeback?: WritebackCapability<S>;
  /** Whether the tenant must have accepted the data processing agreement before this connector may sync. */
  readonly requiresDpa?: boolean;
  /** The vendor account a connection draws on and its documented rate window (./vendor-budget.ts). */
  readonly budget?: VendorBudget;
}
