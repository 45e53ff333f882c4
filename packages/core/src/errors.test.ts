import { describe, expect, it } from "vitest";
import {
  AuthError,
  ConfigError,
  ConnectorError,
  CryptoError,
  DpaRequiredError,
  HttpError,
  NotFoundError,
  RateLimitError,
  SchemaError,
  SignatureError,
  TransientError,
  ValidationError,
  isAuthError,
  isConfigError,
  isConnectorError,
  isCryptoError,
  isHttpError,
  isRateLimitError,
  isRetryable,
  isSchemaError,
  isSignatureError,
  isTransientError,
  toSchemaIssues,
} from "./errors.js";

/** What an error thrown by a second, separately installed copy of core looks like: same brand, other class. */
function foreignError(code: string, retryable: boolean): Error {
  const error = new Error("from another copy of core") as Error & Record<PropertyKey, unknown>;
  error[Symbol.for("@gtm-clarity/core/ConnectorError")] = true;
  error["code"] = code;
  error["retryable"] = retryable;
  return error;
}

describe("brand checks", () => {
  it("reject look-alikes without the brand", () => {
    expect(isConnectorError(new Error("plain"))).toBe(false);
    expect(isConnectorError({ code: "AUTH", retryable: false })).toBe(false);
    expect(isConnectorError({ [Symbol("@gtm-clarity/core/ConnectorError")]: true })).toBe(false);
    expect(isConnectorError(null)).toBe(false);
    expect(isConnectorError("AUTH")).toBe(false);
    expect(isAuthError(new Error("AUTH"))).toBe(false);
  });

  it("survive a second copy of core: an object carrying the same Symbol.for brand", () => {
    const foreign = foreignError("AUTH", false);
    expect(foreign instanceof ConnectorError).toBe(false);
    expect(isConnectorError(foreign)).toBe(true);
    expect(isAuthError(foreign)).toBe(true);
    expect(isRateLimitError(foreign)).toBe(false);
    expect(isRetryable(foreign)).toBe(false);
    expect(isRetryable(foreignError("TRANSIENT", true))).toBe(true);
  });

  it("match each subclass to its own guard only", () => {
    const cases: [ConnectorError, (value: unknown) => boolean][] = [
      [new AuthError("a"), isAuthError],
      [new RateLimitError("r", 1000), isRateLimitError],
      [new TransientError("t"), isTransientError],
      [new SchemaError("s"), isSchemaError],
      [new ConfigError("c"), isConfigError],
      [new CryptoError("x"), isCryptoError],
      [new HttpError("h", 404), isHttpError],
      [new SignatureError("g"), isSignatureError],
    ];
    const guards = cases.map(([, guard]) => guard);
    for (const [error, own] of cases) {
      for (const guard of guards) expect(guard(error), `${error.name} vs ${guard.name}`).toBe(guard === own);
    }
  });
});

describe("retryable", () => {
  it.each([
    [new AuthError("revoked"), false],
    [new RateLimitError("slow down", 2500), true],
    [new TransientError("503"), true],
    [new SchemaError("bad page"), false],
    [new ConfigError("no key"), false],
    [new DpaRequiredError("no dpa"), false],
    [new CryptoError("tampered"), false],
    [new HttpError("400", 400), false],
    [new HttpError("409", 409, true), true],
    [new SignatureError("forged"), false],
    [new NotFoundError("gone"), false],
    [new ValidationError("bad input"), false],
  ])("%s -> %s", (error, expected) => {
    expect(error.retryable).toBe(expected);
    expect(isRetryable(error)).toBe(expected);
  });

  it("treats unknown errors as retryable", () => {
    expect(isRetryable(new TypeError("fetch failed"))).toBe(true);
    expect(isRetryable("weird")).toBe(true);
  });
});

describe("error fields", () => {
  it("sets name, code, cause and details", () => {
    const cause = new Error("socket hang up");
    const error = new TransientError("request failed", { cause, details: { attempt: 3 } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TransientError");
    expect(error.code).toBe("TRANSIENT");
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ attempt: 3 });
    expect(new AuthError("x").details).toEqual({});
    expect("cause" in new AuthError("x")).toBe(false);
  });

  it("rounds and clamps retryAfterMs", () => {
    expect(new RateLimitError("r", 1234.6).retryAfterMs).toBe(1235);
    expect(new RateLimitError("r", -5).retryAfterMs).toBe(0);
  });

  it("keeps status and issues", () => {
    expect(new HttpError("h", 422).status).toBe(422);
    expect(new SchemaError("s", [{ path: "a.0", message: "m" }]).issues).toEqual([{ path: "a.0", message: "m" }]);
    expect(new ValidationError("v").issues).toEqual([]);
  });

  it("toSchemaIssues flattens paths with dots", () => {
    expect(toSchemaIssues([{ path: ["records", 2, "email"], message: "invalid email" }, { path: [], message: "root" }])).toEqual([
      { path: "records.2.email", message: "invalid email" },
      { path: "", message: "root" },
    ]);
  });
});
