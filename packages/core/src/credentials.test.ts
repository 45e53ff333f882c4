import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseCredentials } from "./credentials.js";
import { isAuthError } from "./errors.js";
import { thrown } from "./test-support.js";

const Schema = z.object({ apiKey: z.string().min(8), region: z.enum(["us", "eu"]).optional() });

describe("parseCredentials", () => {
  it("returns the parsed credentials", () => {
    expect(parseCredentials("Acme", Schema, { apiKey: "acme-fake-key-not-real", region: "eu" })).toEqual({
      apiKey: "acme-fake-key-not-real",
      region: "eu",
    });
  });

  it("throws an AuthError naming each bad field once, never a value", () => {
    const error = thrown(() => parseCredentials("Acme", Schema, { apiKey: "sk_shrt", region: "sk_shrt_too" }));
    expect(isAuthError(error)).toBe(true);
    expect((error as Error).message).toBe("Invalid Acme credentials (check apiKey, region): reconnect the connection");
    expect((error as Error).message).not.toContain("sk_shrt");
  });

  it("names the credentials as a whole when the problem is not one field's", () => {
    const Whole = z.object({ a: z.string().optional(), b: z.string().optional() }).refine((c) => c.a ?? c.b, "a or b");
    expect((thrown(() => parseCredentials("Acme", Whole, {})) as Error).message).toBe(
      "Invalid Acme credentials (check (credentials)): reconnect the connection",
    );
  });
});
