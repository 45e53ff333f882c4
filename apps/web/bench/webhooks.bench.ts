/**
 * Webhook ingestion on PostgreSQL: the route's handler behind a loopback HTTP server, Fathom-signed deliveries at a
 * fixed rate (latency from each request's scheduled send time, so a stall is not hidden by sending less), then the
 * same number of fresh deliveries as fast as a fixed number of senders can (sustained events/s), beside a
 * store-only commit of the same parsed events in the same run (the ceiling the route is measured against).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { startFathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { connectorRegistry, signStandardWebhook, type WebhookEvent } from "@gtm-clarity/core";
import { createPgDriver, createPgliteDriver, type SqlDriver } from "@gtm-clarity/store";
import { handleWebhook } from "../src/handlers/webhook.js";
import { createRuntime, type WebRuntime } from "../src/runtime.js";
import { newWebhookSecret, sealWebhookSecret, WEBHOOK_SECRET_SETTING } from "../src/webhook-secret.js";

const smoke = process.env["BENCH_SMOKE"] === "1";
const HELP = `Usage: pnpm --filter @gtm-clarity/web bench [-- --events <n>] [--rate <req/s>] [--senders <n>]

Webhook ingestion through apps/web's webhook handler (Standard Webhooks verification on the raw bytes, the
Fathom transform, one store commit with event-id dedupe per delivery) on PostgreSQL, behind a loopback HTTP
server (Next's own routing is not included). Three phases over the same Fathom meetings:
  paced      --events deliveries at --rate requests/s: p50/p99 latency (from each scheduled send), errors
  sustained  --events fresh deliveries from --senders concurrent senders: verified-and-committed events/s
  store      the same parsed events committed straight through the store (same concurrency): events/s
Targets (issue 15): p99 under 250 ms at 100 requests/s, 0 errors, sustained at least 50% of store-only.

Database: DATABASE_URL, else TEST_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres; a fresh
database is created and dropped. Without a reachable server it runs on in-memory PGlite and says so.

Options:
  --events <n>    deliveries per phase (default 2000; BENCH_SMOKE=1: 150)
  --rate <n>      paced phase requests per second (default 100)
  --senders <n>   concurrent senders in the sustained and store phases (default 16)
  -h, --help      this text`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    events: { type: "string", default: smoke ? "150" : "2000" },
    rate: { type: "string", default: "100" },
    senders: { type: "string", default: "16" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive whole number`);
    process.exit(2);
  }
  return n;
};
const EVENTS = positive("events", values.events);
const RATE = positive("rate", values.rate);
const SENDERS = positive("senders", values.senders);

async function database(): Promise<{ driver: SqlDriver; label: string; drop: () => Promise<void> }> {
  const adminUrl = process.env["DATABASE_URL"] || process.env["TEST_DATABASE_URL"] || "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = createPgDriver({ databaseUrl: adminUrl, max: 1 });
  try {
    await admin.exec("SELECT 1");
  } catch (error) {
    await admin.close().catch(() => undefined);
    console.log(`bench: PostgreSQL not reachable (${error instanceof Error ? error.message : String(error)}); running on in-memory PGlite instead`);
    const driver = await createPgliteDriver();
    return { driver, label: "PGlite (in memory)", drop: () => driver.close() };
  }
  const name = `web_bench_${Date.now()}_${process.pid}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const driver = createPgDriver({ databaseUrl: url.toString(), max: SENDERS + 4 });
  return {
    driver,
    label: `PostgreSQL ${url.host}`,
    drop: async () => {
      await driver.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

async function fathomConnection(rt: WebRuntime, tenantId: string): Promise<{ connectionId: string; secret: string }> {
  const connectionId = randomUUID();
  const secret = newWebhookSecret();
  const fathom = connectorRegistry.get("fathom");
  await rt.store.createConnection({
    tenantId,
    connectionId,
    connectorId: "fathom",
    connectorVersion: fathom.version,
    credentials: { apiKey: "bench-key-not-used" },
    settings: { [WEBHOOK_SECRET_SETTING]: sealWebhookSecret(secret, { tenantId, connectionId }, rt.keyRing) },
  });
  return { connectionId, secret };
}

interface Delivery {
  headers: Record<string, string>;
  body: Uint8Array;
}

function deliveries(bodies: readonly Uint8Array[], secret: string, prefix: string): Delivery[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return bodies.map((body, index) => {
    const id = `${prefix}_${index}`;
    return {
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signStandardWebhook({ id, timestamp, body, secret }),
      },
    };
  });
}

/** Exceptions the handler threw (answered 500), by message. */
const serverErrors = new Map<string, number>();

/** node:http in front of the route's handler, as Next hands it a Request. */
function serve(rt: WebRuntime): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const [, , , connector = "", connection = ""] = (req.url ?? "").split("/");
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        req.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
        req.on("end", () => controller.close());
        req.on("error", (error) => controller.error(error));
      },
    });
    const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method ?? "POST", headers, body, duplex: "half" } as RequestInit);
    handleWebhook(rt, request, { connector, connection })
      .then(async (response) => {
        res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "text/plain" });
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch((error: unknown) => {
        serverErrors.set(String(error).slice(0, 120), (serverErrors.get(String(error).slice(0, 120)) ?? 0) + 1);
        res.writeHead(500);
        res.end();
      });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

/** What went wrong, by kind (`HTTP 500`, `UND_ERR_SOCKET`, ...): printed with the error count. */
const failures = new Map<string, number>();

function failed(kind: string): false {
  failures.set(kind, (failures.get(kind) ?? 0) + 1);
  return false;
}

async function send(url: string, delivery: Delivery): Promise<boolean> {
  try {
    const response = await fetch(url, { method: "POST", headers: delivery.headers, body: delivery.body });
    await response.arrayBuffer();
    return response.status === 200 || failed(`HTTP ${response.status}`);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : String(cause);
    return failed(code);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<boolean>): Promise<{ seconds: number; errors: number }> {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (;;) {
        const item = items[next++];
        if (item === undefined) return;
        if (!(await fn(item))) errors += 1;
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, errors };
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

const db = await database();
const rt = await createRuntime({
  env: { CONNECTOR_ENCRYPTION_KEY: "6".repeat(64), APP_BASE_URL: "http://127.0.0.1:1", GTM_SANDBOXES: "0" },
  driver: db.driver,
  sandboxes: false,
});
const sandbox = await startFathomSandbox({ meetings: EVENTS, seed: 11, rateLimit: false });
try {
  const bodies = sandbox.meetings().map((meeting) => new TextEncoder().encode(JSON.stringify(meeting)));
  await sandbox.close();
  const tenantId = `bench-${Date.now()}`;
  await rt.store.createTenant({ tenantId });
  const server = await serve(rt);
  console.log(`bench: ${fmt(bodies.length)} Fathom deliveries per phase on ${db.label}; ${RATE} req/s paced, ${SENDERS} senders`);

  // Paced: open loop, each request at its scheduled time whatever the previous ones do.
  const paced = await fathomConnection(rt, tenantId);
  const pacedDeliveries = deliveries(bodies, paced.secret, "paced");
  const latencies: number[] = [];
  let pacedErrors = 0;
  const interval = 1000 / RATE;
  const start = performance.now() + 50;
  let reported = 0;
  await Promise.all(
    pacedDeliveries.map(async (delivery, index) => {
      const due = start + index * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const ok = await send(`${server.url}/api/webhooks/fathom/${paced.connectionId}`, delivery);
      latencies.push(performance.now() - due);
      if (!ok) pacedErrors += 1;
      if (latencies.length - reported >= Math.max(1, Math.floor(bodies.length / 5))) {
        reported = latencies.length;
        console.log(`  paced: ${reported}/${bodies.length} answered`);
      }
    }),
  );
  latencies.sort((a, b) => a - b);

  // Sustained: fresh connection, same payloads, as fast as the senders go.
  const sustainedTarget = await fathomConnection(rt, tenantId);
  const sustainedDeliveries = deliveries(bodies, sustainedTarget.secret, "sustained");
  const sustained = await pool(sustainedDeliveries, SENDERS, (delivery) =>
    send(`${server.url}/api/webhooks/fathom/${sustainedTarget.connectionId}`, delivery),
  );
  console.log(`  sustained: ${bodies.length} delivered`);

  // Store only: the same events parsed up front, committed with the same dedupe key and concurrency.
  const fathom = connectorRegistry.get("fathom");
  const storeTarget = await fathomConnection(rt, tenantId);
  const parsed: { event: WebhookEvent }[] = [];
  for (const delivery of deliveries(bodies, storeTarget.secret, "store")) {
    parsed.push({ event: await fathom.webhooks?.handle({ headers: delivery.headers, rawBody: delivery.body, secret: storeTarget.secret }) ?? missing() });
  }
  const storeOnly = await pool(parsed, SENDERS, async ({ event }) => {
    const result = await rt.store.commitPage({
      tenantId,
      connectionId: storeTarget.connectionId,
      stream: "webhook",
      records: event.records,
      documents: event.documents,
      quarantined: event.quarantined,
      webhookEventId: event.eventId,
    });
    return !result.duplicateEvent;
  });
  console.log(`  store-only: ${bodies.length} committed`);
  await server.close();

  const sustainedRate = bodies.length / sustained.seconds;
  const storeRate = bodies.length / storeOnly.seconds;
  console.log("");
  console.log(`paced ${RATE} req/s: p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms, max ${fmt(latencies.at(-1) ?? Number.NaN, 1)} ms, errors ${pacedErrors}`);
  console.log(`sustained (${SENDERS} senders): ${fmt(sustainedRate)} events/s verified and committed, errors ${sustained.errors}`);
  console.log(`store-only commit (${SENDERS} at once): ${fmt(storeRate)} events/s, errors ${storeOnly.errors}`);
  console.log(`route / store-only: ${fmt((100 * sustainedRate) / storeRate)}%`);
  for (const [message, n] of serverErrors) console.log(`handler threw x${n}: ${message}`);
  if (failures.size > 0) console.log(`failures: ${[...failures].map(([kind, n]) => `${kind} x${n}`).join(", ")}`);
  if (smoke) console.log("(BENCH_SMOKE=1: a small run; the figures mean little)");
} finally {
  await rt.close();
  await db.drop();
}

function missing(): never {
  throw new Error("the Fathom connector has no webhook capability");
}
