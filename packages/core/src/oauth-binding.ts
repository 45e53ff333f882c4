/**
 * Binding an OAuth flow to the browser that started it.
 *
 * A signed state proves that we started *a* flow, not that the browser arriving at the callback is the one we
 * started it for. Without a binding, an attacker starts a flow, stops before the callback and gets a victim to open
 * the callback URL: the victim's session then finishes the attacker's flow (login CSRF, or the victim's connection
 * silently wired to the attacker's account). The binding is a random value the app keeps in an HttpOnly cookie;
 * the state carries only its hash, so the state (which passes through the provider and browser history) never
 * reveals the value, and a callback is accepted only from a browser that presents the value itself.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export interface OAuthBinding {
  /**
   * 32 random bytes, base64url (43 characters). Set it as an HttpOnly, Secure, SameSite=Lax cookie when redirecting
   * to the provider, pass it to `createOAuthState`, and pass the cookie the callback request carries to
   * `verifyOAuthState`.
   */
  cookieValue: string;
}

const BINDING_BYTES = 32;
const BINDING_CHARS = 43;
/** Both the cookie value (32 bytes) and its sha256 are 43 base64url characters. */
const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

/** A fresh session binding for one authorization flow. */
export function createOAuthBinding(): OAuthBinding {
  return { cookieValue: randomBytes(BINDING_BYTES).toString("base64url") };
}

/** Whether `value` has the shape `createOAuthBinding` produces (length checked before the pattern). */
export function isOAuthBindingValue(value: unknown): value is string {
  return typeof value === "string" && value.length === BINDING_CHARS && BASE64URL_32_BYTES.test(value);
}

/** sha256 of the cookie value, base64url: what the state carries instead of the value. */
export function hashOAuthBinding(cookieValue: string): string {
  return createHash("sha256").update(cookieValue, "utf8").digest("base64url");
}

/** The shape of a binding hash inside a state payload. */
export const OAUTH_BINDING_HASH = BASE64URL_32_BYTES;

/**
 * Constant-time check that the cookie from the callback request is the one whose hash the state carries. A missing
 * or malformed cookie is simply not a match.
 */
export function oauthBindingMatches(cookieValue: unknown, expectedHash: string): boolean {
  if (!isOAuthBindingValue(cookieValue)) return false;
  const given = createHash("sha256").update(cookieValue, "utf8").digest();
  const expected = Buffer.from(expectedHash, "base64url");
  return expected.length === given.length && timingSafeEqual(given, expected);
}
