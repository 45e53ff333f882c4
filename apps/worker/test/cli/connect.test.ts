/** Connecting a connector from its schemas: OAuth-only connectors refused, secrets checked, settings typed from flags. */
import { isConfigError, type AuthenticateResult, type ConnectorConfig, type OAuthCapability } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connect } from "../../src/connect.js";
import { coerceSetting, secretsFromFlags, settingsFromFlags } from "../../src/connection-input.js";
import { ScriptedConnector } from "../support/fixtures.js";

const oauth: OAuthCapability = {
  authorizationUrl: () => Promise.reject(new Error("not used")),
  exchangeCode: () => Promise.reject(new Error("not used")),
  refresh: () => Promise.reject(new Error("not used")),
};

/** Records what `authenticate` was given and hands back the secrets as credentials. */
class Recording extends ScriptedConnector {
  readonly configs: ConnectorConfig[] = [];
  declare secretsSchema?: z.ZodType<Record<string, string>>;
  override async authenticate(config?: ConnectorConfig): Promise<AuthenticateResult> {
    if (config) this.configs.push(config);
    return { credentials: { ...config?.secrets } };
  }
}

const binding = { tenantId: "acme", connectionId: "c-1" };

describe("connect", () => {
  it("refuses an OAuth connector with no secretsSchema, saying it connects through the web app", async () => {
    const connector = new Recording("oauth-only", [], { oauth });
    const error = await connect({ ...binding, connector, settings: {}, secrets: { refreshToken: "r-secret-123" } }).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/OAuth flow in the web app \(apps\/web\)/);
    expect(String((error as Error).message)).not.toContain("r-secret-123");
    expect(connector.configs).toHaveLength(0);
  });

  it("takes pre-obtained tokens from an OAuth connector whose secretsSchema allows them, parsed by that schema", async () => {
    const connector = new Recording("oauth-tokens", [], { oauth });
    connector.secretsSchema = z.object({ refreshToken: z.string().min(10) });
    const connected = await connect({ ...binding, connector, settings: {}, secrets: { refreshToken: "r-0123456789", stray: "x" } });
    expect(connector.configs[0]?.secrets).toEqual({ refreshToken: "r-0123456789" });
    expect(connected.credentials).toEqual({ refreshToken: "r-0123456789" });
    const short = await connect({ ...binding, connector, settings: {}, secrets: { refreshToken: "tiny-key" } }).catch((e: unknown) => e);
    expect(String((short as Error).message)).toMatch(/refreshToken \(too small/);
    expect(String((short as Error).message)).not.toContain("tiny-key");
  });

  it("stores the settings as the schema parsed them, defaults applied and unknown keys dropped", async () => {
    const connector = new Recording("typed", [], { settingsSchema: z.object({ region: z.enum(["us", "eu"]).default("us") }) });
    connector.secretsSchema = z.object({ apiKey: z.string() });
    const connected = await connect({ ...binding, connector, settings: { encryptedApiKey: "sealed" }, secrets: { apiKey: "k" } });
    expect(connected.settings).toEqual({ region: "us" });
    expect(connector.configs[0]?.settings).toEqual({ region: "us" });
  });
});

describe("settings and secrets from flags", () => {
  const connector = new ScriptedConnector("flags", [], {
    settingsSchema: z.object({
      enabled: z.boolean().default(false),
      pageSize: z.number().int().default(50),
      streams: z.array(z.enum(["calls", "emails"])).default(["calls"]),
    }),
  });

  it("types each value by its field, and refuses a setting the schema does not have", () => {
    expect(coerceSetting({ type: "boolean" }, "true")).toBe(true);
    expect(coerceSetting({ type: "integer" }, "25")).toBe(25);
    expect(coerceSetting({ type: "integer" }, "soon")).toBe("soon"); // left for the schema to refuse
    expect(settingsFromFlags(connector, { json: undefined, pairs: ["pageSize=10", "streams=calls,emails"], flags: { enabled: true } })).toEqual({
      pageSize: 10,
      streams: ["calls", "emails"],
      enabled: true,
    });
    expect(() => settingsFromFlags(connector, { json: undefined, pairs: ["size=1"], flags: {} })).toThrow(/flags has no setting "size"/);
    expect(() => settingsFromFlags(connector, { json: "{not json", pairs: [], flags: {} })).toThrow("--settings-json is not valid JSON");
  });

  it("reads secrets from the environment and stdin, and names a missing variable without any value", async () => {
    const secrets = await secretsFromFlags(connector, {
      env: ["apiKey=KEY_VAR"],
      argv: [],
      stdin: "token",
      environment: { KEY_VAR: "from-env" },
      readStdin: () => Promise.resolve("from-stdin\n"),
    });
    expect(secrets).toEqual({ apiKey: "from-env", token: "from-stdin" });
    await expect(
      secretsFromFlags(connector, { env: ["apiKey=MISSING"], argv: [], stdin: undefined, environment: {}, readStdin: () => Promise.resolve("") }),
    ).rejects.toThrow("environment variable MISSING (secret apiKey) is not set or empty");
  });
});
