/**
 * JSON that Postgres will accept. `jsonb` rejects the escape `\u0000` and unpaired surrogates (`\ud800`), and a
 * `text` column rejects NUL; JSON.stringify happily produces both. One bad value must not abort a whole page, so
 * records are checked before the transaction and quarantine rows are made storable by force.
 */

/** An escape jsonb cannot store: `\u0000` or a lone surrogate, preceded by an even number of backslashes. */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi;

/** Whether JSON text produced by JSON.stringify contains something jsonb will reject. */
export function hasUnstorableEscape(json: string): boolean {
  if (!json.includes("\\u")) return false;
  UNSTORABLE_ESCAPE.lastIndex = 0;
  return UNSTORABLE_ESCAPE.test(json);
}

/** Rewrites unstorable escapes as visible text (`\u0000` becomes the six characters `\u0000`). */
function neutraliseEscapes(json: string): string {
  if (!json.includes("\\u")) return json;
  return json.replace(UNSTORABLE_ESCAPE, (_match, slashes: string, code: string) => `${slashes}\\\\u${code}`);
}

/** Cuts `text` to at most `maxChars` UTF-16 units without splitting a surrogate pair. */
function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const last = text.charCodeAt(maxChars - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars);
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/**
 * Serialises anything (cycles, BigInt, functions, NUL characters) into JSON text that jsonb accepts. Values larger
 * than `maxBytes` are replaced by a marker with a preview, so a quarantine row can always be written.
 */
export function toStorableJson(value: unknown, maxBytes: number): string {
  const seen = new WeakSet<object>();
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner === "bigint") return inner.toString();
      if (typeof inner === "object" && inner !== null) {
        if (seen.has(inner)) return "[circular]";
        seen.add(inner);
      }
      return inner;
    });
  } catch (error) {
    text = JSON.stringify({ unserialisable: true, error: error instanceof Error ? error.message : String(error) });
  }
  text = neutraliseEscapes(text ?? "null");
  const bytes = utf8Bytes(text);
  if (bytes <= maxBytes) return text;
  return neutraliseEscapes(JSON.stringify({ truncated: true, bytes, preview: cut(text, 4096) }));
}

/** Whether a string can go into a `text` column. */
export function isStorableText(text: string): boolean {
  return !text.includes("\u0000");
}

