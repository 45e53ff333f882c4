/**
 * The contract every connector's `./sandbox` export provides: one descriptor, started the same way by the
 * conformance suite, the worker's demo and benchmarks, and a connector's own tests. `S` is the connector's connection
 * settings type; the kit knows nothing about it.
 */
import type { Credentials } from "@gtm-clarity/core";
import type { Clock } from "./clock.js";
import type { FaultPlan, FaultSpec } from "./faults.js";
import type { RateWindowOptions } from "./rate-window.js";
import type { SandboxStats } from "./stats.js";
import type { WebhookDelivery } from "./webhook-sender.js";

export interface SandboxBinding {
  tenantId: string;
  connectionId: string;
}

/** Overrides of a sandbox's rate windows by name (e.g. Fathom: `global`, `heavy`), or `false` for no limits. */
export type SandboxRateLimitOption = false | Readonly<Record<string, Partial<RateWindowOptions>>>;

export interface SandboxStartOptions {
  /** Same seed, same source: same data and same credentials (so a rerun of a demo sees the same vendor). */
  seed?: number;
  /** Scale of the seeded data, in the sandbox's main unit (Fathom: meetings). */
  size?: number;
  /** Default: the vendor's documented limits. */
  rateLimit?: SandboxRateLimitOption;
  /** Faults armed from the start; more can be armed through `faults` later. */
  faults?: readonly FaultSpec[];
  /** For rate windows, token expiry and request times. */
  clock?: Clock;
}

export interface SandboxWebhookOptions {
  /** The payload; default: one the sandbox picks from its data. */
  event?: unknown;
  id?: string;
  /** Unix seconds. */
  timestamp?: number;
  /** Sign with another secret (a forged delivery). */
  secret?: string;
  /** Retry schedule on non-2xx answers. Default: none. */
  retryDelaysMs?: readonly number[];
}

export interface SandboxWebhooks {
  /** The signing secret a receiver verifies with. */
  readonly secret: string;
  send(url: string, options?: SandboxWebhookOptions): Promise<WebhookDelivery>;
}

export interface RunningSandbox<S, X extends SandboxStats = SandboxStats> {
  /** The base URL a connection's settings point at. */
  readonly url: string;
  /** Connection settings for a connection bound to `binding`, pointing at this sandbox (secrets sealed for it). */
  settings(binding: SandboxBinding): S;
  /** Secret inputs the sandbox accepts, e.g. `{ apiKey, baseUrl }`. */
  readonly credentials: Credentials;
  /** The same shape with a wrong secret: every request is refused. */
  readonly badCredentials: Credentials;
  /** Records (emitted + quarantined) a full sync of the current data must see. */
  readonly expectedRecords: number;
  /** New data at the source, for incremental-sync demos and tests. Resolves to how many items were added. */
  addNewData(count: number): Promise<number>;
  readonly faults: FaultPlan;
  readonly webhooks?: SandboxWebhooks;
  /**
   * For an OAuth connector: the environment its app registration is read from (client id and secret, authority),
   * pointed at this sandbox's authorization server, for an app that runs the connector against the sandbox.
   */
  oauthEnv?(): Record<string, string>;
  stats(): X;
  close(): Promise<void>;
}

export interface SandboxDescriptor<S, R extends RunningSandbox<S> = RunningSandbox<S>> {
  /** The connector this sandbox stands in for (its registry id). */
  readonly connectorId: string;
  start(options?: SandboxStartOptions): Promise<R>;
}
