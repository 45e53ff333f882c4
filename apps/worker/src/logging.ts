/**
 * The app's logger: pino, behind core's Logger interface. Fields go through core's `redact` first (secret-looking
 * keys and values, Secret instances), and pino's own redaction catches the usual header paths on top, so no token,
 * key or Authorization header reaches a log line even if a caller is careless.
 */
import { redact, redactString, type LogFields, type Logger } from "@gtm-clarity/core";
import { pino, type Level, type Logger as PinoLogger } from "pino";

export type AppLogLevel = Level | "silent";

/** Where log lines go: stderr by default, or a function (the progress display prints them without garbling). */
export type LogDestination = "stderr" | "stdout" | ((line: string) => void);

export function createPino(level: AppLogLevel = "info", destination: LogDestination = "stderr"): PinoLogger {
  return pino(
    {
      level,
      base: { app: "gtm-worker" },
      redact: {
        paths: ["*.authorization", "*.Authorization", "headers.*", "*.apiKey", "*.token", "*.credentials"],
        censor: "[redacted]",
      },
    },
    typeof destination === "function"
      ? { write: (chunk: string) => destination(chunk.trimEnd()) }
      : pino.destination({ dest: destination === "stdout" ? 1 : 2, sync: true }),
  );
}

/** Core's Logger over pino. */
export function toCoreLogger(logger: PinoLogger): Logger {
  const write = (level: "debug" | "info" | "warn" | "error") => (message: string, fields: LogFields = {}) => {
    logger[level](redact(fields) as LogFields, redactString(message));
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

export function createAppLogger(level: AppLogLevel, destination: LogDestination = "stderr"): Logger {
  return toCoreLogger(createPino(level, destination));
}
