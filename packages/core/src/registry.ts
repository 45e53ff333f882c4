/**
 * The process-wide connector registry. It lives on `globalThis` under a `Symbol.for` key so that two copies of
 * core (a connector built against another patch version) still share one registry.
 */
import type { CanonicalRecord } from "./canonical.js";
import type { Connector } from "./connector.js";
import { ConfigError } from "./errors.js";

const REGISTRY_KEY = Symbol.for("@gtm-clarity/core/registry");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds connectors of every record type
type AnyConnector = Connector<any>;

export interface RegisteredConnector {
  id: string;
  name: string;
  version: string;
}

export class ConnectorRegistry {
  readonly #connectors = new Map<string, AnyConnector>();

  /** Registers a connector. The same instance (or an equal id+version re-import) is a no-op; a different one throws. */
  register<R extends CanonicalRecord>(connector: Connector<R>): void {
    const existing = this.#connectors.get(connector.id);
    if (existing && existing !== connector) {
      // Name as well as class name: two object-literal connectors both have the constructor name "Object".
      if (
        existing.version === connector.version &&
        existing.name === connector.name &&
        existing.constructor.name === connector.constructor.name
      ) {
        return; // the same module evaluated twice (e.g. ESM + test re-import): keep the first
      }
      throw new ConfigError(
        `A different connector is already registered under id "${connector.id}" ` +
          `(${existing.name}@${existing.version}, now ${connector.name}@${connector.version})`,
      );
    }
    this.#connectors.set(connector.id, connector);
  }

  get(id: string): AnyConnector {
    const connector = this.#connectors.get(id);
    if (!connector) {
      const known = [...this.#connectors.keys()].sort().join(", ") || "none";
      throw new ConfigError(`No connector registered under id "${id}" (registered: ${known})`);
    }
    return connector;
  }

  has(id: string): boolean {
    return this.#connectors.has(id);
  }

  list(): RegisteredConnector[] {
    return [...this.#connectors.values()]
      .map(({ id, name, version }) => ({ id, name, version }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** For tests only: forget a connector. */
  unregister(id: string): boolean {
    return this.#connectors.delete(id);
  }
}

type GlobalWithRegistry = typeof globalThis & { [REGISTRY_KEY]?: ConnectorRegistry };

function sharedRegistry(): ConnectorRegistry {
  const global = globalThis as GlobalWithRegistry;
  global[REGISTRY_KEY] ??= new ConnectorRegistry();
  return global[REGISTRY_KEY];
}

export const connectorRegistry: ConnectorRegistry = sharedRegistry();
