/**
 * Finding secrets where they must never be: log entries, console output and error messages.
 */
import { inspect } from "node:util";
import { createMemoryLogger, type Credentials, type LogEntry, type Logger } from "@gtm-clarity/core";

export interface KnownSecret {
  /** Where the secret came from, e.g. `credentials.apiKey` (safe to print). */
  label: string;
  value: string;
}

/** Credential keys whose values are addresses, not secrets (a sandbox's `baseUrl` is logged legitimately). */
export const DEFAULT_PUBLIC_CREDENTIAL_KEY = /(url|uri|endpoint|host|region)$/i;

/** Values shorter than this are too likely to occur by chance ("true", "us-1") to be searched for. */
export const MIN_SECRET_LENGTH = 6;

export interface CollectSecretsOptions {
  credentials: Credentials;
  badCredentials?: Credentials;
  extraSecrets?: readonly string[];
  /** Credential keys that hold non-secret values, in addition to those matching DEFAULT_PUBLIC_CREDENTIAL_KEY. */
  publicCredentialKeys?: readonly string[];
}

export function collectSecrets(options: CollectSecretsOptions): KnownSecret[] {
  const secrets = new Map<string, KnownSecret>();
  const isPublic = (key: string) =>
    DEFAULT_PUBLIC_CREDENTIAL_KEY.test(key) || (options.publicCredentialKeys ?? []).includes(key);
  const add = (label: string, value: string) => {
    if (value.length >= MIN_SECRET_LENGTH && !secrets.has(value)) secrets.set(value, { label, value });
  };
  for (const [name, bag] of [
    ["credentials", options.credentials],
    ["badCredentials", options.badCredentials ?? {}],
  ] as const) {
    for (const [key, value] of Object.entries(bag)) {
      if (!isPublic(key)) add(`${name}.${key}`, value);
    }
  }
  (options.extraSecrets ?? []).forEach((value, index) => add(`extraSecrets[${index}]`, value));
  return [...secrets.values()];
}

/** Every string reachable from `value`: strings, object keys, error messages, stacks and causes, headers, bytes. */
export function collectStrings(value: unknown, out: string[] = [], seen: WeakSet<object> = new WeakSet()): string[] {
  if (typeof value === "string") {
    out.push(value);
    return out;
  }
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    out.push(String(value));
    return out;
  }
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return out;
  if (seen.has(value)) return out;
  seen.add(value);
  if (value instanceof Error) {
    out.push(value.name, value.message, value.stack ?? "");
    if (value.cause !== undefined) collectStrings(value.cause, out, seen);
  }
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("utf8"));
    return out;
  }
  if (value instanceof URL) {
    out.push(value.href);
    return out;
  }
  if (value instanceof Date) return out;
  if (typeof Headers !== "undefined" && value instanceof Headers) {
    for (const [key, inner] of value.entries()) out.push(key, inner);
    return out;
  }
  if (value instanceof Map) {
    for (const [key, inner] of value) {
      collectStrings(key, out, seen);
      collectStrings(inner, out, seen);
    }
    return out;
  }
  if (value instanceof Set || Array.isArray(value)) {
    for (const inner of value) collectStrings(inner, out, seen);
    return out;
  }
  if (typeof value === "function") return out;
  for (const [key, inner] of Object.entries(value)) {
    out.push(key);
    collectStrings(inner, out, seen);
  }
  return out;
}

export interface SecretLeak {
  secret: KnownSecret;
  /** Where it was seen, e.g. `logger.info("...")`, `console.log`, `error thrown by sync`. */
  where: string;
}

/** Searches `value` (and its `util.inspect` rendering) for each secret, raw or URL-encoded. */
export function findSecrets(value: unknown, secrets: readonly KnownSecret[], where: string): SecretLeak[] {
  const haystack = [...collectStrings(value), inspect(value, { depth: 20, breakLength: Infinity })].join("\n");
  return secrets
    .filter(({ value: secret }) => haystack.includes(secret) || haystack.includes(encodeURIComponent(secret)))
    .map((secret) => ({ secret, where: hideSecrets(where, secrets) }));
}

/** A log message as quoted in a failure: secrets hidden first, then shortened (a cut secret would not be found). */
function preview(message: string, secrets: readonly KnownSecret[]): string {
  const hidden = hideSecrets(message, secrets);
  return JSON.stringify(hidden.length > 80 ? `${hidden.slice(0, 77)}...` : hidden);
}

/** Replaces every occurrence of a secret in `text`, so a failure message never prints what it warns about. */
export function hideSecrets(text: string, secrets: readonly KnownSecret[]): string {
  return secrets.reduce((out, { label, value }) => out.split(value).join(`[${label}]`), text);
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;
type ConsoleMethod = (typeof CONSOLE_METHODS)[number];

export interface OutputCapture {
  /** Pass this as `options.logger` to `sync`: entries are kept raw (unredacted) so leaks are visible. */
  readonly logger: Logger & { entries: LogEntry[] };
  /** Console calls made while the capture was active (they still reach the real console). */
  readonly consoleCalls: { method: ConsoleMethod; args: unknown[] }[];
  /** Errors the checks caught from the connector (thrown by sync, healthCheck, ...) with where they came from. */
  readonly errors: { where: string; error: unknown }[];
  /** Stops spying on the console. Entries stay readable. */
  stop(): void;
  /** Every leak of `secrets` in the captured logs, console output and errors. */
  leaks(secrets: readonly KnownSecret[]): SecretLeak[];
}

export interface OutputCaptureOptions {
  /** Still write captured console calls to the real console. Default true. */
  passThrough?: boolean;
}

/** Captures the memory logger, console.* calls and caught errors. Call `stop()` when done. */
export function startOutputCapture(options: OutputCaptureOptions = {}): OutputCapture {
  const passThrough = options.passThrough ?? true;
  const logger = createMemoryLogger();
  const consoleCalls: OutputCapture["consoleCalls"] = [];
  const errors: OutputCapture["errors"] = [];
  /* eslint-disable no-console -- replacing console methods to capture output, not writing to the console */
  // Patched by hand rather than with vi.spyOn, so a test file's vi.restoreAllMocks() cannot end the capture early.
  const originals = CONSOLE_METHODS.map((method) => {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      consoleCalls.push({ method, args });
      if (passThrough) original.apply(console, args);
    };
    return { method, original };
  });
  let stopped = false;
  return {
    logger,
    consoleCalls,
    errors,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const { method, original } of originals) console[method] = original;
    },
    /* eslint-enable no-console */
    leaks(secrets) {
      return [
        ...logger.entries.flatMap((entry) =>
          findSecrets([entry.message, entry.fields], secrets, `logger.${entry.level}(${preview(entry.message, secrets)})`),
        ),
        ...consoleCalls.flatMap((call) => findSecrets(call.args, secrets, `console.${call.method}`)),
        ...errors.flatMap(({ where, error }) => findSecrets(error, secrets, where)),
      ];
    },
  };
}
