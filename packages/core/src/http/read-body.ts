/**
 * Reads a response body into memory on a reader this code holds, racing every read against the attempt's Cutoff:
 * `response.text()` only stops when fetch sees an abort, which it may never do (see cutoff.ts). Also caps the size,
 * so a vendor streaming without end cannot exhaust the process's memory.
 */
import type { Cutoff } from "./cutoff.js";

export type BodyRead =
  | { kind: "text"; text: string }
  /** `declaredBytes` when the content-length header already said so (nothing was read). */
  | { kind: "too_large"; declaredBytes?: number };

export async function readBodyText(response: Response, cutoff: Cutoff, maxBodyBytes: number): Promise<BodyRead> {
  const body = response.body;
  if (body === null) return { kind: "text", text: "" };
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    void body.cancel().catch(ignore);
    return { kind: "too_large", declaredBytes: declared };
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await cutoff.race(reader.read());
      if (done) break;
      size += value.byteLength;
      if (size > maxBodyBytes) return { kind: "too_large" };
      chunks.push(value);
    }
    finished = true;
  } finally {
    // Cut off, too large or failed: cancelling closes the connection instead of leaving the server trickling into it.
    if (!finished) void reader.cancel().catch(ignore);
  }
  // Decoded once at the end, as Response.text() does (UTF-8, a BOM dropped): a chunk may end inside a character.
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: "text", text: new TextDecoder().decode(bytes) };
}

function ignore(): void {
  // A cancel that fails has nothing left to release.
}
