import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  Secret,
  createForwardingLogger,
  createMemoryLogger,
  createRedactingLogger,
  noopLogger,
  redact,
  redactString,
  type LogEntry,
  type Logger,
} from "./logger.js";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

describe("redactString", () => {
  it.each([
    ["a bearer token", "Authorization: Bearer abc.def-123", "Authorization: [redacted]"],
    ["a lower-case bearer token", "sent bearer abc123 to graph", "sent [redacted] to graph"],
    ["a whsec_ secret", "secret is whsec_ZmFrZS1zZWNyZXQtZm9yLXRlc3Rz ok", "secret is [redacted] ok"],
    ["a JWT", `token=${JWT};`, "token=[redacted];"],
  ])("hides %s", (_label, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it("leaves ordinary text alone", () => {
    expect(redactString("synced 40 records for tenant t-1")).toBe("synced 40 records for tenant t-1");
  });
});

describe("redact", () => {
  it("hides values under secret-looking keys, at any depth and any case", () => {
    const out = redact({
      headers: { Authorization: "Basic dXNlcjpwYXNz", "X-Api-Key": "dlvr_abc", "x-cio-signature": "abcd", accept: "json" },
      credentials: { accessToken: "at" },
      nested: [{ client_secret: "cs", password: "pw", refresh_token: "rt", cookie: "c", page: 2 }],
    });
    expect(out).toEqual({
      headers: { Authorization: "[redacted]", "X-Api-Key": "[redacted]", "x-cio-signature": "[redacted]", accept: "json" },
      credentials: "[redacted]",
      nested: [{ client_secret: "[redacted]", password: "[redacted]", refresh_token: "[redacted]", cookie: "[redacted]", page: 2 }],
    });
  });

  it("hides secret-looking values under innocent keys", () => {
    expect(redact({ note: "Bearer xyz", list: ["whsec_abc=", JWT], n: 1 })).toEqual({
      note: "[redacted]",
      list: ["[redacted]", "[redacted]"],
      n: 1,
    });
  });

  it("redacts Headers, errors, Secrets and cycles", () => {
    const headers = new Headers({ Authorization: "Bearer t", "Content-Type": "application/json" });
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic["self"] = cyclic;
    const out = redact({ headers, error: new Error("call failed with Bearer t0k"), secret: new Secret("s"), cyclic });
    expect(out).toEqual({
      headers: { authorization: "[redacted]", "content-type": "application/json" },
      error: { name: "Error", message: "call failed with [redacted]" },
      secret: "[redacted]",
      cyclic: { name: "loop", self: "[circular]" },
    });
  });

  it("keeps dates and primitives", () => {
    const date = new Date(0);
    expect(redact({ at: date, ok: true, n: null })).toEqual({ at: date, ok: true, n: null });
  });
});

describe("Secret", () => {
  const secret = new Secret("fake_key_SUPERSECRET");

  it("never prints through String, templates, JSON or util.inspect", () => {
    expect(String(secret)).toBe("[redacted]");
    expect(`${secret}`).toBe("[redacted]");
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect(secret)).toBe("Secret([redacted])");
    expect(inspect({ nested: { secret } }, { depth: 5, showHidden: true })).not.toContain("SUPERSECRET");
    expect(Object.keys(secret)).toEqual([]);
  });

  it("hands out the value only through reveal()", () => {
    expect(secret.reveal()).toBe("fake_key_SUPERSECRET");
    expect(new Secret({ key: "k" }).reveal()).toEqual({ key: "k" });
  });
});

describe("loggers", () => {
  it("the redacting logger redacts message and fields before the sink sees them", () => {
    const entries: LogEntry[] = [];
    const logger = createRedactingLogger((entry) => entries.push(entry));
    logger.warn("retrying with Bearer abc", { apiKey: "k", attempt: 2 });
    logger.info("plain");
    expect(entries).toEqual([
      { level: "warn", message: "retrying with [redacted]", fields: { apiKey: "[redacted]", attempt: 2 } },
      { level: "info", message: "plain", fields: {} },
    ]);
  });

  it("the memory logger records raw entries so tests can catch what a connector tried to log", () => {
    const logger = createMemoryLogger();
    logger.error("leak", { token: "t" });
    logger.debug("d");
    expect(logger.entries).toEqual([
      { level: "error", message: "leak", fields: { token: "t" } },
      { level: "debug", message: "d", fields: {} },
    ]);
  });

  it("the forwarding logger writes through whichever logger its target holds at the time of the call", () => {
    const target: { logger: Logger } = { logger: noopLogger };
    const logger = createForwardingLogger(target);
    logger.info("dropped");
    const first = createMemoryLogger();
    target.logger = first;
    logger.debug("d", { page: 1 });
    logger.info("i");
    const second = createMemoryLogger();
    target.logger = second;
    logger.warn("w", { attempt: 2 });
    logger.error("e");
    expect(first.entries).toEqual([
      { level: "debug", message: "d", fields: { page: 1 } },
      { level: "info", message: "i", fields: {} },
    ]);
    expect(second.entries).toEqual([
      { level: "warn", message: "w", fields: { attempt: 2 } },
      { level: "error", message: "e", fields: {} },
    ]);
  });
});
