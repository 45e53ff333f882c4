/** src/sandbox/http.ts, src/sandbox/rate-limit.ts, src/sandbox/webhook-sender.ts: sandbox plumbing. */
import type { TemplateContext } from "./context.js";

export function sandboxHttpTs(): string {
  return `/**
 * Loopback HTTP plumbing for the sandbox: a real socket on 127.0.0.1 and an ephemeral port, so the connector's whole
 * HTTP stack (client, pacing, retries) runs exactly as in production. No test dependency: the published
 * \`./sandbox\` entry works on its own.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface LoopbackServer {
  /** Base URL without a trailing slash, e.g. \`http://127.0.0.1:53121\`. */
  url: string;
  /** Stops listening and destroys every open socket, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
}

export async function listenOnLoopback(handler: Handler): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : "error";
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: { code: "sandbox_error", message } });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("The sandbox did not bind to a TCP port");
  let closing: Promise<void> | undefined;
  return {
    url: \`http://127.0.0.1:\${address.port}\`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
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
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
`;
}

export function sandboxRateLimitTs(): string {
  return `/**
 * The sandbox's budget, a fixed window: \`limit\` requests per \`windowMs\`, reported on every response in the IETF
 * \`RateLimit-Limit\` / \`RateLimit-Remaining\` / \`RateLimit-Reset\` headers, and a 429 with \`Retry-After\` beyond it.
 * Reset and Retry-After are sent in fractional seconds (as some APIs do) so that a sandbox window can be short.
 */
export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(limit: number, windowMs: number) {
    if (!(limit > 0) || !(windowMs > 0)) throw new RangeError("a rate window needs limit and windowMs > 0");
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts a request if the window has room. */
  take(now: number): RateDecision {
    this.#roll(now);
    const allowed = this.#count < this.#limit;
    if (allowed) this.#count += 1;
    const resetSeconds = (Math.max(0, this.#windowStart + this.#windowMs - now) / 1000).toFixed(3);
    const headers: Record<string, string> = {
      "RateLimit-Limit": String(this.#limit),
      "RateLimit-Remaining": String(this.#limit - this.#count),
      "RateLimit-Reset": resetSeconds,
    };
    return { allowed, headers: allowed ? headers : { ...headers, "Retry-After": resetSeconds } };
  }

  /** Uses up what is left of the current window, as other clients of the same account would. */
  exhaust(now: number): void {
    this.#roll(now);
    this.#count = this.#limit;
  }

  #roll(now: number): void {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }
  }
}
`;
}

export function webhookSenderTs(ctx: TemplateContext): string {
  const { pascal: p, displayName: d } = ctx;
  return `/**
 * Signs webhook deliveries as ${d} does (Standard Webhooks: \`webhook-id\`, \`webhook-timestamp\`,
 * \`webhook-signature: v1,<base64>\`), with core's signer, so tests exercise the real verification path.
 */
import { signStandardWebhook } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";

export interface ${p}WebhookEventBody {
  /** \`<kind>.<created|updated|deleted>\`, e.g. \`person.updated\`. */
  type: string;
  data: unknown;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  rawBody: string;
}

export function createWebhookSecret(): string {
  return \`whsec_\${randomBytes(24).toString("base64")}\`;
}

export function createWebhookId(): string {
  return \`msg_\${randomBytes(12).toString("hex")}\`;
}

export function sign${p}Webhook(
  event: ${p}WebhookEventBody,
  options: { secret: string; id?: string; timestamp?: number },
): SignedWebhook {
  const rawBody = JSON.stringify(event);
  const id = options.id ?? createWebhookId();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook({ id, timestamp, body: rawBody, secret: options.secret }),
    },
    rawBody,
  };
}
`;
}
