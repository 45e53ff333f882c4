/** A short, safe excerpt of a response body for error messages: servers echo requests, tokens included. */
import { redactString } from "../logger.js";

const SNIPPET_LENGTH = 200;
/** Shorter values ("json", "1") are too common to scrub without mangling every snippet. */
const MIN_SECRET_LENGTH = 6;
/** Headers whose values are protocol noise, not credentials. */
const PUBLIC_HEADERS = new Set(["accept", "accept-language", "content-type", "prefer", "user-agent"]);

/**
 * Every header value we sent, each word of it ("Bearer abc" -> "abc"), and every query value (an `api_key=`), as
 * strings to scrub from bodies.
 */
export function secretsOf(url: URL, ...sets: (Record<string, string> | undefined)[]): string[] {
  const secrets = new Set<string>();
  for (const value of url.searchParams.values()) {
    if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  }
  for (const headers of sets) {
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (PUBLIC_HEADERS.has(name.toLowerCase())) continue;
      for (const candidate of [value, ...value.split(/\s+/)]) {
        if (candidate.length >= MIN_SECRET_LENGTH) secrets.add(candidate);
      }
    }
  }
  // Longest first, so a whole header value is replaced before one of its words could split it.
  return [...secrets].sort((a, b) => b.length - a.length);
}

export function bodySnippet(bodyText: string, secrets: readonly string[]): string {
  // Patterns first: scrubbing our own "Bearer" header word first would leave a token the server echoed after it.
  let text = redactString(bodyText);
  for (const secret of secrets) text = text.split(secret).join("[redacted]");
  text = text.replace(/\s+/g, " ").trim();
  return text.length > SNIPPET_LENGTH ? `${text.slice(0, SNIPPET_LENGTH)}…` : text;
}
