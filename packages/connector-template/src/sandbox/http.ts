/**
 * Loopback HTTP plumbing for the sandbox, on testkit's kit: a real socket on 127.0.0.1 and an ephemeral port, so the
 * connector's whole HTTP stack (client, pacing, retries) runs exactly as in production.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { listenOnLoopback as listen, readRequestBody, type LoopbackListener } from "@gtm-clarity/testkit/sandbox";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Listens with `handler`; an error it throws is answered with a JSON 500, never an unhandled rejection. */
export function listenOnLoopback(handler: Handler): Promise<LoopbackListener> {
  return listen((req, res) => {
    handler(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : "error";
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: { code: "sandbox_error", message } });
    });
  });
}

/** Answers with a JSON body and the given extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Reads the whole request body as UTF-8. */
export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRequestBody(req)).toString("utf8");
}
