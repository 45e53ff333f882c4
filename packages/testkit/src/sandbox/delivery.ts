/**
 * Writes a reply to the socket, normally or as a delivery fault asks: trickling (headers at once, then a few bytes
 * per interval, as a stalled upstream does) or dropped (headers and part of the body, then the socket destroyed).
 * Both are bounded by the body's length and stop when the server closes or the client goes away.
 */
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { DeliveryFault } from "./faults.js";
import type { Reply } from "./reply.js";

export type DeliveryOutcome = "sent" | "dropped" | "aborted";

function gone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise<void>((resolve) => {
    res.write(chunk, () => resolve());
  });
}

export async function writeReply(
  res: ServerResponse,
  reply: Reply,
  headers: Readonly<Record<string, string>>,
  delivery: DeliveryFault | undefined,
  signal: AbortSignal,
): Promise<DeliveryOutcome> {
  const { body } = reply;
  res.writeHead(reply.status, { ...headers, "content-length": String(body.length) });
  if (delivery === undefined) {
    res.end(body);
    return "sent";
  }
  res.flushHeaders();
  if (delivery.kind === "drop") {
    const cut = Math.min(body.length, delivery.afterBytes ?? Math.floor(body.length / 2));
    if (cut > 0) await writeChunk(res, body.subarray(0, cut));
    res.destroy();
    return "dropped";
  }
  const step = delivery.bytesPerInterval ?? 1;
  for (let offset = 0; offset < body.length; offset += step) {
    try {
      await sleep(delivery.intervalMs, undefined, { signal });
    } catch {
      return "aborted";
    }
    if (gone(res)) return "aborted";
    await writeChunk(res, body.subarray(offset, offset + step));
  }
  res.end();
  return "sent";
}
