/**
 * POST /api/webhooks/<connector>/<connection>: a vendor delivering an event. No session: the connection's own
 * secret is the authentication. The raw bytes are read (never as text: a BOM or an invalid byte would change them
 * and the signature with them) up to a cap, verified by the connector's webhook capability, and committed through
 * the store with the event id as dedupe key. The vendor gets 2xx only once the commit is durable, so a crash before
 * it means a re-delivery, never a loss; a re-delivery after it is answered 200 and writes nothing.
 *
 * Every reason to refuse a sender (unknown connection, wrong connector, no secret yet, bad or stale signature) is
 * the same bare 401: a prober learns nothing about which connections exist.
 */
import { isSignatureError } from "@gtm-clarity/core";
import { findConnector } from "../connectors.js";
import { plain, UUID } from "../http.js";
import type { WebRuntime } from "../runtime.js";
import { openWebhookSecret } from "../webhook-secret.js";

export interface WebhookParams {
  connector: string;
  connection: string;
}

interface ConnectionRoute {
  tenant_id: string;
  connector_id: string;
  settings: unknown;
  status: string;
  [column: string]: unknown;
}

const unauthorized = () => plain(401, "Unauthorized");

class TooLarge extends Error {}

/** The body's bytes, refusing (before reading further) anything past `max`. */
async function readCapped(request: Request, max: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > max) throw new TooLarge();
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function routeOf(rt: WebRuntime, connectionId: string): Promise<ConnectionRoute | undefined> {
  const { rows } = await rt.driver.query<ConnectionRoute>(
    "SELECT tenant_id, connector_id, settings, status FROM connections WHERE id = $1",
    [connectionId],
  );
  return rows[0];
}

export async function handleWebhook(rt: WebRuntime, request: Request, params: WebhookParams): Promise<Response> {
  let body: Uint8Array;
  try {
    body = await readCapped(request, rt.config.webhookMaxBytes);
  } catch (error) {
    if (error instanceof TooLarge) return plain(413, "Payload too large");
    return plain(400, "Unreadable body");
  }
  const connector = findConnector(params.connector);
  if (connector?.webhooks === undefined || !UUID.test(params.connection)) return unauthorized();
  const route = await routeOf(rt, params.connection.toLowerCase());
  if (route === undefined || route.connector_id !== connector.id || route.status === "disabled") return unauthorized();
  const binding = { tenantId: route.tenant_id, connectionId: params.connection.toLowerCase() };
  const secret = openWebhookSecret(route.settings, binding, rt.keyRing);
  if (secret === undefined) return unauthorized();

  let event;
  try {
    event = await connector.webhooks.handle({ headers: request.headers, rawBody: body, secret });
  } catch (error) {
    if (isSignatureError(error)) return unauthorized();
    rt.logger.warn("webhook could not be parsed", { connectorId: connector.id, error: String(error) });
    return plain(400, "Bad request");
  }
  const result = await rt.store.commitPage({
    ...binding,
    stream: "webhook",
    records: event.records,
    documents: event.documents,
    quarantined: event.quarantined,
    webhookEventId: event.eventId,
  });
  return Response.json(
    { received: true, duplicate: result.duplicateEvent },
    { status: 200, headers: { "cache-control": "no-store" } },
  );
}
