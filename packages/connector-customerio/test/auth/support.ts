import { noopLogger, type Credentials } from "@gtm-clarity/core";
import { CustomerioMeSchema } from "../../src/api-schema.js";
import { CustomerioClients } from "../../src/client.js";

export const binding = { tenantId: "tenant-a", connectionId: "connection-1" };

/**
 * The check `authenticate` makes, through the same HTTP client as the connector, against the base URL the settings
 * give (here: the sandbox's) with a given variant's headers:
 * each variant's test proves its own wiring whichever variant the package has wired.
 */
export function verifyWith(baseUrl: () => string, headersOf: (credentials: Credentials) => Record<string, string>) {
  const clients = new CustomerioClients();
  return async (credentials: Credentials): Promise<void> => {
    await clients.get(baseUrl(), headersOf(credentials), noopLogger).getJson("/v1/me", CustomerioMeSchema);
  };
}

/** The error `run` throws (synchronous code). */
export function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
