/**
 * A loopback fake of Customer.io's App API and reporting webhooks, on testkit's sandbox kit: `Authorization: Bearer`
 * with the workspace's App API key (401 `{"meta":{"error"}}` otherwise), the documented 10 requests per second per
 * workspace (a rolling window; 429 "Your request is over the 10-per-second limit" with no rate-limit headers and no
 * Retry-After, as Customer.io documents none), 30 days of activity history, `start`/`next` paging, the kit's faults,
 * and webhooks signed and delivered as Customer.io sends them (`webhooks.ts`).
 */
import {
  createSigningSecret,
  FaultPlan,
  RateLimiter,
  rateLimitGuard,
  requireBearer,
  resolveRateWindows,
  sandboxSecret,
  startSandboxServer,
  TokenSet,
  type Clock,
  type FaultSpec,
  type NamedRateWindow,
  type RequestRecord,
  type RunningSandbox,
  type SandboxStats,
  type SandboxWebhookOptions,
  type SandboxWebhooks,
  type WebhookDelivery,
} from "@gtm-clarity/testkit/sandbox";
import type { CustomerioSettingsInput } from "../settings.js";
import { appApiRoutes, cioError } from "./app-api.js";
import {
  DAY_SECONDS,
  freshSeed,
  HISTORY_DAYS,
  makeDelivery,
  makeWorkspace,
  newestFirst,
  toActivity,
  toWebhookBody,
  ulid,
  type SandboxEvent,
  type SandboxPerson,
} from "./data.js";
import { deliverInOrder, type DeliverOptions, type OrderedDelivery } from "./webhooks.js";

/** Customer.io's documented App API budget. */
export const CUSTOMERIO_WINDOWS: readonly NamedRateWindow[] = [{ name: "app", limit: 10, windowMs: 1_000, mode: "sliding" }];

export interface CustomerioSandboxOptions {
  /** The App API key the sandbox accepts. Default: derived from the seed (random without one). */
  apiKey?: string;
  /** The reporting webhook's signing secret. Default: derived from the seed (random without one). */
  webhookSecret?: string;
  seed?: number;
  /** People in the workspace (about two deliveries each). Default 25. */
  size?: number;
  /** Windows by name (`app`), or false for none. Default: 10 per second. */
  rateLimit?: false | Readonly<Record<string, Partial<Omit<NamedRateWindow, "name" | "applies">>>>;
  faults?: readonly FaultSpec[];
  clock?: Clock;
}

export interface CustomerioSandboxStats extends SandboxStats {
  readonly activityRequests: number;
  readonly searchRequests: number;
  readonly attributeRequests: number;
}

export interface CustomerioSandbox extends RunningSandbox<CustomerioSettingsInput, CustomerioSandboxStats> {
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly webhooks: SandboxWebhooks;
  /** The people, in search order. */
  people(): readonly SandboxPerson[];
  /** The events the activity log serves now (30 days, newest first), as the sandbox knows them. */
  events(): readonly SandboxEvent[];
  /** A new delivery (its events up to now) added at the head of the log; returns its events, oldest first. */
  addDelivery(options?: { channel?: string; personIndex?: number }): SandboxEvent[];
  /** A customer event (`subscribed`, `unsubscribed`, `cio_subscription_preferences_changed`); not in the log. */
  customerEvent(metric: string, personIndex?: number): SandboxEvent;
  webhookBody(event: SandboxEvent): Record<string, unknown>;
  activityEntry(event: SandboxEvent): Record<string, unknown>;
  /** Delivers events in order with retries, as Customer.io does. */
  deliver(url: string, events: readonly SandboxEvent[], options?: DeliverOptions): Promise<OrderedDelivery>;
  requests(): RequestRecord[];
  resetStats(): void;
}

export async function startCustomerioSandbox(options: CustomerioSandboxOptions = {}): Promise<CustomerioSandbox> {
  const seeded = options.seed === undefined ? {} : { seed: options.seed };
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? sandboxSecret("cio_app_", seeded);
  const webhookSecret = options.webhookSecret ?? (options.seed === undefined ? createSigningSecret() : sandboxSecret("", { ...seeded, bytes: 32 }));
  const clock: Clock = options.clock ?? Date.now;
  const nowSeconds = () => Math.floor(clock() / 1000);
  const workspace = makeWorkspace(seed, options.size ?? 25, nowSeconds());
  let sequence = workspace.people.length * 2 + 1_000;
  const visible = () => workspace.events.filter((event) => event.timestamp >= nowSeconds() - HISTORY_DAYS * DAY_SECONDS);

  const tokens = new TokenSet();
  tokens.add(apiKey);
  const windows = resolveRateWindows(CUSTOMERIO_WINDOWS, options.rateLimit);
  const limiter =
    windows &&
    new RateLimiter({
      windows,
      key: (req) => req.header("authorization") ?? "",
      rateLimitHeaders: "none",
      retryAfter: "none",
      clock,
    });
  const faults = new FaultPlan(options.faults ?? []);
  const server = await startSandboxServer({
    routes: appApiRoutes({ people: () => workspace.people, events: visible, nowSeconds }),
    guards: [
      requireBearer(tokens, () => cioError(401, "Unauthorized request")),
      ...(limiter ? [rateLimitGuard(limiter, () => cioError(429, "Your request is over the 10-per-second limit"))] : []),
    ],
    faults,
    errorReply: ({ status, message }) => cioError(status, message),
    counters: ["activityRequests", "searchRequests", "attributeRequests"],
    clock,
  });

  const person = (index: number | undefined): SandboxPerson => {
    const people = workspace.people;
    const chosen = people[(index ?? sequence) % Math.max(people.length, 1)];
    if (chosen === undefined) throw new Error("the sandbox workspace has no people");
    return chosen;
  };
  const addDelivery = (choice: { channel?: string; personIndex?: number } = {}): SandboxEvent[] => {
    sequence += 1;
    // Just now, as a new delivery shows up in the log: its events seconds apart, none in the future.
    const events = makeDelivery(freshSeed(), sequence, person(choice.personIndex), nowSeconds() - 30, 5)
      .filter((event) => event.timestamp <= nowSeconds())
      .map((event) => (choice.channel === undefined ? event : { ...event, objectType: choice.channel }));
    workspace.events.push(...events);
    workspace.events.sort(newestFirst);
    return events;
  };
  const webhooks: SandboxWebhooks = {
    secret: webhookSecret,
    async send(url: string, sendOptions: SandboxWebhookOptions = {}): Promise<WebhookDelivery> {
      const body = sendOptions.event ?? toWebhookBody(visible()[0] ?? addDelivery()[0] ?? customer("subscribed"));
      const bodyRecord = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : { value: body };
      const result = await deliverInOrder(url, webhookSecret, [bodyRecord], {
        ...(sendOptions.retryDelaysMs === undefined ? {} : { retryDelaysMs: sendOptions.retryDelaysMs }),
        ...(sendOptions.secret === undefined ? {} : { secret: sendOptions.secret }),
        ...(sendOptions.timestamp === undefined ? {} : { timestamp: sendOptions.timestamp }),
        clock,
      });
      const [delivery] = result.deliveries;
      if (delivery === undefined) throw new Error("nothing was delivered");
      return delivery;
    },
  };
  const customer = (metric: string, personIndex?: number): SandboxEvent => {
    const at = nowSeconds();
    return {
      eventId: ulid(at * 1000, Math.random),
      activityId: ulid(at * 1000 + 3, Math.random),
      objectType: "customer",
      metric,
      timestamp: at,
      person: person(personIndex),
    };
  };

  return {
    url: server.baseUrl,
    apiKey,
    webhookSecret,
    credentials: { apiKey },
    badCredentials: { apiKey: `${apiKey}-revoked` },
    settings: () => ({ baseUrl: server.baseUrl }),
    get expectedRecords() {
      // Every person once, and every event the log serves once (the malformed one as a quarantined record).
      return workspace.people.length + visible().length;
    },
    async addNewData(count) {
      let added = 0;
      while (added < count) added += addDelivery().length;
      return added;
    },
    faults,
    webhooks,
    people: () => workspace.people,
    events: visible,
    addDelivery,
    customerEvent: customer,
    webhookBody: toWebhookBody,
    activityEntry: toActivity,
    deliver: (url, events, deliverOptions = {}) => deliverInOrder(url, webhookSecret, events.map(toWebhookBody), { clock, ...deliverOptions }),
    stats() {
      const stats = server.stats();
      const counter = (name: string) => stats[name] ?? 0;
      return {
        ...stats,
        activityRequests: counter("activityRequests"),
        searchRequests: counter("searchRequests"),
        attributeRequests: counter("attributeRequests"),
      };
    },
    requests: () => server.requests(),
    resetStats: () => server.resetStats(),
    close: () => server.close(),
  };
}
