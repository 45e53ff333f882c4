/**
 * A runtime as the app builds it, on an in-memory PGlite with the real sandboxes, and requests as a browser or a
 * vendor would send them. Route handlers are called directly: no server.
 */
import { readFileSync } from "node:fs";
import { createPgliteDriver } from "@gtm-clarity/store";
import { afterAll, beforeAll, inject } from "vitest";
import { createRuntime, type WebRuntime } from "../src/runtime.js";
import { SESSION_COOKIE, signSession } from "../src/session.js";

export const BASE = "http://127.0.0.1:3999";
export const TEST_ENV = {
  APP_BASE_URL: BASE,
  CONNECTOR_ENCRYPTION_KEY: "4".repeat(64),
  SESSION_SECRET: "s".repeat(40),
  OAUTH_STATE_SECRET: "o".repeat(40),
};

export interface Harness {
  rt: WebRuntime;
}

let template: Blob | undefined;

/** The global setup's migrated cluster (test/global-setup.ts), read once per process. */
function migratedTemplate(): Blob {
  template ??= new Blob([readFileSync(inject("migratedPgliteTemplate"))]);
  return template;
}

export function useRuntime(env: Record<string, string> = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    const driver = await createPgliteDriver({ template: migratedTemplate() });
    h.rt = await createRuntime({ env: { ...TEST_ENV, ...env }, driver, sandboxes: true });
  });
  afterAll(async () => {
    await h.rt?.close();
  });
  return h;
}

export function sessionCookieFor(rt: WebRuntime, tenantId: string, userId = "user@example.com"): string {
  const value = signSession({ tenantId, userId, expiresAt: Date.now() + 3_600_000 }, rt.config.sessionSecret);
  return `${SESSION_COOKIE}=${value}`;
}

let counter = 0;
export function uniqueTenant(prefix = "t"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface FormRequestOptions {
  cookie?: string;
  origin?: string | null;
  fields?: Record<string, string>;
}

/** A form POST as our own pages send it (Origin set to the app's). */
export function formPost(path: string, options: FormRequestOptions = {}): Request {
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  if (options.cookie) headers.set("cookie", options.cookie);
  const origin = options.origin === undefined ? BASE : options.origin;
  if (origin !== null) headers.set("origin", origin);
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers,
    body: new URLSearchParams(options.fields ?? {}).toString(),
  });
}

export function get(path: string, cookie?: string): Request {
  return new Request(`${BASE}${path}`, cookie === undefined ? {} : { headers: { cookie } });
}

/** The redirect target of a 303, as a URL. */
export function location(response: Response): URL {
  const value = response.headers.get("location");
  if (value === null) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(value);
}

export function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}
