/** PKCE (RFC 7636) with the S256 method only: `plain` gives no protection against a leaked authorization code. */
import { createHash, randomBytes } from "node:crypto";
import { ValidationError } from "./errors.js";

export interface PkcePair {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: "S256";
}

/** RFC 7636 section 4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** BASE64URL(SHA256(ASCII(verifier))), without padding. */
export function pkceChallenge(verifier: string): string {
  if (typeof verifier !== "string" || !VERIFIER.test(verifier)) {
    throw new ValidationError("PKCE code verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 4.1)");
  }
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** A fresh verifier (32 random bytes, 43 base64url characters) and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const codeVerifier = randomBytes(32).toString("base64url");
  return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier), codeChallengeMethod: "S256" };
}
