/**
 * What a person does to one connection: sync now, disconnect, make or rotate its webhook secret; and accepting the
 * DPA for the tenant. Each runs in the session's tenant only: a connection id from another tenant is simply not
 * found (the store's row-level security), so it can be neither seen nor changed.
 */
import { isNotFoundError, type Credentials } from "@gtm-clarity/core";
import type { Connection } from "@gtm-clarity/store";
import { appUrl } from "../config.js";
import { findConnector } from "../connectors.js";
import { guard, plain, seeOther, UUID } from "../http.js";
import type { WebRuntime } from "../runtime.js";
import { newWebhookSecret, sealWebhookSecret, WEBHOOK_SECRET_SETTING } from "../webhook-secret.js";

export interface ConnectionParams {
  id: string;
}

/** The DPA text version a tenant accepts on the connections page. */
export const DPA_VERSION = "2026-01";

type Loaded = { ok: true; tenantId: string; connection: Connection } | { ok: false; response: Response };

async function load(rt: WebRuntime, request: Request, params: ConnectionParams): Promise<Loaded> {
  const guarded = guard(rt, request);
  if (!guarded.ok) return guarded;
  const { tenantId } = guarded.session;
  if (!UUID.test(params.id)) return { ok: false, response: plain(404, "No such connection") };
  try {
    return { ok: true, tenantId, connection: await rt.store.getConnection({ tenantId, connectionId: params.id }) };
  } catch (error) {
    if (isNotFoundError(error)) return { ok: false, response: plain(404, "No such connection") };
    throw error;
  }
}

export async function handleSyncNow(rt: WebRuntime, request: Request, params: ConnectionParams): Promise<Response> {
  const loaded = await load(rt, request, params);
  if (!loaded.ok) return loaded.response;
  const { tenantId, connection } = loaded;
  const page = `/connections/${connection.id}`;
  if (connection.status !== "active") return seeOther(rt.config, page, { error: "not_active" });
  const started = await rt.syncs.start({ tenantId, connectionId: connection.id });
  return seeOther(rt.config, page, { notice: started === "started" ? "sync_started" : "sync_running" });
}

/**
 * A provider revocation, when the connector offers one: `disconnect(credentials)` on the connector, or `revoke` on
 * its OAuth capability (optional extras that core's interface does not declare yet, so they are looked up at run
 * time).
 */
function revoker(connectorId: string): ((credentials: Credentials) => Promise<unknown>) | undefined {
  const connector = findConnector(connectorId);
  if (connector === undefined) return undefined;
  for (const [owner, name] of [
    [connector, "disconnect"],
    [connector.oauth, "revoke"],
  ] as const) {
    if (owner === undefined || !(name in owner)) continue;
    const method: unknown = Reflect.get(owner, name);
    if (typeof method === "function") return (credentials) => Promise.resolve(method.call(owner, credentials));
  }
  return undefined;
}

export async function handleDisconnect(rt: WebRuntime, request: Request, params: ConnectionParams): Promise<Response> {
  const loaded = await load(rt, request, params);
  if (!loaded.ok) return loaded.response;
  const { tenantId, connection } = loaded;
  const binding = { tenantId, connectionId: connection.id };
  const revoke = revoker(connection.connectorId);
  let notice = "disconnected";
  if (revoke !== undefined) {
    try {
      await revoke(await rt.store.getConnectionCredentials(binding));
      notice = "disconnected_revoked";
    } catch (error) {
      // The connection goes anyway: keeping credentials a person asked us to drop would be worse.
      rt.logger.warn("revocation at the provider failed", { connectorId: connection.connectorId, error: String(error) });
      notice = "disconnected_revoke_failed";
    }
  }
  await rt.store.deleteConnection(binding);
  return seeOther(rt.config, "/connections", { notice, connector: connection.connectorId });
}

/** Answers JSON `{ secret, url }`: the only time the secret is ever shown. The previous secret stops working at once. */
export async function handleRotateWebhookSecret(rt: WebRuntime, request: Request, params: ConnectionParams): Promise<Response> {
  const loaded = await load(rt, request, params);
  if (!loaded.ok) return loaded.response;
  const { tenantId, connection } = loaded;
  if (findConnector(connection.connectorId)?.webhooks === undefined) return plain(400, "This connector takes no webhooks");
  const binding = { tenantId, connectionId: connection.id };
  const secret = newWebhookSecret();
  await rt.store.updateConnection({
    ...binding,
    settings: { ...connection.settings, [WEBHOOK_SECRET_SETTING]: sealWebhookSecret(secret, binding, rt.keyRing) },
  });
  const url = appUrl(rt.config, `/api/webhooks/${connection.connectorId}/${connection.id}`).toString();
  return Response.json({ secret, url }, { headers: { "cache-control": "no-store" } });
}

export async function handleAcceptDpa(rt: WebRuntime, request: Request): Promise<Response> {
  const guarded = guard(rt, request);
  if (!guarded.ok) return guarded.response;
  const { tenantId } = guarded.session;
  await rt.store.createTenant({ tenantId });
  await rt.store.acceptDpa({ tenantId, version: DPA_VERSION });
  return seeOther(rt.config, "/connections", { notice: "dpa_accepted" });
}
