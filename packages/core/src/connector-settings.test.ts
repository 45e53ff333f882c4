import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CanonicalRecord } from "./canonical.js";
import type { Connector, ConnectorConfig, ConnectorHealthStatus, Credentials, HealthCheckOptions, SyncOptions } from "./connector.js";
import { parseConnectorSecrets, parseConnectorSettings } from "./connector-settings.js";
import { ConfigError, isConfigError } from "./errors.js";
import { ConnectorRegistry } from "./registry.js";
import { thrown } from "./test-support.js";

const AcmeSettings = z.object({
  baseUrl: z.url().default("https://api.acme.test/v1"),
  region: z.enum(["us", "eu"]).default("us"),
  lookbackMinutes: z.number().int().min(0).max(1440).default(5),
  includeTranscript: z.boolean().default(false),
  streams: z.array(z.enum(["people", "activities"])).default(["people", "activities"]),
});
type AcmeSettings = z.output<typeof AcmeSettings>;
const AcmeSecrets = z.object({ apiKey: z.string().min(20) });

class AcmeConnector implements Connector<CanonicalRecord, AcmeSettings> {
  readonly id = "acme";
  readonly name = "Acme";
  readonly version = "1.0.0";
  readonly settingsSchema = AcmeSettings;
  readonly secretsSchema = AcmeSecrets;
  seenSettings: AcmeSettings | undefined;

  authenticate(config: ConnectorConfig<AcmeSettings>) {
    return Promise.resolve({ credentials: parseConnectorSecrets(this, config.secrets) });
  }
  sync(_credentials: Credentials, _cursor: string | null, options: SyncOptions<AcmeSettings> = {}) {
    this.seenSettings = options.settings;
    return Promise.resolve({
      records: [],
      cursor: null,
      hasMore: false,
      syncedAt: new Date(0),
      stats: { created: 0, updated: 0, errors: 0 },
    });
  }
  getSchema() {
    return [];
  }
  healthCheck(_credentials: Credentials, options?: HealthCheckOptions<AcmeSettings>) {
    const status: ConnectorHealthStatus = { healthy: options?.settings !== undefined, lastSync: null };
    return Promise.resolve(status);
  }
}

describe("typed settings on the Connector", () => {
  it("a connector with typed settings still registers and is called through the untyped registry entry", async () => {
    const registry = new ConnectorRegistry();
    const acme = new AcmeConnector();
    registry.register(acme);
    const connector = registry.get("acme");
    const settings = parseConnectorSettings(connector, { region: "eu" });
    await connector.sync({}, null, { settings });
    expect(acme.seenSettings).toMatchObject({ region: "eu", baseUrl: "https://api.acme.test/v1" });
    await expect(connector.healthCheck({}, { settings })).resolves.toMatchObject({ healthy: true });
  });
});

describe("parseConnectorSettings", () => {
  it("fills every default from {} or from nothing stored", () => {
    const expected = {
      baseUrl: "https://api.acme.test/v1",
      region: "us",
      lookbackMinutes: 5,
      includeTranscript: false,
      streams: ["people", "activities"],
    };
    expect(parseConnectorSettings(new AcmeConnector(), {})).toEqual(expected);
    expect(parseConnectorSettings(new AcmeConnector(), undefined)).toEqual(expected);
    expect(parseConnectorSettings(new AcmeConnector(), null)).toEqual(expected);
  });

  it("strips what is not a setting (an encrypted key stored beside the settings)", () => {
    const settings = parseConnectorSettings(new AcmeConnector(), { region: "eu", encryptedApiKey: "v1:k:abc" });
    expect(settings).not.toHaveProperty("encryptedApiKey");
  });

  it("lists every bad field and what it should be, without echoing a value", () => {
    const pasted = "fake-key-pasted-into-a-setting-0042";
    const error = thrown(() =>
      parseConnectorSettings(new AcmeConnector(), {
        baseUrl: pasted,
        region: pasted,
        lookbackMinutes: 99_999,
        includeTranscript: "yes",
        streams: ["people", pasted],
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^acme settings are invalid: /);
    expect(message).toContain("baseUrl (expected a valid url)");
    expect(message).toContain('region (expected one of "us", "eu")');
    expect(message).toContain("lookbackMinutes (too big: at most 1440)");
    expect(message).toContain("includeTranscript (expected boolean)");
    expect(message).toContain("streams.1 (expected one of");
    expect(JSON.stringify({ message, details: (error as ConfigError).details })).not.toContain(pasted);
    expect((error as ConfigError).details["settingsErrors"]).toHaveLength(5);
  });

  it("passes an untyped connector's settings object through, and refuses a non-object", () => {
    const untyped = { id: "legacy" };
    expect(parseConnectorSettings(untyped, { a: 1 })).toEqual({ a: 1 });
    expect(parseConnectorSettings(untyped, undefined)).toEqual({});
    expect(isConfigError(thrown(() => parseConnectorSettings(untyped, "region=eu")))).toBe(true);
  });
});

describe("parseConnectorSecrets", () => {
  it("checks a connect form's secrets and never repeats them in the error", async () => {
    const acme = new AcmeConnector();
    const config = { tenantId: "t1", connectionId: "c1", settings: AcmeSettings.parse({}) };
    await expect(acme.authenticate({ ...config, secrets: { apiKey: "k".repeat(24) } })).resolves.toEqual({
      credentials: { apiKey: "k".repeat(24) },
    });
    const short = "short-secret-xyz";
    const error = thrown(() => parseConnectorSecrets(acme, { apiKey: short }));
    expect((error as Error).message).toBe("acme secrets are invalid: apiKey (too small: at least 20 characters)");
    expect(JSON.stringify((error as ConfigError).details)).not.toContain(short);
    expect((thrown(() => parseConnectorSecrets(acme, undefined)) as Error).message).toContain("apiKey (expected string)");
  });

  it("is a ConfigError for a connector that connects through OAuth only", () => {
    expect((thrown(() => parseConnectorSecrets({ id: "oauth-only" }, { apiKey: "x" })) as Error).message).toContain(
      "declares no secretsSchema",
    );
  });
});
