/**
 * Connect with OAuth (Salesforce, Microsoft 365).
 *
 * POST /api/oauth/<connector>/authorize (a button on the connections page; session and Origin checked): makes a
 * fresh browser binding (an HttpOnly cookie scoped to /api/oauth), asks the connector for the authorization URL with
 * a state signed for this session's tenant and binding, keeps the PKCE verifier server-side in the store (encrypted,
 * single-use, as short-lived as the state) and redirects to the provider. The redirect URI is built from the
 * configured public base URL, never from the request.
 *
 * GET /api/oauth/<connector>/callback: takes the pending flow for this session's tenant exactly once (so a replayed
 * or another tenant's state finds nothing), lets the connector verify the state against the binding cookie and the
 * tenant and exchange the code, then validates the tokens with `authenticate` and stores them encrypted, marking the
 * connection active. Every failure leaves nothing stored and lands on the connections page with a clear message.
 */
import { randomUUID } from "node:crypto";
import {
  createOAuthBinding,
  isNotFoundError,
  isSignatureError,
  type Credentials,
  type OAuthAuthorizationRequest,
  type OAuthCallback,
} from "@gtm-clarity/core";
import { EXPIRES_AT_KEY } from "@gtm-clarity/worker/activities";
import { appUrl } from "../config.js";
import { connectMethod, findConnector, type AnyConnector } from "../connectors.js";
import { initialSettings } from "../deployment-settings.js";
import { field, guard, readForm, seeOther, UUID } from "../http.js";
import type { WebRuntime } from "../runtime.js";
import { readCookie, serializeCookie, sessionFromRequest } from "../session.js";

export const OAUTH_BINDING_COOKIE = "gtm_oauth_binding";
const COOKIE_PATH = "/api/oauth";
/** The pending flow lives as long as the state (core's default), and the binding cookie a little longer. */
const FLOW_TTL_SECONDS = 600;

export interface OAuthParams {
  connector: string;
}

function oauthConnector(id: string): (AnyConnector & { oauth: NonNullable<AnyConnector["oauth"]> }) | undefined {
  const connector = findConnector(id);
  if (connector?.oauth === undefined || connectMethod(connector) !== "oauth") return undefined;
  return Object.assign(connector, { oauth: connector.oauth });
}

export function redirectUriFor(rt: WebRuntime, connectorId: string): string {
  return appUrl(rt.config, `/api/oauth/${encodeURIComponent(connectorId)}/callback`).toString();
}

export async function handleAuthorize(rt: WebRuntime, request: Request, params: OAuthParams): Promise<Response> {
  const guarded = guard(rt, request);
  if (!guarded.ok) return guarded.response;
  const { tenantId } = guarded.session;
  const { config } = rt;
  const connector = oauthConnector(params.connector);
  if (connector === undefined) return seeOther(config, "/connections", { error: "unknown_connector" });
  const back = (error: string) => seeOther(config, "/connections", { error, connector: connector.id });

  const tenant = await rt.store.createTenant({ tenantId });
  if (connector.requiresDpa && tenant.dpaAcceptedAt === null) return back("dpa_required");

  // Reconnecting keeps the connection (its runs, records and cursor); it must be this tenant's and this connector's.
  const form = await readForm(request);
  const reconnect = form === undefined ? undefined : field(form, "connectionId");
  let connectionId: string = randomUUID();
  if (reconnect !== undefined && reconnect !== "") {
    if (!UUID.test(reconnect)) return back("unknown_connection");
    try {
      const existing = await rt.store.getConnection({ tenantId, connectionId: reconnect });
      if (existing.connectorId !== connector.id) return back("unknown_connection");
      connectionId = existing.id;
    } catch (error) {
      if (isNotFoundError(error)) return back("unknown_connection");
      throw error;
    }
  }

  const binding = createOAuthBinding();
  const redirectUri = redirectUriFor(rt, connector.id);
  let authorization;
  try {
    const settings = initialSettings(rt, connector, { tenantId, connectionId });
    // DPA-gated connectors (Microsoft 365) refuse without the tenant's acceptance, before any request leaves.
    const request: OAuthAuthorizationRequest = {
      tenantId,
      connectionId,
      redirectUri,
      sessionBinding: binding.cookieValue,
    };
    authorization = await connector.oauth.authorizationUrl(request, { settings, dpaAcceptedAt: tenant.dpaAcceptedAt });
  } catch (error) {
    rt.logger.warn("authorization URL failed", { connectorId: connector.id, error: String(error) });
    return back("oauth_not_configured");
  }
  await rt.store.saveOAuthFlow({
    tenantId,
    connectionId,
    connectorId: connector.id,
    state: authorization.state,
    codeVerifier: authorization.codeVerifier,
    redirectUri,
    expiresAt: new Date(Date.now() + FLOW_TTL_SECONDS * 1000),
  });
  const cookie = serializeCookie(config, OAUTH_BINDING_COOKIE, binding.cookieValue, {
    maxAgeSeconds: FLOW_TTL_SECONDS + 60,
    path: COOKIE_PATH,
  });
  const response = new Response(null, { status: 303, headers: { "set-cookie": cookie } });
  response.headers.set("location", authorization.url);
  return response;
}

function clearBinding(rt: WebRuntime): string {
  return serializeCookie(rt.config, OAUTH_BINDING_COOKIE, "", { maxAgeSeconds: 0, path: COOKIE_PATH });
}

/** The stored form of a token set: the worker reads the expiry under this key to refresh in time. */
function storable(credentials: Credentials, expiresAt: Date | undefined): Credentials {
  return expiresAt === undefined ? credentials : { ...credentials, [EXPIRES_AT_KEY]: expiresAt.toISOString() };
}

export async function handleCallback(rt: WebRuntime, request: Request, params: OAuthParams): Promise<Response> {
  const { config } = rt;
  const cleared = { "set-cookie": clearBinding(rt) };
  const fail = (error: string) => seeOther(config, "/connections", { error, connector: params.connector }, cleared);
  const session = sessionFromRequest(config, request.headers);
  if (session === undefined) return seeOther(config, "/sign-in", { error: "oauth_no_session" }, cleared);
  const { tenantId } = session;
  const connector = oauthConnector(params.connector);
  if (connector === undefined) return fail("unknown_connector");

  const query = new URL(request.url).searchParams;
  const state = query.get("state");
  if (state === null || state === "" || state.length > 4096) return fail("oauth_bad_state");
  const taken = await rt.store.takeOAuthFlow({ tenantId, state });
  if (taken.status === "expired") return fail("oauth_expired");
  if (taken.status === "unknown" || taken.flow.connectorId !== connector.id) return fail("oauth_bad_state");
  const flow = taken.flow;
  if (query.get("error") !== null) return fail(query.get("error") === "access_denied" ? "oauth_denied" : "oauth_provider_error");
  const code = query.get("code");
  if (code === null || code === "") return fail("oauth_provider_error");

  const tenant = await rt.store.getTenant({ tenantId });
  const binding = { tenantId, connectionId: flow.connectionId };
  let credentials: Credentials;
  let settings: Record<string, unknown>;
  let learned: Record<string, unknown> = {};
  try {
    settings = initialSettings(rt, connector, binding);
    const callback: OAuthCallback = {
      code,
      state,
      codeVerifier: flow.codeVerifier,
      redirectUri: flow.redirectUri,
      sessionBinding: readCookie(request.headers.get("cookie"), OAUTH_BINDING_COOKIE),
      tenantId,
    };
    const tokens = await connector.oauth.exchangeCode(callback, { settings, dpaAcceptedAt: tenant.dpaAcceptedAt });
    // What the provider told us while connecting (Salesforce: org and user ids) belongs with the connection.
    learned = tokens.settings ?? {};
    const checked = await connector.authenticate({
      ...binding,
      settings,
      secrets: tokens.credentials,
      dpaAcceptedAt: tenant.dpaAcceptedAt,
    });
    credentials = storable(checked.credentials, checked.expiresAt ?? tokens.expiresAt);
  } catch (error) {
    if (isSignatureError(error)) return fail("oauth_bad_state");
    rt.logger.warn("OAuth code exchange failed", { connectorId: connector.id, error: String(error) });
    return fail("oauth_exchange_failed");
  }

  try {
    const existing = await rt.store.getConnection(binding);
    await rt.store.updateConnection({ ...binding, settings: { ...existing.settings, ...learned }, connectorVersion: connector.version });
    await rt.store.updateCredentials({ ...binding, credentials, status: "active" });
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    await rt.store.createConnection({
      ...binding,
      connectorId: connector.id,
      connectorVersion: connector.version,
      settings: { ...settings, ...learned },
      credentials,
    });
  }
  return seeOther(config, `/connections/${flow.connectionId}`, { notice: "connected" }, cleared);
}
