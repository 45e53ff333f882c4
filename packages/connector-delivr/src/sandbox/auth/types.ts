/**
 * How the sandbox checks a request's credentials. Each auth variant of the connector has a sandbox counterpart, so
 * a test can start the sandbox with either one whichever is wired.
 */
import type { Credentials } from "@gtm-clarity/core";
import type { Guard, Route } from "@gtm-clarity/testkit/sandbox";

/** The API's 401, in its error shape. */
export const UNAUTHORIZED = { error: { code: "unauthorized", message: "Invalid or missing credentials" } };

export interface SandboxAuth {
  /** Refuses an API request without valid credentials. */
  readonly guard: Guard;
  /** Routes the auth method owns (OAuth endpoints); public, so the guard does not apply to them. */
  readonly routes: readonly Route[];
  /** Good credentials for `sync` and `healthCheck` (secrets only: the base URL is in the sandbox's settings). */
  credentials(): Credentials;
  /** The same shape with a wrong secret. */
  badCredentials(): Credentials;
  /** Requests to the auth method's own endpoints (token requests), for tests that count them. */
  authRequests(): number;
}
