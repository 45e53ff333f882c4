/**
 * Typed errors shared by every connector, the store and the apps.
 *
 * Each error says whether retrying can help (`retryable`). Checks use a `Symbol.for` brand instead of
 * `instanceof`, so they keep working when two copies of core end up installed side by side.
 */

const BRAND = Symbol.for("@gtm-clarity/core/ConnectorError");

export type ConnectorErrorCode =
  | "AUTH"
  | "RATE_LIMIT"
  | "TRANSIENT"
  | "SCHEMA"
  | "CONFIG"
  | "DPA_REQUIRED"
  | "CRYPTO"
  | "HTTP"
  | "SIGNATURE"
  | "NOT_FOUND"
  | "VALIDATION"
  | "PAGING_LOOP";

/** The vendor's own error code and message, as its error body said (scrubbed of secrets). */
export interface VendorError {
  code?: string | undefined;
  message?: string | undefined;
}

export interface ConnectorErrorOptions {
  cause?: unknown;
  /** Extra, non-secret context for logs and run records. */
  details?: Record<string, unknown>;
  /** The vendor's own code and message, when its error body said them (the HTTP client's `errorBody`). */
  vendor?: VendorError;
}

export class ConnectorError extends Error {
  readonly [BRAND] = true;
  readonly code: ConnectorErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  // Declared, not initialised: errors without a vendor error keep exactly the own properties they had before.
  /** The vendor's error code (Salesforce `errorCode`, Graph `error.code`), for deciding by code. */
  declare readonly vendorCode?: string;
  /** The vendor's error message. */
  declare readonly vendorMessage?: string;

  constructor(code: ConnectorErrorCode, message: string, retryable: boolean, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = retryable;
    this.details = options.details ?? {};
    const { vendor } = options;
    if (vendor?.code !== undefined) this.vendorCode = vendor.code;
    if (vendor?.message !== undefined) this.vendorMessage = vendor.message;
  }
}

/** Credentials were rejected or revoked: the user must reconnect. Never retried. */
export class AuthError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("AUTH", message, false, options);
  }
}

/** The source asked us to slow down. Retry after `retryAfterMs`. */
export class RateLimitError extends ConnectorError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: ConnectorErrorOptions) {
    super("RATE_LIMIT", message, true, options);
    this.retryAfterMs = Math.max(0, Math.round(retryAfterMs));
  }
}

/** A network fault, a timeout or a 5xx: retrying with backoff is expected to help. */
export class TransientError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("TRANSIENT", message, true, options);
  }
}

export interface SchemaIssue {
  path: string;
  message: string;
}

/** Data from outside did not have the expected shape (a malformed page, a non-JSON body). */
export class SchemaError extends ConnectorError {
  readonly issues: readonly SchemaIssue[];
  constructor(message: string, issues: readonly SchemaIssue[] = [], options?: ConnectorErrorOptions) {
    super("SCHEMA", message, false, options);
    this.issues = issues;
  }
}

/** The connection or the deployment is misconfigured (missing setting, bad key format). Never retried. */
export class ConfigError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("CONFIG", message, false, options);
  }
}

/** A privacy-gated connector ran for a tenant that has not accepted the data processing agreement. */
export class DpaRequiredError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("DPA_REQUIRED", message, false, options);
  }
}

/** Decryption failed: wrong key, tampered or malformed ciphertext, ciphertext bound to another tenant. */
export class CryptoError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("CRYPTO", message, false, options);
  }
}

/** A non-success HTTP status that none of the more specific errors covers (e.g. 400, 404, 422). */
export class HttpError extends ConnectorError {
  readonly status: number;
  constructor(message: string, status: number, retryable = false, options?: ConnectorErrorOptions) {
    super("HTTP", message, retryable, options);
    this.status = status;
  }
}

/** A webhook or OAuth state whose signature, timestamp or nonce does not check out. */
export class SignatureError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("SIGNATURE", message, false, options);
  }
}

/** A tenant, connection or record that does not exist (or is not visible to this tenant). */
export class NotFoundError extends ConnectorError {
  constructor(message: string, options?: ConnectorErrorOptions) {
    super("NOT_FOUND", message, false, options);
  }
}

/** Input to one of our own APIs was invalid (a wrong tenant, an oversized record). */
export class ValidationError extends ConnectorError {
  readonly issues: readonly SchemaIssue[];
  constructor(message: string, issues: readonly SchemaIssue[] = [], options?: ConnectorErrorOptions) {
    super("VALIDATION", message, false, options);
    this.issues = issues;
  }
}

/**
 * A connector kept asking for more pages without getting anywhere: it handed back a cursor it had already returned
 * in the same sync run (A -> B -> A), or went past the run's page limit. A bug in the connector or the vendor's
 * paging, not in the credentials: never retried, and the connection stays usable.
 */
export class PagingLoopError extends ConnectorError {
  /** The connector that looped, as registered (`fathom`, `salesforce`, ...). */
  readonly connectorId: string;
  constructor(connectorId: string, message: string, options?: ConnectorErrorOptions) {
    super("PAGING_LOOP", message, false, options);
    this.connectorId = connectorId;
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

function hasCode<T extends ConnectorError>(code: ConnectorErrorCode) {
  return (value: unknown): value is T => isConnectorError(value) && value.code === code;
}

export const isAuthError = hasCode<AuthError>("AUTH");
export const isRateLimitError = hasCode<RateLimitError>("RATE_LIMIT");
export const isTransientError = hasCode<TransientError>("TRANSIENT");
export const isSchemaError = hasCode<SchemaError>("SCHEMA");
export const isConfigError = hasCode<ConfigError>("CONFIG");
export const isDpaRequiredError = hasCode<DpaRequiredError>("DPA_REQUIRED");
export const isCryptoError = hasCode<CryptoError>("CRYPTO");
export const isHttpError = hasCode<HttpError>("HTTP");
export const isSignatureError = hasCode<SignatureError>("SIGNATURE");
export const isNotFoundError = hasCode<NotFoundError>("NOT_FOUND");
export const isValidationError = hasCode<ValidationError>("VALIDATION");
export const isPagingLoopError = hasCode<PagingLoopError>("PAGING_LOOP");

/** Whether a retry may help. Unknown errors (bugs, network errors from outside our client) count as retryable. */
export function isRetryable(error: unknown): boolean {
  return isConnectorError(error) ? error.retryable : true;
}

/** Converts zod-like issues to the flat `{path, message}` form used by SchemaError and quarantine reasons. */
export function toSchemaIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): SchemaIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map((part) => String(part)).join("."),
    message: issue.message,
  }));
}
