import { randomBytes } from "node:crypto";
import {
  describeSettings,
  isAuthError,
  isConfigError,
  isCryptoError,
  parseConnectorSettings,
  type ConnectorConfig,
} from "@gtm-clarity/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FathomConnector } from "../src/connector.js";
import { encryptFathomApiKey, legacyCredentials, readLegacyConfig, settingsFromLegacyCredentials } from "../src/legacy.js";
import { FATHOM_BASE_URL, FathomSettingsSchema } from "../src/settings.js";
import { startFathomSandbox, type FathomSandbox } from "../src/sandbox/index.js";
import { useGeneratedEncryptionKey } from "./fixtures.js";

const binding = { tenantId: "tenant-a", connectionId: "conn-1" };

function configFor(settings: Record<string, unknown>, bound = binding): ConnectorConfig {
  return { ...bound, settings };
}

const decryptFathomApiKey = (config: ConnectorConfig) => readLegacyConfig(config).apiKey;

let sandbox: FathomSandbox;

beforeAll(async () => {
  useGeneratedEncryptionKey();
  sandbox = await startFathomSandbox({ meetings: 12 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.resetStats();
});

describe("API key at rest", () => {
  it("round-trips through core's AES-GCM without the key appearing in the ciphertext", () => {
    const apiKey = `key_${randomBytes(16).toString("hex")}`;
    const encryptedApiKey = encryptFathomApiKey(apiKey, binding);
    expect(encryptedApiKey).not.toContain(apiKey);
    expect(encryptedApiKey.startsWith("gcv1.")).toBe(true);
    expect(decryptFathomApiKey(configFor({ encryptedApiKey }))).toBe(apiKey);
  });

  it("is bound to its tenant and connection", () => {
    const encryptedApiKey = encryptFathomApiKey("a-fathom-key", binding);
    const otherTenant = configFor({ encryptedApiKey }, { tenantId: "tenant-b", connectionId: "conn-1" });
    const otherConnection = configFor({ encryptedApiKey }, { tenantId: "tenant-a", connectionId: "conn-2" });
    for (const config of [otherTenant, otherConnection]) {
      let caught: unknown;
      try {
        decryptFathomApiKey(config);
      } catch (error) {
        caught = error;
      }
      expect(isCryptoError(caught)).toBe(true);
    }
  });

  it("refuses an empty key", () => {
    expect(() => encryptFathomApiKey("   ", binding)).toThrow(/cannot be empty/);
  });
});

describe("settings apart from secrets", () => {
  const defaults = {
    baseUrl: FATHOM_BASE_URL,
    includeTranscript: false,
    includeSummary: false,
    includeActionItems: false,
    includeCrmMatches: false,
    lookbackMinutes: 60,
  };

  it("parse {} (and a missing row) to metadata only, Fathom's production URL and a 60 minute lookback", () => {
    const connector = new FathomConnector();
    expect(parseConnectorSettings(connector, {})).toEqual(defaults);
    expect(parseConnectorSettings(connector, undefined)).toEqual(defaults);
  });

  it("drop keys that are not settings, so a legacy row with encryptedApiKey still parses", () => {
    const row = { encryptedApiKey: "gcv1.something", baseUrl: "http://127.0.0.1:9/external/v1", includeSummary: true };
    expect(parseConnectorSettings(new FathomConnector(), row)).toEqual({
      ...defaults,
      baseUrl: "http://127.0.0.1:9/external/v1",
      includeSummary: true,
    });
  });

  it("name the bad field, never its value", () => {
    const secret = "sk-pasted-into-the-wrong-field";
    const error: unknown = (() => {
      try {
        return parseConnectorSettings(new FathomConnector(), { baseUrl: secret, lookbackMinutes: -5 });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/baseUrl/);
    expect((error as Error).message).toMatch(/lookbackMinutes/);
    expect((error as Error).message).not.toContain(secret);
  });

  it("describe themselves for a settings form, with no secret among them", () => {
    const fields = describeSettings(FathomSettingsSchema).map((field) => field.name);
    expect(fields).toEqual(["baseUrl", "includeTranscript", "includeSummary", "includeActionItems", "includeCrmMatches", "lookbackMinutes"]);
  });
});

describe("authenticate with secrets", () => {
  it("checks config.secrets.apiKey with one metadata-only GET /meetings and returns only the key", async () => {
    const connector = new FathomConnector();
    // A row from before secrets existed: its encryptedApiKey is ignored when secrets are given.
    const settings = { baseUrl: sandbox.url, includeSummary: true, encryptedApiKey: "not-a-ciphertext" };
    const result = await connector.authenticate({ ...binding, settings, secrets: { apiKey: ` ${sandbox.apiKey} ` } });
    expect(result).toEqual({ credentials: { apiKey: sandbox.apiKey } });
    expect(sandbox.requests()).toEqual([expect.objectContaining({ path: "/meetings", status: 200, heavy: false, query: {} })]);
  });

  it("maps a 401 to a non-retryable AuthError that does not echo the key", async () => {
    const error: unknown = await new FathomConnector()
      .authenticate({ ...binding, settings: { baseUrl: sandbox.url }, secrets: { apiKey: "revoked-key-321" } })
      .catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: false });
    expect((error as Error).message).not.toContain("revoked-key-321");
  });

  it("rejects a missing key or bad settings with a ConfigError before any request", async () => {
    const connector = new FathomConnector();
    for (const config of [
      { settings: { baseUrl: sandbox.url }, secrets: {} },
      { settings: { baseUrl: sandbox.url }, secrets: { apiKey: "   " } },
      { settings: { baseUrl: "ftp://example.org" }, secrets: { apiKey: sandbox.apiKey } },
    ]) {
      const error: unknown = await connector.authenticate({ ...binding, ...config }).catch((caught: unknown) => caught);
      expect(isConfigError(error)).toBe(true);
    }
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe("sync and healthCheck read options.settings", () => {
  it("take the key from the credentials and everything else from options.settings", async () => {
    const connector = new FathomConnector();
    // Credentials of the legacy shape too: with options.settings present, only their key counts.
    const credentials = { apiKey: sandbox.apiKey, baseUrl: "http://127.0.0.1:9/nowhere", includeTranscript: "false" };
    const settings = { baseUrl: sandbox.url, includeTranscript: true };
    const page = await connector.sync(credentials, null, { settings });
    expect(page.documents?.every((document) => document.type === "transcript")).toBe(true);
    expect(page.documents?.length).toBeGreaterThan(0);
    expect(sandbox.requests()[0]?.query).toEqual({ include_transcript: ["true"] });
    expect(await connector.healthCheck({ apiKey: sandbox.apiKey }, { settings: { baseUrl: sandbox.url } })).toMatchObject({
      healthy: true,
    });
  });

  it("fail a sync with invalid settings with a ConfigError before any request", async () => {
    const error: unknown = await new FathomConnector()
      .sync({ apiKey: sandbox.apiKey }, null, { settings: { baseUrl: sandbox.url, lookbackMinutes: -1 } })
      .catch((caught: unknown) => caught);
    expect(isConfigError(error)).toBe(true);
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe("legacy (src/legacy.ts, until the worker passes settings and secrets)", () => {
  it("sync without options.settings reads them from the credentials authenticate returned before", async () => {
    const page = await new FathomConnector().sync(
      { apiKey: sandbox.apiKey, baseUrl: sandbox.url, includeSummary: "true", lookbackMinutes: "15" },
      null,
    );
    expect(page.documents?.map((document) => document.type)).toContain("summary");
    expect(sandbox.requests()[0]?.query).toEqual({ include_summary: ["true"] });
  });
});

describe("authenticate (legacy: key encrypted in settings, no secrets)", () => {
  it("decrypts the key, validates it with one cheap GET /meetings and returns the credentials", async () => {
    const connector = new FathomConnector();
    const result = await connector.authenticate(
      configFor({ encryptedApiKey: encryptFathomApiKey(sandbox.apiKey, binding), baseUrl: sandbox.url, includeSummary: true }),
    );
    expect(result.credentials).toEqual({
      apiKey: sandbox.apiKey,
      baseUrl: sandbox.url,
      includeTranscript: "false",
      includeSummary: "true",
      includeActionItems: "false",
      includeCrmMatches: "false",
      lookbackMinutes: "60",
    });
    expect(result.expiresAt).toBeUndefined();
    const requests = sandbox.requests();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "GET", path: "/meetings", status: 200, heavy: false });
    // The validation call asks for no content at all.
    expect(Object.keys(requests[0]?.query ?? {})).toEqual([]);
  });

  it("maps a 401 to a non-retryable AuthError, without retrying", async () => {
    const connector = new FathomConnector();
    const config = configFor({ encryptedApiKey: encryptFathomApiKey("revoked-key-123", binding), baseUrl: sandbox.url });
    const error: unknown = await connector.authenticate(config).catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: false });
    expect(String((error as Error).message)).not.toContain("revoked-key-123");
    expect(sandbox.stats()).toMatchObject({ requests: 1, unauthorized: 1 });
  });

  it("sends the key as X-Api-Key to Fathom's production URL by default", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, headers: request.headers });
      return new Response(JSON.stringify({ limit: 10, next_cursor: null, items: [] }), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    };
    const connector = new FathomConnector({ fetch: fakeFetch });
    const { credentials } = await connector.authenticate(
      configFor({ encryptedApiKey: encryptFathomApiKey("prod-key-abcdef", binding) }),
    );
    expect(credentials["baseUrl"]).toBe(FATHOM_BASE_URL);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("https://api.fathom.ai/external/v1/meetings");
    expect(seen[0]?.headers.get("x-api-key")).toBe("prod-key-abcdef");
    expect(seen[0]?.headers.get("authorization")).toBeNull();
  });

  it("rejects missing or invalid settings with a ConfigError before any request", async () => {
    const connector = new FathomConnector();
    for (const settings of [{}, { encryptedApiKey: "" }, { encryptedApiKey: "x", baseUrl: "ftp://example.org" }, { encryptedApiKey: "x", lookbackMinutes: -5 }]) {
      const error: unknown = await connector.authenticate(configFor(settings)).catch((caught: unknown) => caught);
      expect(isConfigError(error)).toBe(true);
    }
    expect(sandbox.stats().requests).toBe(0);
  });

  it("fails with a CryptoError for a tampered ciphertext", async () => {
    const encryptedApiKey = encryptFathomApiKey(sandbox.apiKey, binding);
    const tampered = `${encryptedApiKey.slice(0, -4)}${encryptedApiKey.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    const error: unknown = await new FathomConnector()
      .authenticate(configFor({ encryptedApiKey: tampered, baseUrl: sandbox.url }))
      .catch((caught: unknown) => caught);
    expect(isCryptoError(error)).toBe(true);
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe("legacy credentials", () => {
  it("default to metadata only (every include_* off) and a 60 minute lookback", () => {
    const parsed = settingsFromLegacyCredentials({ apiKey: "k-123456" });
    expect(parsed).toEqual({
      baseUrl: FATHOM_BASE_URL,
      includeTranscript: false,
      includeSummary: false,
      includeActionItems: false,
      includeCrmMatches: false,
      lookbackMinutes: 60,
    });
  });

  it("round-trip from settings", () => {
    const credentials = legacyCredentials("k-123456", FathomSettingsSchema.parse({ includeTranscript: true, lookbackMinutes: 15 }));
    expect(settingsFromLegacyCredentials(credentials)).toMatchObject({ includeTranscript: true, lookbackMinutes: 15 });
  });

  it("reject malformed values naming the field, never its value", () => {
    const secret = "sk-this-should-not-appear";
    try {
      settingsFromLegacyCredentials({ apiKey: secret, includeTranscript: "yes", baseUrl: secret });
      expect.unreachable("must throw");
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toContain("includeTranscript");
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
