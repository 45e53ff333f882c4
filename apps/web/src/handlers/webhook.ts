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
import { isNotFoundError, isSignatureError } from "@gtm-clarity/core";
import { findConnector } from "../connectors.js";
import { plain, UUID } from "../http.js";
import type { WebRuntime } from "../runtime.js";
import { openWebhookSecret } from "../webhook-secret.js";

export interface WebhookParams {
  connector: string;
  connection: string;
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
  // The vendor names only the connection: the maintenance role maps it to its tenant (and nothing more); the
  // settings that hold the webhook secret are then read in that tenant's own scope.
  const route = await rt.store.maintenance.routeConnection({ connectionId: params.connection.toLowerCase() });
  if (route === null || route.connectorId !== connector.id || route.status === "disabled") return unauthorized();
  const binding = { tenantId: route.tenantId, connectionId: route.id };
  // Deleted in between: as unknown as any other connection.
  const connection = await rt.store.getConnection(binding).catch((error: unknown) => {
    if (isNotFoundError(error)) return null;
    throw error;
  });
  if (connection === null) return unauthorized();
  const secret = openWebhookSecret(connection.settings, binding, rt.keyRing);
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
