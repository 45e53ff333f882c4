/** The sandbox's API-key auth: one key, sent as `X-Api-Key`. */
import { randomBytes } from "node:crypto";
import type { SandboxAuth } from "./types.js";

export interface ApiKeySandboxAuth extends SandboxAuth {
  /** The one API key the sandbox accepts. */
  readonly apiKey: string;
}

const newKey = (): string => `sk_test_${randomBytes(16).toString("hex")}`;

export function createSandboxAuth(options: { apiKey?: string } = {}): ApiKeySandboxAuth {
  const apiKey = options.apiKey ?? newKey();
  return {
    apiKey,
    authorized: (req) => req.headers["x-api-key"] === apiKey,
    handle: () => Promise.resolve(false),
    credentials: (baseUrl) => ({ apiKey, baseUrl }),
    badCredentials: (baseUrl) => ({ apiKey: newKey(), baseUrl }),
    authRequests: () => 0,
  };
}
