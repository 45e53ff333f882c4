import { describe, expect, it } from "vitest";
import { errorFromData, errorToData } from "./error-wire.js";
import {
  AuthError,
  ConfigError,
  ConnectorError,
  CryptoError,
  DpaRequiredError,
  HttpError,
  isAuthError,
  isConnectorError,
  isRateLimitError,
  NotFoundError,
  PagingLoopError,
  RateLimitError,
  SchemaError,
  SignatureError,
  TransientError,
  ValidationError,
} from "./errors.js";

/** Through the same structured clone a worker thread's postMessage applies. */
function roundTrip(error: unknown): Error {
  return errorFromData(structuredClone(errorToData(error)));
}

describe("errors as data", () => {
  const vendor = { vendor: { code: "INVALID_SESSION_ID", message: "Session expired or invalid" } };
  const cases: [string, ConnectorError][] = [
    ["AuthError", new AuthError("token rejected", vendor)],
    ["RateLimitError", new RateLimitError("slow down", 1_234, { details: { bucket: "heavy" } })],
    ["TransientError", new TransientError("socket hang up")],
    ["SchemaError", new SchemaError("bad page", [{ path: "items.0.id", message: "Required" }])],
    ["ConfigError", new ConfigError("no base URL")],
    ["DpaRequiredError", new DpaRequiredError("accept the DPA")],
    ["CryptoError", new CryptoError("wrong key")],
    ["HttpError", new HttpError("teapot", 418, true)],
    ["SignatureError", new SignatureError("forged")],
    ["NotFoundError", new NotFoundError("gone")],
    ["ValidationError", new ValidationError("too big", [{ path: "body", message: "over 1 MB" }])],
    ["PagingLoopError", new PagingLoopError("fathom", "cursor repeated")],
  ];

  it.each(cases)("%s keeps its class, code, fields and vendor error", (name, original) => {
    const back = roundTrip(original);
    expect(back).toBeInstanceOf(original.constructor);
    expect(back.name).toBe(name);
    expect(back.message).toBe(original.message);
    expect(isConnectorError(back)).toBe(true);
    const rebuilt = back as ConnectorError;
    expect(rebuilt.code).toBe(original.code);
    expect(rebuilt.retryable).toBe(original.retryable);
    expect(rebuilt.details).toEqual(original.details);
    expect(rebuilt.vendorCode).toBe(original.vendorCode);
    expect(rebuilt.vendorMessage).toBe(original.vendorMessage);
    for (const field of ["retryAfterMs", "status", "issues", "connectorId"] as const) {
      expect((rebuilt as unknown as Record<string, unknown>)[field]).toEqual((original as unknown as Record<string, unknown>)[field]);
    }
  });

  it("keeps what callers decide by: an AuthError is still one, a rate limit still says how long to wait", () => {
    expect(isAuthError(roundTrip(new AuthError("expired")))).toBe(true);
    const limited = roundTrip(new RateLimitError("429", 30_000));
    expect(isRateLimitError(limited) && limited.retryAfterMs).toBe(30_000);
  });

  it("a connector's own subclass keeps its name and retry decision", () => {
    class SessionGoneError extends ConnectorError {
      constructor() {
        super("TRANSIENT", "session gone", false);
      }
    }
    const back = roundTrip(new SessionGoneError()) as ConnectorError;
    expect(back.name).toBe("SessionGoneError");
    expect(back.code).toBe("TRANSIENT");
    expect(back.retryable).toBe(false);
  });

  it("plain errors keep name, message and one cause", () => {
    const original = new TypeError("fetch failed", { cause: new Error("ECONNRESET") });
    const back = roundTrip(original);
    expect(back.name).toBe("TypeError");
    expect(back.message).toBe("fetch failed");
    expect(isConnectorError(back)).toBe(false);
    expect((back.cause as Error).message).toBe("ECONNRESET");
    expect(roundTrip("a thrown string").message).toBe("a thrown string");
  });
});
