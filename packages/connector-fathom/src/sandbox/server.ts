/**
 * A loopback fake of the Fathom External API (`/external/v1`) on testkit's sandbox kit, close enough to test the
 * connector end to end: `X-Api-Key` auth, `GET /meetings` (see meetings.ts), Fathom's 60 per 60 s global and 30 per
 * 60 s "heavy" budgets (requests with `include_transcript` or `include_summary`) with `RateLimit-*` headers and no
 * `Retry-After` (Fathom documents none), Standard Webhooks deliveries, and the kit's faults.
 *
 * Error bodies are JSON; Fathom does not document them, and the connector must not depend on them.
 */
import { STATUS_CODES } from "node:http";
import {
  createStandardWebhookSecret,
  FaultPlan,
  json,
  RateLimiter,
  rateLimitGuard,
  requireHeaders,
  resolveRateWindows,
  route,
  sandboxSecret,
  sendWebhook,
  standardWebhooksSigner,
  startSandboxServer,
  type Clock,
  type FaultSpec,
  type NamedRateWindow,
  type RunningSandbox,
  type SandboxDescriptor,
  type SandboxStats,
  type SandboxWebhookOptions,
  type SandboxWebhooks,
  type WebhookDelivery,
  type WindowMode,
} from "@gtm-clarity/testkit/sandbox";
import type { FathomApiMeeting } from "../api-schema.js";
import type { FathomSettingsInput } from "../settings.js";
import { FATHOM_CONNECTOR_ID } from "../connector.js";
import { generateMeeting } from "./data.js";
import { isHeavy, isHeavyRequest, MeetingStore } from "./meetings.js";

export const SANDBOX_BASE_PATH = "/external/v1";

/** Fathom's documented budgets, per account (API key). */
const FATHOM_WINDOWS: readonly NamedRateWindow[] = [
  { name: "global", limit: 60, windowMs: 60_000, mode: "fixed" },
  { name: "heavy", limit: 30, windowMs: 60_000, mode: "fixed", applies: isHeavyRequest },
];

export interface SandboxRateLimitOptions {
  /** Global budget per window. Default 60 (Fathom's documented limit). */
  requests?: number;
  /** Budget for "heavy" requests (include_transcript or include_summary). Default 30. */
  heavyRequests?: number;
  /** Window length. Default 60,000 ms. */
  windowMs?: number;
  /** Default "fixed". */
  mode?: WindowMode;
}

/** Faults by request number, the sandbox's original shape; `FaultSpec[]` (testkit's) says the same and more. */
export interface SandboxFaults {
  /** 1-based numbers of requests (every request the server receives counts) answered with `failStatus`. */
  failRequests?: readonly number[];
  /** Default 503. */
  failStatus?: number;
  /** Positions (0 = newest) in the current newest-first list whose meeting is served malformed. */
  malformedMeetingIndexes?: readonly number[];
  /** Request numbers answered 200 with a body that is not a meetings page. */
  malformedPageRequests?: readonly number[];
  /** Added to every response. */
  latencyMs?: number;
  /** Request numbers answered after `slowMs` (default 2,000 ms) instead. */
  slowRequests?: readonly number[];
  slowMs?: number;
}

export interface FathomSandboxOptions {
  /** The one API key the sandbox accepts. Default: a random one, see `sandbox.apiKey`. */
  apiKey?: string;
  /** How many seeded meetings to serve. Default 25. */
  meetings?: number;
  seed?: number;
  /** Serve these meetings instead of generated ones (any order; they are sorted newest first). */
  data?: readonly FathomApiMeeting[];
  /** Meetings per page. Fathom's is 10 and is not settable by clients. */
  pageSize?: number;
  /** `false` turns rate limiting (and its headers) off. */
  rateLimit?: SandboxRateLimitOptions | false;
  faults?: SandboxFaults | readonly FaultSpec[];
  /** The secret webhooks are signed with. Default: a fresh `whsec_` secret. */
  webhookSecret?: string;
  /** Milliseconds clock for the rate-limit windows and request times. Default `Date.now`. */
  clock?: Clock;
}

export interface SandboxRequestRecord {
  n: number;
  method: string;
  /** Relative to `/external/v1`. */
  path: string;
  query: Record<string, string[]>;
  status: number;
  heavy: boolean;
  at: number;
}

export interface FathomSandboxStats extends SandboxStats {
  /** Authenticated requests to `/meetings`, refused ones included. */
  readonly meetingsRequests: number;
  readonly heavyRequests: number;
  /** Meetings sent in 200 pages (a meeting re-read by an overlap counts again). */
  readonly meetingsServed: number;
}

/** A connection's settings pointing at the sandbox; the key is `credentials.apiKey` (secrets are apart). */
export type FathomSandboxSettings = FathomSettingsInput;

export interface FathomSandbox extends RunningSandbox<FathomSandboxSettings, FathomSandboxStats> {
  /** Base URL to use as `settings.baseUrl`: `http://127.0.0.1:<port>/external/v1`. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly webhooks: SandboxWebhooks;
  /** The served meetings, newest first, with every include field present. */
  meetings(): FathomApiMeeting[];
  /** Appends `count` further seeded meetings, newer than every existing one. Returns them. */
  addMeetings(count: number): FathomApiMeeting[];
  /** Adds given meetings (e.g. one created inside the lookback window that became visible late). */
  insertMeetings(meetings: readonly FathomApiMeeting[]): void;
  /** Replaces every armed fault. */
  setFaults(faults: SandboxFaults | readonly FaultSpec[]): void;
  requests(): SandboxRequestRecord[];
  resetStats(): void;
  /** Signs a meeting as Fathom does and POSTs it to `url`. Default meeting: the newest one. */
  sendWebhook(url: string, options?: SandboxWebhookOptions & { meeting?: unknown }): Promise<WebhookDelivery>;
}

function faultSpecs(faults: SandboxFaults | readonly FaultSpec[], store: MeetingStore): readonly FaultSpec[] {
  if (Array.isArray(faults)) return faults;
  const legacy = faults as SandboxFaults;
  const onRequest = (requests: readonly number[] | undefined, fault: FaultSpec["fault"]) =>
    (requests ?? []).map((request): FaultSpec => ({ fault, match: { request } }));
  const meetings = store.all();
  return [
    ...(legacy.latencyMs ? [{ fault: { kind: "latency", ms: legacy.latencyMs }, times: "always" } satisfies FaultSpec] : []),
    ...onRequest(legacy.slowRequests, { kind: "latency", ms: legacy.slowMs ?? 2_000 }),
    ...onRequest(legacy.failRequests, { kind: "status", status: legacy.failStatus ?? 503 }),
    ...onRequest(legacy.malformedPageRequests, { kind: "malformed-page" }),
    // Positions name meetings as the list stands now, so they follow those meetings when newer ones arrive.
    ...(legacy.malformedMeetingIndexes ?? []).flatMap((index): FaultSpec[] => {
      const meeting = meetings[index];
      return meeting ? [{ fault: { kind: "malformed-item", itemId: String(meeting.recording_id) }, times: "always" }] : [];
    }),
  ];
}

interface LaunchConfig {
  apiKey: string;
  webhookSecret: string;
  seed: number;
  meetings: number;
  data: readonly FathomApiMeeting[] | undefined;
  pageSize: number;
  windows: NamedRateWindow[] | undefined;
  faults: SandboxFaults | readonly FaultSpec[];
  clock: Clock | undefined;
}

async function launch(config: LaunchConfig): Promise<FathomSandbox> {
  const { apiKey, seed } = config;
  let nextSequence = config.data ? 0 : config.meetings;
  const store = new MeetingStore(
    config.data ?? Array.from({ length: nextSequence }, (_, sequence) => generateMeeting(seed, sequence)),
    config.pageSize,
  );
  const faults = new FaultPlan(faultSpecs(config.faults, store));
  const clock = config.clock === undefined ? {} : { clock: config.clock };
  const limiter = config.windows && new RateLimiter({ windows: config.windows, key: (req) => req.header("x-api-key") ?? "", ...clock });

  const server = await startSandboxServer({
    basePath: SANDBOX_BASE_PATH,
    routes: [route("GET", "/meetings", (req) => store.list(req), { contentFaults: true })],
    guards: [
      requireHeaders({ "x-api-key": apiKey }, () => json(401, { error: "Unauthorized", message: "Invalid or missing API key" })),
      (req) => {
        if (req.path !== "/meetings" || req.method !== "GET") return undefined;
        req.count("meetingsRequests");
        if (isHeavyRequest(req)) req.count("heavyRequests");
        return undefined;
      },
      ...(limiter ? [rateLimitGuard(limiter, () => json(429, { error: "Too Many Requests", message: "Rate limit exceeded" }))] : []),
    ],
    faults,
    errorReply: ({ status, message }) => json(status, { error: STATUS_CODES[status] ?? "Error", message }),
    counters: ["meetingsRequests", "heavyRequests", "meetingsServed"],
    ...clock,
  });

  const webhooks: SandboxWebhooks = {
    secret: config.webhookSecret,
    async send(url, options = {}) {
      const event = options.event ?? store.all()[0];
      if (event === undefined) throw new Error("the sandbox has no meeting to send");
      const { secret, event: _event, ...rest } = options;
      return sendWebhook(url, standardWebhooksSigner(secret ?? config.webhookSecret), event, { ...rest, ...clock });
    },
  };
  const addMeetings = (count: number) => {
    const added = Array.from({ length: count }, () => generateMeeting(seed, nextSequence++));
    store.insert(added);
    return added;
  };

  return {
    url: server.baseUrl,
    port: server.port,
    apiKey,
    webhookSecret: config.webhookSecret,
    credentials: { apiKey },
    badCredentials: { apiKey: `${apiKey}-revoked` },
    get expectedRecords() {
      return store.distinctRecords();
    },
    settings: () => ({ baseUrl: server.baseUrl }),
    addNewData: async (count) => addMeetings(count).length,
    faults,
    webhooks,
    meetings: () => store.all(),
    addMeetings,
    insertMeetings: (meetings) => store.insert(meetings),
    setFaults(next) {
      faults.clear();
      for (const spec of faultSpecs(next, store)) faults.arm(spec);
    },
    stats() {
      const stats = server.stats();
      const counter = (name: string) => stats[name] ?? 0;
      return { ...stats, meetingsRequests: counter("meetingsRequests"), heavyRequests: counter("heavyRequests"), meetingsServed: counter("meetingsServed") };
    },
    requests: () => server.requests().map(({ faults: _faults, ...record }) => ({ ...record, heavy: isHeavy((name) => record.query[name]?.[0]) })),
    resetStats: () => server.resetStats(),
    sendWebhook: (url, { meeting, ...options } = {}) => webhooks.send(url, meeting === undefined ? options : { ...options, event: meeting }),
    close: () => server.close(),
  };
}

/** The sandbox with its original options (used by tests and benchmarks that tune it finely). */
export function startFathomSandbox(options: FathomSandboxOptions = {}): Promise<FathomSandbox> {
  const limits = options.rateLimit;
  return launch({
    apiKey: options.apiKey ?? sandboxSecret("sandbox_"),
    webhookSecret: options.webhookSecret ?? createStandardWebhookSecret(),
    seed: options.seed ?? 1,
    meetings: options.meetings ?? 25,
    data: options.data,
    pageSize: options.pageSize ?? 10,
    windows:
      limits === false
        ? undefined
        : FATHOM_WINDOWS.map((window) => ({
            ...window,
            limit: (window.name === "heavy" ? limits?.heavyRequests : limits?.requests) ?? window.limit,
            windowMs: limits?.windowMs ?? window.windowMs,
            mode: limits?.mode ?? window.mode,
          })),
    faults: options.faults ?? {},
    clock: options.clock,
  });
}

/**
 * What the conformance suite, the worker's demo and benchmarks start. `size` is the number of meetings; rate windows
 * are named `global` and `heavy`. A given seed also fixes the API key and webhook secret, so a rerun of a demo finds
 * the same source it stored a connection for.
 */
export const fathomSandbox: SandboxDescriptor<FathomSandboxSettings, FathomSandbox> = {
  connectorId: FATHOM_CONNECTOR_ID,
  async start(options = {}) {
    const seeded = options.seed === undefined ? {} : { seed: options.seed };
    return launch({
      apiKey: sandboxSecret("sandbox_", seeded),
      webhookSecret: sandboxSecret("whsec_", { ...seeded, bytes: 24, encoding: "base64" }),
      seed: options.seed ?? 1,
      meetings: options.size ?? 25,
      data: undefined,
      pageSize: 10,
      windows: resolveRateWindows(FATHOM_WINDOWS, options.rateLimit),
      faults: options.faults ?? [],
      clock: options.clock,
    });
  },
};
