/**
 * Connecting: what `worker connections add` and the demo both do to turn a person's input into a stored connection.
 * Settings are checked with the connector's `settingsSchema` and secrets with its `secretsSchema` (ConfigErrors name
 * the bad fields, never the values), `authenticate` turns them into credentials, and the store keeps those encrypted
 * beside the (non-secret) settings. Secrets themselves are never stored as given, nor printed.
 */
import {
  ConfigError,
  encryptApiKey,
  parseConnectorSecrets,
  parseConnectorSettings,
  type CanonicalRecord,
  type Connector,
  type Credentials,
} from "@gtm-clarity/core";

export interface ConnectInput {
  tenantId: string;
  connectionId: string;
  connector: Connector<CanonicalRecord>;
  /** Settings as given (flags, a sandbox); parsed with the connector's schema. */
  settings: Record<string, unknown>;
  /** Secret inputs as given (an API key); checked with the connector's `secretsSchema`. */
  secrets?: Credentials;
  /**
   * For an OAuth-only connector: the tokens a completed consent produced (the web app's callback, or a sandbox's own
   * consent in the demo), which `authenticate` validates. Without them such a connector cannot be connected here.
   */
  oauthTokens?: Credentials;
  /** The tenant's DPA acceptance, for connectors that refuse without it. */
  dpaAcceptedAt?: Date | null;
}

export interface Connected {
  /** What the connection row keeps as settings: non-secret. */
  settings: Record<string, unknown>;
  /** What `authenticate` returned; the store encrypts it. */
  credentials: Credentials;
}

/** Settings key under which connectors written before `secrets` existed find their sealed API key. */
const LEGACY_SEALED_KEY = "encryptedApiKey";

/** How `connector` takes its secrets: a schema, OAuth in the web app, or (older connectors) inside its settings. */
export function secretsMode(connector: Connector<CanonicalRecord>): "schema" | "oauth" | "legacy" {
  if (connector.secretsSchema !== undefined) return "schema";
  return connector.oauth === undefined ? "legacy" : "oauth";
}

export function oauthOnlyMessage(connector: Connector<CanonicalRecord>): string {
  return (
    `${connector.name} (${connector.id}) connects through its OAuth flow in the web app (apps/web); it declares no ` +
    "secretsSchema, so it takes no secrets (pre-obtained tokens) here"
  );
}

export async function connect(input: ConnectInput): Promise<Connected> {
  const { connector, tenantId, connectionId } = input;
  const binding = { tenantId, connectionId };
  const given = input.secrets ?? {};
  const hasSecrets = Object.keys(given).length > 0;
  const settings: Record<string, unknown> =
    connector.settingsSchema === undefined
      ? { ...input.settings }
      : parseConnectorSettings<Record<string, unknown>>(connector, input.settings);
  const mode = secretsMode(connector);
  let secrets: Credentials | undefined;
  if (mode === "schema") {
    secrets = parseConnectorSecrets(connector, given);
  } else if (mode === "oauth") {
    if (input.oauthTokens === undefined) throw new ConfigError(oauthOnlyMessage(connector), { details: { connectorId: connector.id } });
    secrets = input.oauthTokens;
  } else if (hasSecrets) {
    // An older connector reads its key from settings, sealed by core for exactly this tenant and connection; like
    // a schema's parse, anything but the key is left out.
    const apiKey = given["apiKey"];
    if (apiKey === undefined) {
      throw new ConfigError(`${connector.id} declares no secretsSchema; the only secret it can take is apiKey`, {
        details: { connectorId: connector.id },
      });
    }
    settings[LEGACY_SEALED_KEY] = encryptApiKey(apiKey, binding);
  }
  const { credentials } = await connector.authenticate({
    ...binding,
    settings,
    ...(secrets ? { secrets } : {}),
    ...(input.dpaAcceptedAt === undefined ? {} : { dpaAcceptedAt: input.dpaAcceptedAt }),
  });
  return { settings, credentials };
}
