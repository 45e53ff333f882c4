import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import { describeSettings } from "./settings-fields.js";

describe("describeSettings", () => {
  it("turns an object schema into form fields with types, defaults, descriptions and enum values", () => {
    const schema = z.object({
      baseUrl: z.url().default("https://api.fathom.ai/external/v1").describe("API base URL"),
      region: z.enum(["us", "eu"]).default("us").meta({ title: "Region", description: "Where the workspace lives" }),
      lookbackMinutes: z.number().int().min(0).default(5),
      ratio: z.number().optional(),
      includeTranscript: z.boolean().default(false).describe("Store meeting transcripts"),
      streams: z.array(z.enum(["inbox", "sentitems"])).default(["inbox"]),
      notifyEmail: z.email().optional(),
      since: z.iso.datetime().nullable(),
      label: z.string(),
      mode: z.literal("metadata"),
    });
    expect(describeSettings(schema)).toEqual([
      { name: "baseUrl", type: "url", optional: true, default: "https://api.fathom.ai/external/v1", description: "API base URL" },
      {
        name: "region",
        type: "enum",
        optional: true,
        default: "us",
        label: "Region",
        description: "Where the workspace lives",
        enumValues: ["us", "eu"],
      },
      { name: "lookbackMinutes", type: "integer", optional: true, default: 5 },
      { name: "ratio", type: "number", optional: true },
      { name: "includeTranscript", type: "boolean", optional: true, default: false, description: "Store meeting transcripts" },
      { name: "streams", type: "list", optional: true, default: ["inbox"], enumValues: ["inbox", "sentitems"], itemType: "enum" },
      { name: "notifyEmail", type: "email", optional: true },
      { name: "since", type: "datetime", optional: true },
      { name: "label", type: "string", optional: false },
      { name: "mode", type: "enum", optional: false, enumValues: ["metadata"] },
    ]);
  });

  it("describes a secrets schema too (a connect form)", () => {
    expect(describeSettings(z.object({ apiKey: z.string().min(1).describe("Fathom API key") }))).toEqual([
      { name: "apiKey", type: "string", optional: false, description: "Fathom API key" },
    ]);
  });

  it("sees through a nullable enum", () => {
    expect(describeSettings(z.object({ tier: z.enum(["a", "b"]).nullable().describe("Tier") }))).toEqual([
      { name: "tier", type: "enum", optional: true, description: "Tier", enumValues: ["a", "b"] },
    ]);
  });

  it("refuses a schema that is not an object", () => {
    expect(() => describeSettings(z.string())).toThrow(ConfigError);
  });
});
