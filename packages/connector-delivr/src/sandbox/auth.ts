/**
 * The sandbox's auth, as Delivr's current data APIs check it: `X-Api-Key: dlvr_…` and `X-Api-Secret: <hex>`, both
 * required, compared in constant time; anything else is a 401 in the sandbox's error shape.
 */
import type { Credentials } from "@gtm-clarity/core";
import { json, requireHeaders, SeededRandom, type Guard } from "@gtm-clarity/testkit/sandbox";

export const UNAUTHORIZED = { error: "unauthorized", message: "Invalid or missing API key or secret" };

export interface SandboxAuth {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly guard: Guard;
  credentials(): Credentials;
  /** The same key with a wrong secret: every request is refused. */
  badCredentials(): Credentials;
}

/** Same seed, same key pair (a demo rerun sees the same vendor). Clearly fake values. */
export function createSandboxAuth(seed = 1): SandboxAuth {
  const random = new SeededRandom(seed * 7919 + 17);
  const apiKey = `dlvr_sandbox_${random.hex(12)}`;
  const apiSecret = random.hex(24);
  const badSecret = random.hex(24);
  return {
    apiKey,
    apiSecret,
    guard: requireHeaders({ "x-api-key": apiKey, "x-api-secret": apiSecret }, () => json(401, UNAUTHORIZED)),
    credentials: () => ({ apiKey, apiSecret }),
    badCredentials: () => ({ apiKey, apiSecret: badSecret }),
  };
}
