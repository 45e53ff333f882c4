/**
 * POST /api/session: the development sign-in (a form naming a tenant and a user), only when AUTH_MODE is `dev`.
 * POST /api/session/sign-out: clears the cookie. Both check Origin: a cross-site form must not sign a browser into
 * an attacker's tenant (login CSRF) nor out of its own.
 */
import { field, plain, readForm, sameOrigin, seeOther } from "../http.js";
import type { WebRuntime } from "../runtime.js";
import { SESSION_COOKIE, serializeCookie, sessionCookie, signSession, TenantIdSchema, UserIdSchema } from "../session.js";

export async function handleSignIn(rt: WebRuntime, request: Request): Promise<Response> {
  const { config } = rt;
  if (config.authMode !== "dev") return plain(404, "Development sign-in is off");
  if (!sameOrigin(config, request)) return plain(403, "Cross-origin request refused");
  const form = await readForm(request);
  const tenant = TenantIdSchema.safeParse(form === undefined ? "" : (field(form, "tenant") ?? ""));
  const user = UserIdSchema.safeParse(form === undefined ? "" : (field(form, "user") ?? ""));
  if (!tenant.success || !user.success) return seeOther(config, "/sign-in", { error: "invalid_sign_in" });
  await rt.store.createTenant({ tenantId: tenant.data });
  const expiresAt = Date.now() + config.sessionTtlSeconds * 1000;
  const value = signSession({ tenantId: tenant.data, userId: user.data, expiresAt }, config.sessionSecret);
  return seeOther(config, "/connections", {}, { "set-cookie": sessionCookie(config, value, config.sessionTtlSeconds) });
}

export function handleSignOut(rt: WebRuntime, request: Request): Response {
  if (!sameOrigin(rt.config, request)) return plain(403, "Cross-origin request refused");
  const cleared = serializeCookie(rt.config, SESSION_COOKIE, "", { maxAgeSeconds: 0, path: "/" });
  return seeOther(rt.config, "/sign-in", {}, { "set-cookie": cleared });
}
