/**
 * Connectors log through this interface; apps plug in pino (or anything else) behind it.
 * The default logger redacts secrets before anything is written, so a careless `logger.info("x", {headers})`
 * still cannot leak an API key.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

const SECRET_KEY =
  /(pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key|client[-_]?secret|signature|session)/i;
const REDACTED = "[redacted]";

/** Values that look like secrets even under an innocent key (bearer tokens in either case, whsec_ secrets, JWTs). */
const SECRET_VALUE = /(\b[Bb]earer\s+\S+|\bwhsec_[A-Za-z0-9+/=]+|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/g;

export function redactString(value: string): string {
  return value.replace(SECRET_VALUE, REDACTED);
}

/** Deep-copies `value` with every secret-looking key or value replaced by "[redacted]". Cycles are cut. */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Secret) return REDACTED;
  if (value instanceof Date) return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message) };
  }
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  if (typeof Headers !== "undefined" && value instanceof Headers) {
    return redact(Object.fromEntries(value.entries()), seen);
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(inner, seen);
  }
  return out;
}

/**
 * A value that must never be printed. `String(secret)`, `JSON.stringify`, template literals and
 * `util.inspect` all show "[redacted]"; only `reveal()` hands out the real value.
 */
export class Secret<T = string> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  reveal(): T {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${REDACTED})`;
  }
}

export type LogSink = (entry: LogEntry) => void;

/** A logger that redacts every message and field before handing it to `sink`. */
export function createRedactingLogger(sink: LogSink): Logger {
  const write = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    sink({ level, message: redactString(message), fields: redact(fields) as LogFields });
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

export const noopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Collects entries in memory; tests and the conformance suite use it to check that nothing secret was logged. */
export function createMemoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  // Raw entries, NOT redacted: the conformance suite must see exactly what the connector tried to log.
  const push = (level: LogLevel) => (message: string, fields: LogFields = {}) => {
    entries.push({ level, message, fields });
  };
  return { entries, debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") };
}

/**
 * A logger that writes through `target.logger`, read at every call. A long-lived object (a cached HTTP client) is
 * built once with it and then logs through whichever logger the current call set on `target`.
 */
export function createForwardingLogger(target: { readonly logger: Logger }): Logger {
  return {
    debug: (message, fields) => target.logger.debug(message, fields),
    info: (message, fields) => target.logger.info(message, fields),
    warn: (message, fields) => target.logger.warn(message, fields),
    error: (message, fields) => target.logger.error(message, fields),
  };
}
