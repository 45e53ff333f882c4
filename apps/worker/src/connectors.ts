/**
 * The connectors this worker deploys: the ONE place that imports them. Each import self-registers its connector
 * in core's process-wide registry; the versions are pinned exactly in package.json, and `worker connectors` lists
 * what is actually loaded.
 *
 * To deploy another connector: add it to package.json at an exact version, import it here, and (for the demo)
 * describe its sandbox in ./demo/sandboxes.ts.
 */
import "@gtm-clarity/connector-fathom";
import { connectorRegistry, type RegisteredConnector } from "@gtm-clarity/core";

export { connectorRegistry };

/** Connectors compiled into this worker, with the version each one reports (from its own package.json). */
export function deployedConnectors(): RegisteredConnector[] {
  return connectorRegistry.list();
}
