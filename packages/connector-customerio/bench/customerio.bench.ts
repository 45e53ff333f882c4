/**
 * Two figures, each beside its baseline from the same run:
 *  1. Pull pacing: a full sync against the sandbox's real 10 requests/s window. Prints requests per second as a share
 *     of the allowed 10/s (target >= 90%) and how many 429s came after the first second (target 0).
 *  2. Webhook throughput beside a bare HMAC-SHA256 hex digest of the same bytes: verify-and-parse (size and header
 *     checks, timing-safe HMAC over the raw bytes, replay window, JSON parse) and the whole `webhooks.handle` (that,
 *     plus zod and the transform to canonical records). Alternating rounds, medians.
 */
import { createHmac } from "node:crypto";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { customerIoSigner, signWebhook } from "@gtm-clarity/testkit/sandbox";
import { CustomerioConnector } from "../src/connector.js";
import { CustomerioWebhooks } from "../src/webhook.js";
import { verifyCioSignature } from "../src/webhook-signature.js";

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

interface SandboxProcess {
  url: string;
  apiKey: string;
  activities: number;
  stats(): Promise<{ requests: number; spanMs: number; rateLimited: number; rateLimitedAfterFirstSecond: number }>;
}

/** Starts bench/sandbox-process.ts with the same Node and loader flags as this process. */
async function sandboxProcess(size: number, limit: "limited" | "unlimited" = "limited"): Promise<SandboxProcess> {
  const script = fileURLToPath(new URL("sandbox-process.ts", import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, script, String(size), limit], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done === true) throw new Error("the sandbox process ended early");
    return line.value;
  };
  const ready = JSON.parse(await next()) as { url: string; apiKey: string; activities: number };
  return {
    ...ready,
    async stats() {
      child.stdin.write("stats\n");
      const summary = JSON.parse(await next()) as Awaited<ReturnType<SandboxProcess["stats"]>>;
      child.stdin.end();
      return summary;
    },
  };
}

/**
 * The ceiling a sequential pager can reach on this machine right now: one log page after another with plain fetch, no
 * pacing, no connector, against the same sandbox process without its rate window. Paging is sequential by nature
 * (each request needs the previous `next`), so when this is near 10/s the machine, not the pacing, sets the pull rate.
 */
async function sequentialCeiling(): Promise<number> {
  const sandbox = await sandboxProcess(people, "unlimited");
  const headers = { authorization: `Bearer ${sandbox.apiKey}` };
  const started = performance.now();
  let start = "";
  let requests = 0;
  do {
    const response = await fetch(`${sandbox.url}/v1/activities?limit=100${start === "" ? "" : `&start=${start}`}`, { headers });
    const body = (await response.json()) as { next?: string };
    start = body.next ?? "";
    requests += 1;
  } while (start !== "");
  const rate = requests / ((performance.now() - started) / 1000);
  await sandbox.stats();
  return rate;
}

async function pullPacing() {
  const sandbox = await sandboxProcess(people);
  const connector = new CustomerioConnector();
  const settings = { baseUrl: sandbox.url };
  progress(`pull: ${people} people, ${sandbox.activities} activities, App API limited to 10 requests/s (sandbox in its own process)`);
  const started = performance.now();
  let cursor: string | null = null;
  let pages = 0;
  let records = 0;
  for (;;) {
    const page = await connector.sync({ apiKey: sandbox.apiKey }, cursor, { settings });
    pages += 1;
    records += page.records.length + (page.quarantined?.length ?? 0);
    cursor = page.cursor;
    progress(`  sync page ${pages}: ${records} records`);
    if (!page.hasMore) break;
  }
  const seconds = (performance.now() - started) / 1000;
  const log = await sandbox.stats();
  const rate = log.requests / seconds;
  return {
    records,
    pages,
    requests: log.requests,
    seconds: Number(seconds.toFixed(2)),
    requestsPerSecond: Number(rate.toFixed(2)),
    shareOfLimit: `${((rate / 10) * 100).toFixed(1)}%`,
    rateLimited: log.rateLimited,
    rateLimitedAfterFirstSecond: log.rateLimitedAfterFirstSecond,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function webhookThroughput() {
  const secret = "bench-signing-secret-0123456789abcdef";
  const webhooks = new CustomerioWebhooks();
  let sink = 0;
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
  const verifyRound = () => {
    const started = performance.now();
    for (const delivery of deliveries) {
      const verified = verifyCioSignature({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
      sink += JSON.stringify(JSON.parse(verified.body.toString("utf8"))).length > 0 ? 1 : 0;
    }
    return count / ((performance.now() - started) / 1000);
  };
  const handleRound = async () => {
    const started = performance.now();
    for (const delivery of deliveries) await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    return count / ((performance.now() - started) / 1000);
  };
  const hmacRound = () => {
    const started = performance.now();
    for (const delivery of deliveries) {
      sink += createHmac("sha256", secret).update(`v0:${delivery.timestamp}:${delivery.rawBody}`).digest("hex").length;
    }
    return count / ((performance.now() - started) / 1000);
  };
  const handled: number[] = [];
  const verified: number[] = [];
  const raw: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    raw.push(hmacRound());
    verified.push(verifyRound());
    handled.push(await handleRound());
    progress(`webhooks: round ${round}/${rounds}`);
  }
  const rawHmac = median(raw);
  const verifyAndParse = median(verified);
  const handle = median(handled);
  return {
    deliveries: count,
    rounds,
    bodyBytes: deliveries[0]?.rawBody.length ?? 0,
    rawHmacPerSecond: Math.round(rawHmac),
    verifyAndParsePerSecond: Math.round(verifyAndParse),
    verifyAndParseToRawHmac: Number((verifyAndParse / rawHmac).toFixed(3)),
    handleToRecordsPerSecond: Math.round(handle),
    handleToRawHmac: Number((handle / rawHmac).toFixed(3)),
    digestsComputed: sink > 0,
  };
}

const ceiling = await sequentialCeiling();
progress(`baseline: plain sequential log paging on this machine runs at ${ceiling.toFixed(1)} requests/s`);
const pull = await pullPacing();
const pullRate = pull.requestsPerSecond;
console.log(
  JSON.stringify({
    pull: {
      ...pull,
      sequentialCeilingPerSecond: Number(ceiling.toFixed(2)),
      shareOfReachable: `${((pullRate / Math.min(10, ceiling)) * 100).toFixed(1)}%`,
    },
  }),
);
const webhook = await webhookThroughput();
console.log(JSON.stringify({ webhook }));
