/**
 * The sandbox in a process of its own, for the pacing benchmark: Customer.io's servers do not share our CPU, so the
 * sandbox's work (building pages) must not either. Prints `{ url, apiKey, activities }` as one JSON line when ready;
 * the second argument `unlimited` turns the 10 requests/s window off. On a `stats` line on stdin, prints the request log's summary and exits.
 */
import { createInterface } from "node:readline";
import { startCustomerioSandbox } from "../src/sandbox/index.js";

const size = Number(process.argv[2] ?? "300");
const limited = process.argv[3] !== "unlimited";
const sandbox = await startCustomerioSandbox({ seed: 11, size, ...(limited ? {} : { rateLimit: false }) });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, apiKey: sandbox.apiKey, activities: sandbox.events().length })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "stats") continue;
  const log = sandbox.requests();
  const first = log[0]?.at ?? 0;
  const last = log.at(-1)?.at ?? first;
  const refused = log.filter((request) => request.status === 429);
  const summary = {
    requests: log.length,
    spanMs: last - first,
    rateLimited: refused.length,
    rateLimitedAfterFirstSecond: refused.filter((request) => request.at - first > 1_000).length,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  break;
}
await sandbox.close();
