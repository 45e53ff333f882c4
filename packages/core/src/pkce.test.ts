import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isValidationError } from "./errors.js";
import { createPkcePair, pkceChallenge } from "./pkce.js";

describe("pkceChallenge", () => {
  it("matches the RFC 7636 appendix B vector", () => {
    // RFC 7636 appendix B: this verifier gives E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM.
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it.each([
    ["too short", "a".repeat(42)],
    ["too long", "a".repeat(129)],
    ["with a forbidden character", `${"a".repeat(42)}+`],
    ["with a space", `${"a".repeat(42)} `],
    ["not a string", undefined as unknown as string],
  ])("rejects a verifier %s", (_label, verifier) => {
    expect(() => pkceChallenge(verifier)).toThrow(/43-128 characters/);
    try {
      pkceChallenge(verifier);
    } catch (error) {
      expect(isValidationError(error)).toBe(true);
    }
  });

  it("accepts the whole unreserved alphabet at both length limits", () => {
    expect(pkceChallenge("a".repeat(43))).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkceChallenge(`${"Zz09-._~".repeat(16)}`)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("createPkcePair", () => {
  it("makes a 43-char base64url verifier with its S256 challenge, fresh each time", () => {
    const pair = createPkcePair();
    expect(pair.codeChallengeMethod).toBe("S256");
    expect(pair.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pair.codeChallenge).toBe(createHash("sha256").update(pair.codeVerifier).digest("base64url"));
    expect(createPkcePair().codeVerifier).not.toBe(pair.codeVerifier);
  });
});
