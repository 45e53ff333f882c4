/**
 * POST /api/connections: connect with a key (Fathom, Delivr.ai, Customer.io). The form's secret fields are checked
 * with the connector's `secretsSchema`, `authenticate` validates them against the vendor, and only then does the
 * store keep the encrypted credentials. A wrong key, a malformed field or a DPA not yet accepted store nothing and
 * come back as a message naming what to fix (never the value typed).
 */
import { randomUUID } from "node:crypto";
import {
  describeSettings,
  isAuthError,
  isConfigError,
  isDpaRequiredError,
  parseConnectorSecrets,
  type Credentials,
} from "@gtm-clarity/core";
import { connectMethod, findConnector } from "../connectors.js";
import { initialSettings } from "../deployment-settings.js";
import { field, guard, readForm, seeOther } from "../http.js";
import type { WebRuntime } from "../runtime.js";

/** Form field name of a connector's secret input. */
export const secretFieldName = (name: string) => `secret.${name}`;

export async function handleConnectWithKey(rt: WebRuntime, request: Request): Promise<Response> {
  const guarded = guard(rt, request);
  if (!guarded.ok) return guarded.response;
  const { tenantId } = guarded.session;
  const { config } = rt;
  const form = await readForm(request);
  const connector = findConnector(form === undefined ? "" : (field(form, "connector") ?? ""));
  if (form === undefined || connector === undefined || connectMethod(connector) !== "key" || connector.secretsSchema === undefined) {
    return seeOther(config, "/connections", { error: "unknown_connector" });
  }
  const back = (error: string) => seeOther(config, "/connections", { error, connector: connector.id });

  const tenant = await rt.store.createTenant({ tenantId });
  if (connector.requiresDpa && tenant.dpaAcceptedAt === null) return back("dpa_required");

  const given: Credentials = {};
  for (const secret of describeSettings(connector.secretsSchema)) {
    const value = field(form, secretFieldName(secret.name));
    if (value !== undefined && value !== "") given[secret.name] = value;
  }
  const connectionId = randomUUID();
  const binding = { tenantId, connectionId };
  let settings: Record<string, unknown>;
  let credentials: Credentials;
  try {
    const secrets = parseConnectorSecrets(connector, given);
    settings = initialSettings(rt, connector, binding);
    ({ credentials } = await connector.authenticate({ ...binding, settings, secrets, dpaAcceptedAt: tenant.dpaAcceptedAt }));
  } catch (error) {
    if (isDpaRequiredError(error)) return back("dpa_required");
    if (isAuthError(error)) return back("key_refused");
    if (isConfigError(error)) return back("invalid_key");
    rt.logger.warn("connect failed", { connectorId: connector.id, error: String(error) });
    return back("connect_failed");
  }
  await rt.store.createConnection({
    ...binding,
    connectorId: connector.id,
    connectorVersion: connector.version,
    settings,
    credentials,
  });
  return seeOther(config, `/connections/${connectionId}`, { notice: "connected" });
}
