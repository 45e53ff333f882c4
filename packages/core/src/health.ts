/**
 * A connector's `healthCheck`: the DPA gate, the settings parsed, one cheap authenticated call, timed, and any
 * failure turned into a one-line status that never repeats a credential. Every connector wrote these lines itself;
 * what differs is only the call.
 */
import type { z } from "zod";
import type { ConnectorHealthStatus, Credentials, HealthCheckOptions } from "./connector.js";
import { parseConnectorSettings } from "./connector-settings.js";
import { assertDpaAccepted } from "./dpa.js";

/** What `checkHealth` needs of the connector: the `Connector` itself. */
export interface HealthCheckedConnector<S> {
  readonly id: string;
  readonly name: string;
  readonly settingsSchema?: z.ZodType<S>;
  readonly requiresDpa?: boolean;
}

/** What the probe gets: the connection's settings, parsed, and the options for its request. */
export interface HealthProbeContext<S> {
  settings: S;
  /** The caller's abort signal, when it gave one: spread or pass into the request options. */
  request: { signal?: AbortSignal };
}

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
 * Runs `probe` after the DPA gate (for a connector with `requiresDpa`) and the settings' parsing, and reports
 * `{ healthy, lastSync: null, latencyMs }`. Whatever fails (the gate, the settings, building a client, the request) is
 * an unhealthy status with `error` naming it, every value of `credentials` scrubbed even if some layer echoed it.
 */
export async function checkHealth<S>(
  connector: HealthCheckedConnector<S>,
  credentials: Credentials,
  options: HealthCheckOptions<unknown>,
  probe: (context: HealthProbeContext<S>) => Promise<unknown>,
  check: CheckHealthOptions = {},
): Promise<ConnectorHealthStatus> {
  const now = check.now ?? Date.now;
  const started = now();
  try {
    if (connector.requiresDpa === true) assertDpaAccepted(connector.name, options.dpaAcceptedAt);
    const settings = parseConnectorSettings(connector, options.settings);
    await probe({ settings, request: options.signal === undefined ? {} : { signal: options.signal } });
    return { healthy: true, lastSync: null, latencyMs: now() - started };
  } catch (error) {
    const message = describeErrorWithout(error, Object.values(credentials), check.minSecretLength ?? 4);
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
