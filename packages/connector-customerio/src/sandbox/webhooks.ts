/**
 * Reporting webhook delivery as Customer.io does it: each event POSTed alone, signed with `X-CIO-Timestamp` and
 * `X-CIO-Signature` (testkit's independent `customerIoSigner`, not core's verifier), re-signed on every attempt,
 * retried on a non-2xx answer with the same `event_id`, and in order: while one event is failing, the events after it
 * wait (Customer.io's queue backs up the same way, for up to 7 days).
 */
import { customerIoSigner, sendWebhook, type Clock, type WebhookDelivery } from "@gtm-clarity/testkit/sandbox";

export interface DeliverOptions {
  /** Waits before each retry of one event; its length is the number of retries. Default [] (one attempt each). */
  retryDelaysMs?: readonly number[];
  /** Sign with another secret (a forged delivery). */
  secret?: string;
  /** Unix seconds for every attempt (a stale delivery); default: now, per attempt. */
  timestamp?: number;
  clock?: Clock;
}

export interface OrderedDelivery {
  /** One per event attempted, in order. */
  deliveries: (WebhookDelivery & { eventId: string })[];
  /** Event ids not attempted because an earlier event never got a 2xx. */
  pending: string[];
}

function eventIdOf(body: Record<string, unknown>): string {
  const id = body["event_id"];
  return typeof id === "string" ? id : "";
}

/** POSTs `bodies` to `url` one after another; stops at the first event that exhausts its retries. */
export async function deliverInOrder(
  url: string,
  secret: string,
  bodies: readonly Record<string, unknown>[],
  options: DeliverOptions = {},
): Promise<OrderedDelivery> {
  const signer = customerIoSigner(options.secret ?? secret);
  const deliveries: OrderedDelivery["deliveries"] = [];
  for (const [index, body] of bodies.entries()) {
    const eventId = eventIdOf(body);
    const delivery = await sendWebhook(url, signer, body, {
      id: eventId,
      retryDelaysMs: options.retryDelaysMs ?? [],
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    deliveries.push({ ...delivery, eventId });
    if (!delivery.delivered) return { deliveries, pending: bodies.slice(index + 1).map(eventIdOf) };
  }
  return { deliveries, pending: [] };
}
