/**
 * Pending OAuth flows, kept server-side between the authorize redirect and the callback: the PKCE verifier never
 * leaves the server, and a flow can be taken once. The state is stored as its sha256 (it travels through the browser
 * and the provider; the hash is enough to find the row). Every operation is scoped to the tenant, so a state started
 * by one tenant is invisible to another's callback.
 */
import { createHash } from "node:crypto";
import { decryptSecret, encryptSecret } from "@gtm-clarity/core";
import { z } from "zod";
import type { StoreContext } from "./context.js";
import { ConnectionIdSchema, parseInput, TenantIdSchema } from "./schemas.js";
import { withTenantTransaction } from "./tenancy.js";

/** Core refuses states living longer than 15 minutes; a flow row never outlives its state. */
const MAX_FLOW_TTL_MS = 15 * 60_000;

export const SaveOAuthFlowSchema = z.object({
  tenantId: TenantIdSchema,
  connectionId: ConnectionIdSchema,
  connectorId: z.string().min(1).max(200),
  state: z.string().min(1).max(4096),
  codeVerifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, "expected an RFC 7636 code verifier"),
  redirectUri: z.url().max(2000),
  expiresAt: z.date(),
});

export const TakeOAuthFlowSchema = z.object({
  tenantId: TenantIdSchema,
  state: z.string().min(1).max(4096),
});

export interface PendingOAuthFlow {
  tenantId: string;
  connectionId: string;
  connectorId: string;
  codeVerifier: string;
  redirectUri: string;
  expiresAt: Date;
}

/** `unknown`: no such flow for this tenant (never started, already taken, or another tenant's). */
export type TakenOAuthFlow = { status: "ok"; flow: PendingOAuthFlow } | { status: "expired" } | { status: "unknown" };

interface FlowRow {
  connection_id: string;
  connector_id: string;
  verifier_ciphertext: string;
  redirect_uri: string;
  expires_at: Date;
  live: boolean;
  [column: string]: unknown;
}

function stateHash(state: string): string {
  return createHash("sha256").update(state, "utf8").digest("hex");
}

export async function saveOAuthFlow(ctx: StoreContext, input: z.input<typeof SaveOAuthFlowSchema>): Promise<void> {
  const flow = parseInput(SaveOAuthFlowSchema, input, "saveOAuthFlow input");
  const latest = Date.now() + MAX_FLOW_TTL_MS;
  const expiresAt = new Date(Math.min(flow.expiresAt.getTime(), latest));
  const binding = { tenantId: flow.tenantId, connectionId: flow.connectionId };
  const ciphertext = encryptSecret(flow.codeVerifier, binding, ctx.keyRing());
  await withTenantTransaction(ctx.driver, flow.tenantId, async (tx) => {
    await tx.query("DELETE FROM oauth_flows WHERE tenant_id = $1 AND expires_at <= now()", [flow.tenantId]);
    await tx.query(
      `INSERT INTO oauth_flows (state_hash, tenant_id, connection_id, connector_id, verifier_ciphertext, redirect_uri,
                                expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [stateHash(flow.state), flow.tenantId, flow.connectionId, flow.connectorId, ciphertext, flow.redirectUri, expiresAt],
    );
  });
}

/** Removes the flow and returns it: the one caller that gets `ok` is the only one that ever will. */
export async function takeOAuthFlow(ctx: StoreContext, input: z.input<typeof TakeOAuthFlowSchema>): Promise<TakenOAuthFlow> {
  const { tenantId, state } = parseInput(TakeOAuthFlowSchema, input, "takeOAuthFlow input");
  const row = await withTenantTransaction(ctx.driver, tenantId, async (tx) => {
    const { rows } = await tx.query<FlowRow>(
      `DELETE FROM oauth_flows WHERE state_hash = $1
       RETURNING connection_id, connector_id, verifier_ciphertext, redirect_uri, expires_at, expires_at > now() AS live`,
      [stateHash(state)],
    );
    return rows[0];
  });
  if (row === undefined) return { status: "unknown" };
  if (!row.live) return { status: "expired" };
  const binding = { tenantId, connectionId: row.connection_id };
  return {
    status: "ok",
    flow: {
      tenantId,
      connectionId: row.connection_id,
      connectorId: row.connector_id,
      codeVerifier: decryptSecret(row.verifier_ciphertext, binding, ctx.keyRing()),
      redirectUri: row.redirect_uri,
      expiresAt: row.expires_at,
    },
  };
}
