/**
 * Typed errors as plain data and back, for when an error crosses a thread or process boundary (a worker thread
 * runs a connector's `sync` and the caller decides by the error's class: an AuthError refreshes the token, a
 * RateLimitError waits its `retryAfterMs`). Structured clone keeps an Error's message but drops its class and
 * fields; this keeps both. Only what the errors already carry crosses: messages and details were written to be
 * safe for logs, and nothing is added.
 */
import {
  AuthError,
  ConfigError,
  type ConnectorError,
  CryptoError,
  DpaRequiredError,
  HttpError,
  isConnectorError,
  NotFoundError,
  PagingLoopError,
  RateLimitError,
  SchemaError,
  SignatureError,
  TransientError,
  ValidationError,
  type ConnectorErrorCode,
  type ConnectorErrorOptions,
  type SchemaIssue,
} from "./errors.js";

/** An error as plain, structured-clone-safe data. */
export interface ErrorData {
  name: string;
  message: string;
  /** Set for connector errors: which class to rebuild. */
  code?: ConnectorErrorCode;
  retryable?: boolean;
  details?: Record<string, unknown>;
  vendorCode?: string;
  vendorMessage?: string;
  retryAfterMs?: number;
  status?: number;
  issues?: readonly SchemaIssue[];
  connectorId?: string;
  /** The error's cause, itself as data (one level is kept; deeper causes are summarised by their message). */
  cause?: ErrorData;
}

function plainCause(cause: unknown): ErrorData | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return { name: "Error", message: String(cause) };
}

export function errorToData(error: unknown): ErrorData {
  if (!(error instanceof Error) && !isConnectorError(error)) return { name: "Error", message: String(error) };
  const base = error as Error & { cause?: unknown };
  const cause = plainCause(base.cause);
  const data: ErrorData = { name: base.name, message: base.message, ...(cause ? { cause } : {}) };
  if (!isConnectorError(error)) return data;
  const fields = error as ConnectorError & Partial<{ retryAfterMs: number; status: number; issues: readonly SchemaIssue[]; connectorId: string }>;
  return {
    ...data,
    code: error.code,
    retryable: error.retryable,
    details: error.details,
    ...(error.vendorCode === undefined ? {} : { vendorCode: error.vendorCode }),
    ...(error.vendorMessage === undefined ? {} : { vendorMessage: error.vendorMessage }),
    ...(typeof fields.retryAfterMs === "number" ? { retryAfterMs: fields.retryAfterMs } : {}),
    ...(typeof fields.status === "number" ? { status: fields.status } : {}),
    ...(Array.isArray(fields.issues) ? { issues: fields.issues } : {}),
    ...(typeof fields.connectorId === "string" ? { connectorId: fields.connectorId } : {}),
  };
}

function rebuildConnectorError(data: ErrorData & { code: ConnectorErrorCode }, options: ConnectorErrorOptions): ConnectorError {
  const { message } = data;
  switch (data.code) {
    case "AUTH":
      return new AuthError(message, options);
    case "RATE_LIMIT":
      return new RateLimitError(message, data.retryAfterMs ?? 0, options);
    case "TRANSIENT":
      return new TransientError(message, options);
    case "SCHEMA":
      return new SchemaError(message, data.issues ?? [], options);
    case "CONFIG":
      return new ConfigError(message, options);
    case "DPA_REQUIRED":
      return new DpaRequiredError(message, options);
    case "CRYPTO":
      return new CryptoError(message, options);
    case "HTTP":
      return new HttpError(message, data.status ?? 0, data.retryable ?? false, options);
    case "SIGNATURE":
      return new SignatureError(message, options);
    case "NOT_FOUND":
      return new NotFoundError(message, options);
    case "VALIDATION":
      return new ValidationError(message, data.issues ?? [], options);
    case "PAGING_LOOP":
      return new PagingLoopError(data.connectorId ?? "unknown", message, options);
  }
}

/** The error `errorToData` described: the same core class, code, fields and name; other errors as a named Error. */
export function errorFromData(data: ErrorData): Error {
  const cause = data.cause ? errorFromData(data.cause) : undefined;
  if (data.code === undefined) {
    const error = new Error(data.message, cause ? { cause } : undefined);
    error.name = data.name;
    return error;
  }
  const vendor = {
    ...(data.vendorCode === undefined ? {} : { code: data.vendorCode }),
    ...(data.vendorMessage === undefined ? {} : { message: data.vendorMessage }),
  };
  const error = rebuildConnectorError(
    { ...data, code: data.code },
    {
      ...(data.details ? { details: data.details } : {}),
      ...(cause ? { cause } : {}),
      ...(Object.keys(vendor).length > 0 ? { vendor } : {}),
    },
  );
  // A connector's own subclass keeps its name and its retry decision (its class stays behind; its fields do not).
  error.name = data.name;
  if (data.retryable !== undefined && data.retryable !== error.retryable) {
    Object.defineProperty(error, "retryable", { value: data.retryable, enumerable: true });
  }
  return error;
}
