/**
 * Sends webhooks as a vendor does: a POST with the signer's headers over the exact body bytes, and retries on a
 * non-2xx answer or a network error following a schedule, with the same message id each time, so one event can
 * arrive twice and a receiver's de-duplication is tested for real. Each attempt is signed afresh with its own
 * timestamp, as Svix and Customer.io re-sign retries.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { systemClock, type Clock } from "./clock.js";
import { createWebhookId, type WebhookSigner } from "./webhook-signers.js";

export interface SignedWebhook {
  id: string;
  timestamp: number;
  rawBody: string;
  headers: Record<string, string>;
}

export interface SignOptions {
  /** Default: a fresh `msg_` id. */
  id?: string;
  /** Unix seconds. Default: now. */
  timestamp?: number;
  /** What "now" is when no timestamp is given. */
  clock?: Clock;
}

/** The headers and raw body of one delivery. A string body is sent as it is; anything else as JSON. */
export function signWebhook(signer: WebhookSigner, body: unknown, options: SignOptions = {}): SignedWebhook {
  const rawBody = typeof body === "string" ? body : (JSON.stringify(body) ?? "null");
  const id = options.id ?? createWebhookId();
  const timestamp = options.timestamp ?? Math.floor((options.clock ?? systemClock)() / 1000);
  return {
    id,
    timestamp,
    rawBody,
    headers: { "content-type": "application/json", ...signer.headers({ id, timestamp, body: rawBody }) },
  };
}

export interface WebhookAttempt {
  /** 0 when no answer came (refused, reset, timed out). */
  status: number;
  body: string;
  error?: string;
}

export interface WebhookDelivery {
  id: string;
  /** The last attempt's status and body. */
  status: number;
  body: string;
  /** Whether an attempt was answered 2xx. */
  delivered: boolean;
  attempts: WebhookAttempt[];
}

export interface SendWebhookOptions extends SignOptions {
  /** Waits before each retry; its length is the number of retries. Default [] (one attempt). */
  retryDelaysMs?: readonly number[];
  /** Per attempt. Default 10,000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

async function attempt(url: string, signed: SignedWebhook, options: SendWebhookOptions): Promise<WebhookAttempt> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  try {
    const response = await (options.fetch ?? fetch)(url, { method: "POST", headers: signed.headers, body: signed.rawBody, signal });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: "", error: error instanceof Error ? error.message : String(error) };
  }
}

export async function sendWebhook(
  url: string,
  signer: WebhookSigner,
  body: unknown,
  options: SendWebhookOptions = {},
): Promise<WebhookDelivery> {
  const id = options.id ?? createWebhookId();
  const delays = options.retryDelaysMs ?? [];
  const attempts: WebhookAttempt[] = [];
  for (let index = 0; index <= delays.length; index += 1) {
    if (index > 0) await sleep(delays[index - 1] ?? 0, undefined, options.signal === undefined ? {} : { signal: options.signal });
    const signed = signWebhook(signer, body, { ...options, id });
    const result = await attempt(url, signed, options);
    attempts.push(result);
    if (result.status >= 200 && result.status < 300) break;
  }
  const last = attempts.at(-1) ?? { status: 0, body: "" };
  return { id, status: last.status, body: last.body, delivered: last.status >= 200 && last.status < 300, attempts };
}
