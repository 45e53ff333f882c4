/** Small response helpers for the route handlers: redirects on the public base URL, the Origin check, sessions. */
import type { WebConfig } from "./config.js";
import { appUrl } from "./config.js";
import type { WebRuntime } from "./runtime.js";
import { sessionFromRequest, type Session } from "./session.js";

/** 303 See Other to a path on the public base URL: a POST's answer becomes a GET of the page. */
export function seeOther(config: WebConfig, path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}): Response {
  const url = appUrl(config, path);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = new Response(null, { status: 303, headers });
  response.headers.set("location", url.toString());
  return response;
}

export function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * State-changing requests must come from our own pages: the Origin header (every current browser sends it on POST)
 * must be the configured public origin. Without Origin, a same-origin Referer is accepted; without either, refused.
 */
export function sameOrigin(config: WebConfig, request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === config.origin;
  const referer = request.headers.get("referer");
  if (referer === null) return false;
  try {
    return new URL(referer).origin === config.origin;
  } catch {
    return false;
  }
}

export type Guarded = { ok: true; session: Session } | { ok: false; response: Response };

/** Session required; for anything but GET, our Origin too. */
export function guard(rt: WebRuntime, request: Request): Guarded {
  if (request.method !== "GET" && request.method !== "HEAD" && !sameOrigin(rt.config, request)) {
    return { ok: false, response: plain(403, "Cross-origin request refused") };
  }
  const session = sessionFromRequest(rt.config, request.headers);
  if (session === undefined) return { ok: false, response: plain(401, "Sign in first") };
  return { ok: true, session };
}

/** A form's text field, trimmed; undefined when absent or not text. */
export function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : undefined;
}

/** The form body, or undefined when the body is not a form (a refused request rather than a thrown one). */
export async function readForm(request: Request): Promise<FormData | undefined> {
  try {
    return await request.formData();
  } catch {
    return undefined;
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
