/**
 * Throughput of core's hot paths beside the raw node:crypto / plain-JS work they wrap, measured in the same run,
 * so the ratio shows what our checks (AAD binding, parsing, header handling, zod) cost on this machine.
 * Ours and the baseline alternate in short rounds and the median round counts: on a shared two-core machine a
 * single long run per case mostly measures whatever else was running at the time.
 *
 *   pnpm --filter @gtm-clarity/core bench [-- --duration=1000 --warmup=200]
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { parseArgs } from "node:util";
import { CanonicalRecordSchema } from "../src/canonical.js";
import { createKeyRing, decryptSecret, encryptSecret } from "../src/crypto.js";
import { signStandardWebhook, verifyStandardWebhook } from "../src/signatures.js";

const USAGE = `Usage: tsx bench/core.bench.ts [options]

Measures core's hot paths against a raw baseline in the same process:
  crypto     encryptSecret+decryptSecret        vs raw AES-256-GCM encrypt+decrypt (node:crypto)
  webhooks   verifyStandardWebhook               vs raw createHmac + timingSafeEqual
  canonical  CanonicalRecordSchema.parse         vs structuredClone of the same activity

Options:
  --duration=<ms>   measuring time per case (default 1000)
  --warmup=<ms>     warm-up time per case, not counted (default 200)
  --rounds=<n>      ours and baseline alternate in n rounds of duration/n each; the median counts (default 5)
  --only=<group>    run one group: crypto, webhooks or canonical
  -h, --help        show this help

BENCH_SMOKE=1 only proves the benchmark runs (the README check sets it): defaults become
--duration=50 --warmup=10, and the figures mean nothing.
`;

/** BENCH_SMOKE=1: tiny defaults, so a check can run the benchmark as the README writes it in a second or two. */
const SMOKE = process.env["BENCH_SMOKE"] === "1";

interface Case {
  name: string;
  run: () => unknown;
}

interface Group {
  id: "crypto" | "webhooks" | "canonical";
  ours: Case;
  baseline: Case;
}

interface Measurement {
  opsPerSecond: number;
  ops: number;
  elapsedMs: number;
}

let sink = 0; // results feed this so the engine cannot drop the measured work

function consume(value: unknown): void {
  if (typeof value === "string") sink += value.length;
  else if (typeof value === "boolean") sink += value ? 1 : 0;
  else if (value !== null && typeof value === "object") sink += 1;
}

function runFor(fn: () => unknown, ms: number): Measurement {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  const start = process.hrtime.bigint();
  let ops = 0;
  let batch = 16;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i += 1) consume(fn());
    ops += batch;
    now = process.hrtime.bigint();
    // Grow the batch while a batch is short, so clock reads stay a negligible share of the time.
    if (batch < 4096 && Number(now - start) / ops < 1e5) batch *= 2;
  }
  const elapsedMs = Number(now - start) / 1e6;
  return { opsPerSecond: (ops / elapsedMs) * 1000, ops, elapsedMs };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function formatOps(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

// ---- cases ------------------------------------------------------------------------------------------------------

function cryptoGroup(): Group {
  const keyRing = createKeyRing(randomBytes(32).toString("hex"));
  const binding = { tenantId: "tenant-0001", connectionId: "conn-salesforce-0001", purpose: "credentials" };
  const plaintext = JSON.stringify({
    accessToken: `00D${"x".repeat(109)}`,
    refreshToken: `5Aep${"y".repeat(83)}`,
    instanceUrl: "https://acme.my.salesforce.com",
  });
  const key = keyRing.current.key;
  const aad = Buffer.from("bench-aad");
  return {
    id: "crypto",
    ours: {
      name: "encryptSecret + decryptSecret",
      run: () => decryptSecret(encryptSecret(plaintext, binding, keyRing), binding, keyRing),
    },
    baseline: {
      name: "raw AES-256-GCM enc + dec",
      run: () => {
        const iv = randomBytes(12);
        const cipher = createCipheriv("aes-256-gcm", key, iv);
        cipher.setAAD(aad);
        const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
        const tag = cipher.getAuthTag();
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(aad);
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      },
    },
  };
}

function webhookGroup(): Group {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const id = "msg_2x2zwLOcWaRTzsLK8KtbQt1FTk9";
  const timestamp = Math.floor(Date.now() / 1000);
  const rawBody = JSON.stringify({
    title: "Quarterly business review",
    url: "https://fathom.video/calls/123456",
    recording_id: 123456,
    calendar_invitees: Array.from({ length: 6 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@acme.com`, is_external: i > 2 })),
    default_summary: { markdown_formatted: "## Summary\n".padEnd(1500, "lorem ipsum ") },
  });
  const signature = signStandardWebhook({ id, timestamp, body: rawBody, secret });
  const headers = { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
  const now = new Date(timestamp * 1000);
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = Buffer.from(signature.slice("v1,".length), "base64");
  return {
    id: "webhooks",
    ours: {
      name: "verifyStandardWebhook",
      run: () => verifyStandardWebhook({ headers, rawBody, secret, now }).ok,
    },
    baseline: {
      name: "raw createHmac + timingSafeEqual",
      run: () => timingSafeEqual(createHmac("sha256", key).update(`${id}.${timestamp}.${rawBody}`).digest(), expected),
    },
  };
}

function canonicalGroup(): Group {
  const activity = {
    kind: "activity",
    externalId: "fathom:123456",
    type: "meeting",
    channel: "video",
    occurredAt: "2024-04-05T19:21:18Z",
    durationSeconds: 1830,
    subject: "  Quarterly business review  ",
    direction: "outbound",
    personExternalId: "p0@acme.com",
    accountExternalId: "acme.com",
    remoteUpdatedAt: "2024-04-05T20:02:00Z",
    properties: {
      url: "https://fathom.video/calls/123456",
      invitees: Array.from({ length: 6 }, (_, i) => ({ email: `P${i}@Acme.com`, external: i > 2 })),
      recordedBy: { name: "Jane Doe", email: "jane@seller.io", team: "Sales" },
    },
  };
  return {
    id: "canonical",
    ours: { name: "CanonicalRecordSchema.parse", run: () => CanonicalRecordSchema.parse(activity) },
    baseline: { name: "structuredClone (same activity)", run: () => structuredClone(activity) },
  };
}

function parseCliArgs(args: string[]) {
  return parseArgs({
    args,
    options: {
      duration: { type: "string", default: SMOKE ? "50" : "1000" },
      warmup: { type: "string", default: SMOKE ? "10" : "200" },
      only: { type: "string" },
      rounds: { type: "string", default: "5" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}

// ---- main -------------------------------------------------------------------------------------------------------

function main(): void {
  // `pnpm bench -- --help` passes the `--` through; drop it so the options after it still parse as options.
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const durationMs = Number(values.duration);
  const warmupMs = Number(values.warmup);
  const rounds = Number(values.rounds);
  const badNumbers =
    !Number.isFinite(durationMs) || durationMs <= 0 || !Number.isFinite(warmupMs) || warmupMs < 0 || !Number.isInteger(rounds) || rounds < 1;
  if (badNumbers) {
    process.stderr.write(`--duration must be > 0, --warmup >= 0 (milliseconds), --rounds a positive integer\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const groups = [cryptoGroup(), webhookGroup(), canonicalGroup()].filter((group) => !values.only || group.id === values.only);
  if (groups.length === 0) {
    process.stderr.write(`--only must be one of crypto, webhooks, canonical\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  process.stdout.write(
    `core bench: node ${process.version}, ${durationMs} ms per case in ${rounds} alternating rounds, ` +
      `after ${warmupMs} ms warm-up, ` +
      `about ${Math.ceil((groups.length * 2 * (durationMs + warmupMs)) / 1000)} s in all\n\n`,
  );

  const rows: { group: string; ours: string; oursOps: number; baseline: string; baseOps: number }[] = [];
  for (const group of groups) {
    const roundMs = durationMs / rounds;
    for (const testCase of [group.ours, group.baseline]) {
      consume(testCase.run()); // fail fast, before spending any time, if a case is broken
      runFor(testCase.run, warmupMs);
    }
    const oursRounds: number[] = [];
    const baseRounds: number[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const ours = runFor(group.ours.run, roundMs);
      const baseline = runFor(group.baseline.run, roundMs);
      oursRounds.push(ours.opsPerSecond);
      baseRounds.push(baseline.opsPerSecond);
      process.stdout.write(
        `  ${group.id.padEnd(9)} round ${round}/${rounds}  ${group.ours.name}: ${formatOps(ours.opsPerSecond)} ops/s` +
          `  |  ${group.baseline.name}: ${formatOps(baseline.opsPerSecond)} ops/s\n`,
      );
    }
    rows.push({
      group: group.id,
      ours: group.ours.name,
      oursOps: median(oursRounds),
      baseline: group.baseline.name,
      baseOps: median(baseRounds),
    });
  }

  const header = ["group", "ours", "ops/s", "baseline", "ops/s", "ours/baseline"];
  const table = rows.map((row) => [
    row.group,
    row.ours,
    formatOps(row.oursOps),
    row.baseline,
    formatOps(row.baseOps),
    `${(row.oursOps / row.baseOps).toFixed(2)}x`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => (cells[column] ?? "").length)));
  const numeric = new Set([2, 4, 5]);
  const line = (cells: string[]) =>
    cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join("  ");
  process.stdout.write(`\n${line(header)}\n${widths.map((width) => "-".repeat(width)).join("  ")}\n`);
  for (const cells of table) process.stdout.write(`${line(cells)}\n`);
  if (sink === -1) process.stdout.write("\n"); // keeps `sink` observable
}

main();
