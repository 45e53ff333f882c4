import {
  describeSettings,
  isAuthError,
  isConfigError,
  parseConnectorSettings,
} from "@gtm-clarity/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FathomConnector } from "../src/connector.js";
import { FATHOM_BASE_URL, FathomSettingsSchema } from "../src/settings.js";
import { startFathomSandbox, type FathomSandbox } from "../src/sandbox/index.js";

const binding = { tenantId: "tenant-a", connectionId: "conn-1" };

let sandbox: FathomSandbox;

beforeAll(async () => {
  sandbox = await startFathomSandbox({ meetings: 12 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.resetStats();
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
    // Credentials stored before settings were apart also carry settings as strings: only their key counts.
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

describe("authenticate against Fathom's production API", () => {
  it("sends the key as X-Api-Key to Fathom's production URL when the settings name none", async () => {
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
    const { credentials } = await connector.authenticate({ ...binding, settings: {}, secrets: { apiKey: "prod-key-abcdef" } });
    expect(credentials).toEqual({ apiKey: "prod-key-abcdef" });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(`${FATHOM_BASE_URL}/meetings`);
    expect(seen[0]?.headers.get("x-api-key")).toBe("prod-key-abcdef");
    expect(seen[0]?.headers.get("authorization")).toBeNull();
  });

  it("refuses a connection without secrets: the key is not kept in settings", async () => {
    const error: unknown = await new FathomConnector()
      .authenticate({ ...binding, settings: { baseUrl: sandbox.url } })
      .catch((caught: unknown) => caught);
    expect(isConfigError(error)).toBe(true);
    expect(sandbox.stats().requests).toBe(0);
  });
});
