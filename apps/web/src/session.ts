/**
 * Sessions: a cookie `<base64url(JSON)>.<hex HMAC-SHA256>` signed with core's HMAC, naming tenant, user and expiry.
 * HttpOnly and SameSite=Lax, so scripts cannot read it and cross-site POSTs do not carry it; Secure on https.
 * Nothing trusts a tenant id the client sends in a form or a query: the tenant comes from here.
 */
import { signHmacSha256Hex, verifyHmacSha256Hex } from "@gtm-clarity/core";
import { z } from "zod";
import type { WebConfig } from "./config.js";

export const SESSION_COOKIE = "gtm_session";
const CONTEXT = "gtm-clarity/web-session/v1.";

export interface Session {
  tenantId: string;
  userId: string;
  /** Unix milliseconds. */
  expiresAt: number;
}

/** Tenant and user names a person may type at the development sign-in (and a proxy may send). */
export const TenantIdSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, "letters, digits, - and _ (up to 63)");
export const UserIdSchema = z.string().trim().min(1).max(200).regex(/^[^\s<>"']+$/, "no spaces or quotes");

const PayloadSchema = z.strictObject({ t: TenantIdSchema, u: UserIdSchema, exp: z.number().int().positive() });

export function signSession(session: Session, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ t: session.tenantId, u: session.userId, exp: session.expiresAt })).toString(
    "base64url",
  );
  return `${payload}.${signHmacSha256Hex(CONTEXT + payload, secret)}`;
}

/** The session a cookie value names, or undefined for a missing, forged, malformed or expired one. */
export function verifySession(value: string | undefined, secret: string, now = Date.now()): Session | undefined {
  if (value === undefined || value.length > 2048) return undefined;
  const [payload, mac, ...rest] = value.split(".");
  if (payload === undefined || mac === undefined || rest.length > 0) return undefined;
  if (!verifyHmacSha256Hex(CONTEXT + payload, mac, secret)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = PayloadSchema.safeParse(json);
  if (!parsed.success || parsed.data.exp <= now) return undefined;
  return { tenantId: parsed.data.t, userId: parsed.data.u, expiresAt: parsed.data.exp };
}

export function sessionCookie(config: WebConfig, value: string, maxAgeSeconds: number): string {
  return serializeCookie(config, SESSION_COOKIE, value, { maxAgeSeconds, path: "/" });
}

export function serializeCookie(
  config: WebConfig,
  name: string,
  value: string,
  options: { maxAgeSeconds: number; path: string },
): string {
  const parts = [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, "HttpOnly", "SameSite=Lax"];
  if (config.secureCookies) parts.push("Secure");
  return parts.join("; ");
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * The request's session. Trusted-header mode: the identity-aware proxy in front of the app authenticates the person
 * and sets the tenant and user headers (and strips any the client sent); the app must not be reachable around it.
 */
export function sessionFromRequest(config: WebConfig, headers: Headers, now = Date.now()): Session | undefined {
  if (config.authMode === "trusted-header") {
    const tenant = TenantIdSchema.safeParse(headers.get(config.trustedTenantHeader) ?? "");
    const user = UserIdSchema.safeParse(headers.get(config.trustedUserHeader) ?? "");
    if (!tenant.success || !user.success) return undefined;
    return { tenantId: tenant.data, userId: user.data, expiresAt: now + 60_000 };
  }
  return verifySession(readCookie(headers.get("cookie"), SESSION_COOKIE), config.sessionSecret, now);
}
