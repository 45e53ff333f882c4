/**
 * A Standard Webhooks endpoint is public: anyone can send it headers of any shape without knowing the secret.
 * Rejecting such a request must cost a small, fixed amount of work, never time that grows with the header.
 */
import { describe, expect, it } from "vitest";
import type { HeaderBag } from "./connector.js";
import { signStandardWebhook, verifyStandardWebhook } from "./signatures.js";
import { MAX_WEBHOOK_SIGNATURE_CHARS, parseSignatureEntries } from "./webhook-headers.js";

const KIB_64 = 64 * 1024;
/** Each rejection must fit well inside one event-loop turn. */
const BUDGET_MS = 20;
/**
 * Runs per measurement; the fastest one counts. Another process taking the core mid-call (CI runs several test
 * files at once on two cores) inflates single wall-clock readings, never the fastest of several; the old
 * backtracking parser took seconds on every run, so the minimum still tells the two apart.
 */
const RUNS = 5;

const secret = `whsec_${Buffer.alloc(24, 0x5a).toString("base64")}`;
const id = "msg_2x2zwLOcWaRTzsLK8KtbQt1FTk9";
const timestamp = 1712345678;
const now = new Date((timestamp + 10) * 1000);
const body = '{"title":"Quarterly review"}';
const signature = signStandardWebhook({ id, timestamp, body, secret });
const fakeV1 = `v1,${Buffer.alloc(32, 7).toString("base64")}`;

/** `unit` repeated (and cut) to exactly `length` characters, then `tail`. */
function fill(unit: string, length: number, tail = ""): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length - tail.length) + tail;
}

const validHeaders = { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };

function timed(headers: HeaderBag): { ms: number; result: ReturnType<typeof verifyStandardWebhook> } {
  let ms = Number.POSITIVE_INFINITY;
  let result = verifyStandardWebhook({ headers, rawBody: body, secret, now });
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    result = verifyStandardWebhook({ headers, rawBody: body, secret, now });
    ms = Math.min(ms, performance.now() - start);
  }
  return { ms, result };
}

const hostileSignatures: [string, string][] = [
  ["commas then x", fill(",", KIB_64, "x")],
  ["spaces", fill(" ", KIB_64)],
  ["spaces then a v1 entry", fill(" ", KIB_64, ` ${signature}`)],
  ["`v1,` repeated", fill("v1,", KIB_64)],
  ["`v1,` then commas", `v1,${fill(",", KIB_64 - 3)}`],
  ["one long base64 value", `v1,${fill("A", KIB_64 - 3, "=")}`],
  ["many well-formed entries", fill(`${fakeV1} `, KIB_64)],
  ["comma-space pairs", fill(", ", KIB_64, "x")],
  ["tabs and commas", fill(",\t,", KIB_64, "x")],
];

describe("verifyStandardWebhook under hostile headers", () => {
  // One generous warm-up, so the timings below measure steady-state code rather than the first JIT compile.
  timed({ ...validHeaders, "webhook-signature": fill(",", KIB_64, "x") });

  it.each(hostileSignatures)("rejects a 64 KiB webhook-signature of %s in under 20 ms", (_label, value) => {
    expect(value.length).toBeGreaterThanOrEqual(KIB_64);
    const { ms, result } = timed({ ...validHeaders, "webhook-signature": value });
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(result).toEqual({ ok: false, reason: "header_too_long" });
  });

  it.each([
    ["webhook-id", fill("a", KIB_64)],
    ["webhook-id", fill(" ", KIB_64, id)],
    ["webhook-timestamp", fill("1", KIB_64)],
    ["webhook-timestamp", fill(" ", KIB_64, String(timestamp))],
  ])("rejects a 64 KiB %s in under 20 ms", (name, value) => {
    const { ms, result } = timed({ ...validHeaders, [name]: value });
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(result).toEqual({ ok: false, reason: "header_too_long" });
  });

  it("caps the total of repeated header values, not just each one", () => {
    const many = Array.from({ length: KIB_64 / 4 }, () => "v1,");
    const { ms, result } = timed({ ...validHeaders, "webhook-signature": many });
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(result).toEqual({ ok: false, reason: "header_too_long" });
  });

  it("caps a Headers instance's merged value the same way", () => {
    const bag = new Headers(validHeaders);
    bag.set("webhook-signature", fill(",", KIB_64, "x"));
    const { ms, result } = timed(bag);
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(result).toEqual({ ok: false, reason: "header_too_long" });
  });

  it("still finds the genuine signature among decoys up to the cap", () => {
    const decoys = fill(`${fakeV1} `, MAX_WEBHOOK_SIGNATURE_CHARS - signature.length - 1);
    const value = `${decoys.trimEnd()} ${signature}`;
    expect(value.length).toBeLessThanOrEqual(MAX_WEBHOOK_SIGNATURE_CHARS);
    const { ms, result } = timed({ ...validHeaders, "webhook-signature": value });
    expect(ms).toBeLessThan(BUDGET_MS);
    expect(result).toEqual({ ok: true, id, timestamp });
  });

  it("rejects a signature header one character over the cap", () => {
    const value = fill(" ", MAX_WEBHOOK_SIGNATURE_CHARS + 1, signature);
    expect(timed({ ...validHeaders, "webhook-signature": value }).result).toEqual({ ok: false, reason: "header_too_long" });
  });
});

describe("parseSignatureEntries", () => {
  it("splits on whitespace, drops trailing commas, and skips entries without a comma", () => {
    expect(parseSignatureEntries(["v1,abc=, v1a,def\tgarbage ,,, v1,", "v2,ghi,,"])).toEqual([
      { version: "v1", signature: "abc=" },
      { version: "v1a", signature: "def" },
      { version: "v2", signature: "ghi" },
    ]);
  });

  it("keeps commas inside a value and an empty version", () => {
    expect(parseSignatureEntries([",x", "v1,a,b"])).toEqual([
      { version: "", signature: "x" },
      { version: "v1", signature: "a,b" },
    ]);
  });

  it("is linear without the cap too: 256 KiB of each worst shape parses in milliseconds, not minutes", () => {
    // A backtracking trailing-comma regex needs about a minute for the first shape alone.
    const shapes = [fill(",", 1 << 18, "x"), fill("v1,", 1 << 18), fill(", ", 1 << 18, "x")];
    parseSignatureEntries(shapes); // warm-up
    let fastest = Infinity;
    for (let run = 0; run < 3; run += 1) {
      const start = performance.now();
      parseSignatureEntries(shapes);
      fastest = Math.min(fastest, performance.now() - start);
    }
    // The point is the orders of magnitude between linear (milliseconds) and quadratic (a minute): the bound is
    // loose enough for a fully loaded CI machine on a slow day, where a single reading once took 315 ms.
    expect(fastest).toBeLessThan(2_000);
  });
});
