/**
 * Runs a synchronous function with outbound networking disabled: `globalThis.fetch` and every TCP/TLS connect
 * (node:http, node:https, node:net, undici all end in `net.Socket.prototype.connect`) throw and are recorded.
 * Attempts are recorded even when the code under test swallows the error.
 */
import net from "node:net";

export class NetworkDisabledError extends Error {
  override readonly name = "NetworkDisabledError";
}

export interface NetworkGuardResult<T> {
  /** The function's return value; absent when it threw. */
  result?: T;
  /** What the function threw, if it did. */
  error?: unknown;
  threw: boolean;
  /** Network accesses attempted, e.g. `fetch http://example.com/x`, `net.Socket.connect`. */
  attempts: string[];
}

function describeFetchTarget(input: unknown): string {
  if (typeof input === "string") return input;
  if (input instanceof URL) return input.href;
  if (typeof Request !== "undefined" && input instanceof Request) return input.url;
  return "(unknown target)";
}

export function withNetworkDisabled<T>(fn: () => T): NetworkGuardResult<T> {
  const attempts: string[] = [];
  const originalFetch = globalThis.fetch;
  const originalConnect = net.Socket.prototype.connect;

  const blockedFetch = (input: unknown): never => {
    const target = describeFetchTarget(input);
    attempts.push(`fetch ${target}`);
    throw new NetworkDisabledError(`Network access is disabled here (fetch ${target})`);
  };
  globalThis.fetch = blockedFetch as typeof fetch;
  net.Socket.prototype.connect = function blockedConnect(): never {
    attempts.push("net.Socket.connect");
    throw new NetworkDisabledError("Network access is disabled here (net.Socket.connect)");
  } as typeof originalConnect;

  try {
    const result = fn();
    return { result, threw: false, attempts };
  } catch (error) {
    return { error, threw: true, attempts };
  } finally {
    globalThis.fetch = originalFetch;
    net.Socket.prototype.connect = originalConnect;
  }
}
