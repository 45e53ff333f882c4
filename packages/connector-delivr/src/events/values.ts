/**
 * Readers for Delivr's loosely typed values: the docs say epoch milliseconds, v2 may send ISO strings, flags arrive
 * as booleans or "true", counts as numbers or ranges ("51-200", "1,000+"). Each reader returns undefined for a value
 * it cannot read; the caller decides whether that quarantines the row.
 */
/** Epoch values below this are seconds: 1e11 ms is March 1973, 1e11 s is the year 5138. */
const SECONDS_BELOW = 1e11;

export function readEpochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === "number") ms = value;
  else if (typeof value === "string") {
    const text = value.trim();
    if (/^\d{9,16}(\.\d+)?$/.test(text)) ms = Number(text);
    else if (/^\d{4}-\d{2}-\d{2}T/.test(text) && /(Z|[+-]\d{2}:?\d{2})$/i.test(text)) ms = Date.parse(text);
  }
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  if (ms > 0 && ms < SECONDS_BELOW) ms *= 1000;
  ms = Math.trunc(ms);
  // Years 2000-9999: anything else is not a visit.
  return ms >= 946_684_800_000 && ms <= 253_402_300_799_999 ? ms : undefined;
}

export function readText(value: unknown, max = 2048): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return text === "" ? undefined : text.slice(0, max);
}

export function readFlag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "true" || text === "1" || text === "yes") return true;
    if (text === "false" || text === "0" || text === "no") return false;
  }
  return undefined;
}

/** An employee count: a number, or the lower bound of a range ("51-200" -> 51, "1,000+" -> 1000, "10K+" -> 10000). */
export function readEmployeeCount(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^\s*([\d,.]+)\s*([kK])?/.exec(value);
  if (match?.[1] === undefined) return undefined;
  const base = Number(match[1].replace(/,/g, ""));
  if (!Number.isFinite(base)) return undefined;
  const count = Math.round(match[2] === undefined ? base : base * 1000);
  return count >= 0 && count <= 10_000_000 ? count : undefined;
}

/** `page_view`, `Page View`, `PageView`, `pageview` -> `page_view`. */
export function normaliseEventType(value: unknown): string {
  const text = readText(value, 100);
  if (text === undefined) return "page_view";
  const snake = text
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (snake === "" || snake === "pageview" || snake === "page_view" || snake === "page") return "page_view";
  return snake;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
