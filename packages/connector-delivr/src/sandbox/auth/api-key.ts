/** The sandbox's API-key auth: one key, sent as `X-Api-Key`. */
import { randomBytes } from "node:crypto";
import { json, requireHeaders } from "@gtm-clarity/testkit/sandbox";
import { UNAUTHORIZED, type SandboxAuth } from "./types.js";

export interface ApiKeySandboxAuth extends SandboxAuth {
  /** The one API key the sandbox accepts. */
  readonly apiKey: string;
}

const newKey = (): string => `sk_test_${randomBytes(16).toString("hex")}`;

export function createSandboxAuth(options: { apiKey?: string } = {}): ApiKeySandboxAuth {
  const apiKey = options.apiKey ?? newKey();
  return {
    apiKey,
    guard: requireHeaders({ "x-api-key": apiKey }, () => json(401, UNAUTHORIZED)),
    routes: [],
    credentials: () => ({ apiKey }),
    badCredentials: () => ({ apiKey: newKey() }),
    authRequests: () => 0,
  };
}
