/**
 * Request bodies with a size cap. A sandbox is driven by code under test, and a runaway client must not fill the
 * memory of the test process; past the cap the rest of the body is drained and discarded, so the server can still
 * answer 413 on the same connection instead of resetting it.
 */
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { SandboxHttpError } from "./reply.js";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function bodyTooLarge(maxBytes: number): SandboxHttpError {
  return new SandboxHttpError(413, `request body is larger than ${maxBytes} bytes`, { code: "payload_too_large" });
}

export function readRequestBody(incoming: IncomingMessage, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(incoming.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    incoming.resume();
    return Promise.reject(bodyTooLarge(maxBytes));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        incoming.off("data", onData);
        incoming.resume();
        reject(bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(bytes);
    };
    incoming.on("data", onData);
    incoming.once("end", () => resolve(Buffer.concat(chunks, size)));
    incoming.once("error", reject);
  });
}

/** Parses outside data with its schema; a mismatch is the client's fault, so a 400 naming what is wrong. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new SandboxHttpError(400, `${what} is invalid: ${z.prettifyError(result.error)}`, { code: "invalid_request" });
  }
  return result.data;
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SandboxHttpError(400, "request body is not valid JSON", { code: "invalid_json" });
  }
}

/** `application/x-www-form-urlencoded` as an object; a repeated field keeps its first value (as OAuth servers do). */
export function parseForm(text: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) if (!(key in form)) form[key] = value;
  return form;
}

/** A query string as an object: a name that repeats or ends in `[]` (`recorded_by[]`) gives an array, others a string. */
export function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = key.endsWith("[]") || values.length > 1 ? values : (values[0] ?? "");
  }
  return out;
}
