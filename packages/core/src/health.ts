/**
 * A connector's `healthCheck`: one cheap authenticated call, timed, and any failure turned into a one-line status
 * that never repeats a credential. Every connector wrote these lines itself; what differs is only the probe.
 */
import type { ConnectorHealthStatus, Credentials } from "./connector.js";

export interface CheckHealthOptions {
  /**
   * Credential values shorter than this are not scrubbed from the error line (a region code or an API version
   * would otherwise blank out every mention of it). Default 4.
   */
  minSecretLength?: number;
  /** Milliseconds now; default `Date.now`. */
  now?: () => number;
}

/**
 * Runs `probe` (settings parsing, building a client and one request all belong in it, so that any of them failing is
 * an unhealthy status rather than a throw) and reports `{ healthy, lastSync: null, latencyMs }`, with `error` naming
 * what failed, every value of `credentials` scrubbed even if some layer echoed it.
 */
export async function checkHealth(
  credentials: Credentials,
  probe: () => Promise<unknown>,
  options: CheckHealthOptions = {},
): Promise<ConnectorHealthStatus> {
  const now = options.now ?? Date.now;
  const started = now();
  try {
    await probe();
    return { healthy: true, lastSync: null, latencyMs: now() - started };
  } catch (error) {
    const message = describeErrorWithout(error, Object.values(credentials), options.minSecretLength ?? 4);
    return { healthy: false, lastSync: null, latencyMs: now() - started, error: message };
  }
}

/** An error as one line (`Name: message`) with each of `secrets` at least `minLength` long replaced by `[redacted]`. */
export function describeErrorWithout(error: unknown, secrets: readonly string[], minLength = 4): string {
  let message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  for (const secret of secrets) {
    if (secret.length >= minLength) message = message.split(secret).join("[redacted]");
  }
  return message;
}
