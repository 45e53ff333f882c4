/**
 * Credential guards. Each checks one scheme and, when the request fails it, answers with the refusal the sandbox
 * supplies (its vendor's error body), so a connector's error mapping is tested against the real shape.
 *
 * Comparisons are constant-time over SHA-256 digests: a sandbox is a test double, but one a reader may copy from.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { withOutcome, type Reply } from "./reply.js";
import type { SandboxRequest } from "./request.js";
import type { Guard } from "./server.js";
import type { TokenSet } from "./token-set.js";

/** The refusal for a request whose credentials are missing or wrong. */
export type Refusal = (req: SandboxRequest) => Reply;

/** A value fixed at start or read when checked (for a sandbox whose key can change). */
export type Expected = string | (() => string);

export function safeEqual(actual: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(actual), digest(expected));
}

const valueOf = (expected: Expected) => (typeof expected === "function" ? expected() : expected);

/** Refusals count as "unauthorized" whatever their status (some vendors answer 403 to a bad key). */
function refuse(refusal: Refusal, req: SandboxRequest): Reply {
  return withOutcome(refusal(req), "unauthorized");
}

/** Every named header must carry exactly its value: `X-Api-Key`, or a pair such as `X-Api-Key` + `X-Api-Secret`. */
export function requireHeaders(expected: Readonly<Record<string, Expected>>, refusal: Refusal): Guard {
  const entries = Object.entries(expected);
  if (entries.length === 0) throw new Error("requireHeaders needs at least one header");
  return (req) => {
    // Evaluate every comparison, so timing does not say which header was wrong.
    const results = entries.map(([name, value]) => safeEqual(req.header(name) ?? "", valueOf(value)));
    return results.every(Boolean) ? undefined : refuse(refusal, req);
  };
}

/** `Authorization: Bearer <token>` with a token live in `tokens` (rotated, revoked and expired ones fail). */
export function requireBearer(tokens: TokenSet, refusal: Refusal): Guard {
  return (req) => {
    const token = /^Bearer +(\S+)\s*$/i.exec(req.header("authorization") ?? "")?.[1];
    return token !== undefined && tokens.has(token) ? undefined : refuse(refusal, req);
  };
}

/** `Authorization: Basic base64(user:password)` (Customer.io's Track API: site id and API key). */
export function requireBasic(user: Expected, password: Expected, refusal: Refusal): Guard {
  return (req) => {
    const encoded = /^Basic +([A-Za-z0-9+/=]+)\s*$/i.exec(req.header("authorization") ?? "")?.[1];
    const decoded = encoded === undefined ? "" : Buffer.from(encoded, "base64").toString("utf8");
    return safeEqual(decoded, `${valueOf(user)}:${valueOf(password)}`) ? undefined : refuse(refusal, req);
  };
}

/** Passes when any of `guards` passes (a current and a legacy auth scheme); else answers the first one's refusal. */
export function anyGuard(...guards: readonly Guard[]): Guard {
  if (guards.length === 0) throw new Error("anyGuard needs at least one guard");
  return async (req) => {
    let first: Reply | undefined;
    for (const guard of guards) {
      const refusal = await guard(req);
      if (refusal === undefined) return undefined;
      first ??= refusal;
    }
    return first;
  };
}

/** Applies `guard` only to requests `applies` selects (one API of several behind the same sandbox). */
export function guardWhen(applies: (req: SandboxRequest) => boolean, guard: Guard): Guard {
  return (req) => (applies(req) ? guard(req) : undefined);
}
