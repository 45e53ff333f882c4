/**
 * How the sandbox checks a request's credentials. Each auth variant of the connector has a sandbox counterpart, so
 * a test can start the sandbox with either one whichever is wired.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Credentials } from "@gtm-clarity/core";

export interface SandboxAuth {
  /** Whether an API request carries valid credentials. */
  authorized(req: IncomingMessage): boolean;
  /** Answers the routes the auth method owns (OAuth endpoints); false when `url` is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Good credentials for `sync` and `healthCheck` against the sandbox at `baseUrl`. */
  credentials(baseUrl: string): Credentials;
  /** The same shape with a wrong secret. */
  badCredentials(baseUrl: string): Credentials;
  /** Requests to the auth method's own endpoints (token requests), for tests that count them. */
  readonly authRequests: () => number;
}
