/**
 * Two figures, each beside its baseline from the same run:
 *  1. Pull pacing: a full sync against the sandbox's real 10 requests/s window. Prints requests per second as a share
 *     of the allowed 10/s (target >= 90%) and how many 429s came after the first second (target 0).
 *  2. Webhook throughput: `webhooks.handle` (size checks, header reads, timing-safe HMAC over the raw bytes, JSON parse,
 *     zod, transform) beside a bare HMAC-SHA256 hex digest of the same bytes. Alternating rounds, medians.
 */
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { customerIoSigner, signWebhook } from "@gtm-clarity/testkit/sandbox";
import { CustomerioConnector } from "../src/connector.js";
import { startCustomerioSandbox } from "../src/sandbox/index.js";
import { CustomerioWebhooks } from "../src/webhook.js";

const HELP = `Customer.io connector benchmark: pull pacing against the 10 requests/s App API limit, and webhook
verify-and-parse throughput beside a raw HMAC baseline.

Usage: pnpm --filter @gtm-clarity/connector-customerio bench [-- --help]

Environment:
  BENCH_SMOKE=1     quick mode (a few seconds): a small workspace and fewer webhook rounds
  BENCH_PEOPLE=n    people in the sandbox workspace (default 1500; about 4 activities each)
`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: { help: { type: "boolean", default: false } },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const smoke = process.env["BENCH_SMOKE"] === "1";
const people = Number(process.env["BENCH_PEOPLE"] ?? (smoke ? 300 : 1_500));
const progress = (line: string) => process.stderr.write(`${line}\n`);

async function pullPacing() {
  const sandbox = await startCustomerioSandbox({ seed: 11, size: people });
  try {
    const connector = new CustomerioConnector();
    const settings = sandbox.settings({ tenantId: "bench", connectionId: "bench" });
    progress(`pull: ${people} people, ${sandbox.events().length} activities, App API limited to 10 requests/s`);
    const started = performance.now();
    let cursor: string | null = null;
    let pages = 0;
    let records = 0;
    for (;;) {
      const page = await connector.sync(sandbox.credentials, cursor, { settings });
      pages += 1;
      records += page.records.length + (page.quarantined?.length ?? 0);
      cursor = page.cursor;
      if (pages % 10 === 0) progress(`  page ${pages}: ${records} records`);
      if (!page.hasMore) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const log = sandbox.requests();
    const first = log[0]?.at ?? 0;
    const rateLimited = log.filter((request) => request.status === 429);
    const rate = log.length / seconds;
    // Past the first second: the client starts with a full window, so the first second alone may run at 10/s flat.
    const steady = log.filter((request) => request.at - first >= 1_000).length;
    return {
      records,
      pages,
      requests: log.length,
      seconds: Number(seconds.toFixed(2)),
      requestsPerSecond: Number(rate.toFixed(2)),
      shareOfLimit: `${((rate / 10) * 100).toFixed(1)}%`,
      steadyShareOfLimit: `${((steady / Math.max(seconds - 1, 1e-9) / 10) * 100).toFixed(1)}%`,
      rateLimited: rateLimited.length,
      rateLimitedAfterFirstSecond: rateLimited.filter((request) => request.at - first > 1_000).length,
    };
  } finally {
    await sandbox.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function webhookThroughput() {
  const secret = "bench-signing-secret-0123456789abcdef";
  const webhooks = new CustomerioWebhooks();
  const count = smoke ? 500 : 5_000;
  const rounds = smoke ? 3 : 7;
  const signer = customerIoSigner(secret);
  const deliveries = Array.from({ length: count }, (_, index) =>
    signWebhook(signer, {
      event_id: `01E4C4CT6YDC7Y5M7FE${String(index).padStart(7, "0")}`,
      object_type: "email",
      metric: "opened",
      timestamp: Math.floor(Date.now() / 1000),
      data: {
        customer_id: `cust_${index}`,
        identifiers: { id: `cust_${index}`, email: `p${index}@example.com`, cio_id: `c${index}` },
        delivery_id: `delivery_${index}`,
        campaign_id: 23,
        action_id: 96,
        recipient: `p${index}@example.com`,
        subject: "Spring update",
      },
    }),
  );
  const handleRound = async () => {
    const started = performance.now();
    for (const delivery of deliveries) await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    return count / ((performance.now() - started) / 1000);
  };
  let sink = 0;
  const hmacRound = () => {
    const started = performance.now();
    for (const delivery of deliveries) {
      sink += createHmac("sha256", secret).update(`v0:${delivery.timestamp}:${delivery.rawBody}`).digest("hex").length;
    }
    return count / ((performance.now() - started) / 1000);
  };
  const handled: number[] = [];
  const raw: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    handled.push(await handleRound());
    raw.push(hmacRound());
    progress(`webhooks: round ${round}/${rounds}`);
  }
  const verifyAndParse = median(handled);
  const rawHmac = median(raw);
  return {
    deliveries: count,
    rounds,
    bodyBytes: deliveries[0]?.rawBody.length ?? 0,
    verifyAndParsePerSecond: Math.round(verifyAndParse),
    rawHmacPerSecond: Math.round(rawHmac),
    ratioToRawHmac: Number((verifyAndParse / rawHmac).toFixed(3)),
    digestsComputed: sink > 0,
  };
}

const pull = await pullPacing();
console.log(JSON.stringify({ pull }));
const webhook = await webhookThroughput();
console.log(JSON.stringify({ webhook }));
