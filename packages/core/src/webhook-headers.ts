/**
 * Reading Standard Webhooks headers from an untrusted request without letting its size decide how much work we do.
 *
 * Every header is length-capped before it is trimmed, split or matched, and the signature header is tokenised by a
 * single index-based pass: no regular expression here can backtrack, so the cost of a rejection is bounded by the
 * caps below whatever the sender puts in the headers.
 */
/** Svix message ids are ~30 characters; 256 leaves room for any sender's scheme. */
export const MAX_WEBHOOK_ID_CHARS = 256;
/** Unix seconds are at most 15 digits (the verifier's own limit); the rest is room for surrounding whitespace. */
export const MAX_WEBHOOK_TIMESTAMP_CHARS = 32;
/**
 * One `v1,<base64 of 32 bytes>` entry is 47 characters; 4 KiB holds more than 80 of them, far beyond any key
 * rotation, while keeping the worst-case parse of a hostile header trivial.
 */
export const MAX_WEBHOOK_SIGNATURE_CHARS = 4096;

export type HeaderRead = { ok: true; values: string[] } | { ok: false; reason: "too_long" };

/**
 * All values of a header, case-insensitively, from a `Headers` or a plain record. Fails as soon as the values
 * together exceed `maxChars`, before anything is copied or trimmed.
 */
export function readHeaderValues(headers: unknown, name: string, maxChars: number): HeaderRead {
  if (typeof headers !== "object" || headers === null) return { ok: true, values: [] };
  const lower = name.toLowerCase();
  // Duck-typed rather than `instanceof Headers`: undici, node-fetch and test doubles each bring their own class.
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === "function") {
    const value: unknown = getter.call(headers, lower);
    if (typeof value !== "string") return { ok: true, values: [] };
    return value.length > maxChars ? { ok: false, reason: "too_long" } : { ok: true, values: [value] };
  }
  const values: string[] = [];
  let total = 0;
  const keep = (value: unknown): boolean => {
    if (typeof value !== "string") return true;
    total += value.length;
    if (total > maxChars) return false;
    values.push(value);
    return true;
  };
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    // A name longer than ours cannot be ours: skip it without lower-casing an attacker-sized string.
    if (key.length !== lower.length || key.toLowerCase() !== lower) continue;
    const items: readonly unknown[] = Array.isArray(value) ? value : [value];
    for (const item of items) if (!keep(item)) return { ok: false, reason: "too_long" };
  }
  return { ok: true, values };
}

export type SingleHeader = { ok: true; value: string | undefined } | { ok: false; reason: "too_long" };

/** A single-valued header: `value` is undefined when absent, blank, or present with conflicting values. */
export function readSingleHeader(headers: unknown, name: string, maxChars: number): SingleHeader {
  const read = readHeaderValues(headers, name, maxChars);
  if (!read.ok) return read;
  let found: string | undefined;
  for (const raw of read.values) {
    const value = raw.trim();
    if (value === "") continue;
    if (found !== undefined && found !== value) return { ok: true, value: undefined };
    found = value;
  }
  return { ok: true, value: found };
}

export interface SignatureEntry {
  /** `v1`, `v1a`, ...: whatever precedes the first comma. */
  version: string;
  /** What follows the first comma, without trailing commas. */
  signature: string;
}

function isAsciiSpace(code: number): boolean {
  // space, \t, \n, \v, \f, \r
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * Splits `webhook-signature` values into `version,signature` entries, in one pass over the text.
 * Entries are whitespace-delimited. Trailing commas are dropped: a proxy that merged repeated headers with ", "
 * leaves `v1,abc=,` behind, and a comma is never part of base64. Entries without a comma are skipped.
 */
export function parseSignatureEntries(values: readonly string[]): SignatureEntry[] {
  const entries: SignatureEntry[] = [];
  for (const text of values) {
    let index = 0;
    while (index < text.length) {
      while (index < text.length && isAsciiSpace(text.charCodeAt(index))) index += 1;
      const start = index;
      let firstComma = -1;
      while (index < text.length && !isAsciiSpace(text.charCodeAt(index))) {
        if (firstComma < 0 && text.charCodeAt(index) === 0x2c) firstComma = index;
        index += 1;
      }
      let end = index;
      while (end > start && text.charCodeAt(end - 1) === 0x2c) end -= 1;
      // The walk back only revisits this entry's own characters, once: the pass stays linear in the header length.
      if (firstComma < 0 || firstComma >= end) continue;
      entries.push({ version: text.slice(start, firstComma), signature: text.slice(firstComma + 1, end) });
    }
  }
  return entries;
}
