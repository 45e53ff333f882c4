/**
 * A vendor's own error code and message, read from an error response with a schema the connector declares once
 * (Salesforce's `[{"message","errorCode"}]`, Graph's `{"error":{"code","message"}}`), so that errors say
 * "INVALID_SESSION_ID: Session expired or invalid" instead of a raw excerpt, `classify` hooks decide by code, and no
 * connector parses error bodies itself. A body that does not match (a proxy's HTML page) gives nothing here and the
 * client falls back to a redacted excerpt, as for any body.
 */
import type { z } from "zod";
import type { VendorError } from "../errors.js";
import { bodySnippet } from "./redact-body.js";

/** How a connector's vendor writes its error bodies: `schema` validates the JSON, `read` picks code and message. */
export interface ErrorBodyOptions<E = unknown> {
  schema: z.ZodType<E>;
  read(body: E): VendorError;
}

/** Error bodies larger than this are not parsed: real vendor errors are small, a large one is something else. */
const MAX_ERROR_BODY_CHARS = 64 * 1024;
const MAX_CODE_CHARS = 100;

/**
 * The vendor's code and message from an error response, scrubbed of what the request sent (servers echo it) and of
 * secret-looking values, or undefined when the body is not the vendor's error shape.
 */
export function readVendorError<E>(
  errorBody: ErrorBodyOptions<E> | undefined,
  bodyText: string,
  secrets: readonly string[],
): VendorError | undefined {
  if (errorBody === undefined || bodyText.length > MAX_ERROR_BODY_CHARS) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const parsed = errorBody.schema.safeParse(json);
  if (!parsed.success) return undefined;
  let read: VendorError;
  try {
    read = errorBody.read(parsed.data);
  } catch {
    return undefined; // a reader's bug must not hide the HTTP error it was asked to describe
  }
  const code = clean(read.code, secrets)?.slice(0, MAX_CODE_CHARS);
  const message = clean(read.message, secrets);
  if (code === undefined && message === undefined) return undefined;
  return { ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }) };
}

/** "CODE: message", "CODE" or "message", for error messages. */
export function formatVendorError(vendor: VendorError): string {
  return [vendor.code, vendor.message].filter((part) => part !== undefined).join(": ");
}

function clean(value: string | undefined, secrets: readonly string[]): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = bodySnippet(value, secrets);
  return text === "" ? undefined : text;
}
