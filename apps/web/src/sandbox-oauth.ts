/**
 * In the embedded default, the OAuth connectors' app registration is the sandbox's: its client id and secret, and
 * its authorization server as the OAuth base URL. The connectors read these from the environment (their documented
 * variables), so this sets them for this process. Nothing here runs unless the sandboxes are on.
 */
import type { RunningSandbox } from "@gtm-clarity/testkit/sandbox";
import { z } from "zod";

const Client = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });
/** Sandboxes expose their authorization server as `oauth` (or `auth` in the template's shape). */
const OAuthClientSchema = z.union([z.object({ oauth: Client }).transform((s) => s.oauth), z.object({ auth: Client }).transform((s) => s.auth)]);

/** Environment variable names per connector: client id, client secret, and where its authorization server lives. */
const OAUTH_ENV: Readonly<Record<string, { clientId: string; clientSecret: string; baseUrl?: string }>> = {
  salesforce: { clientId: "SALESFORCE_CLIENT_ID", clientSecret: "SALESFORCE_CLIENT_SECRET", baseUrl: "SALESFORCE_OAUTH_BASE_URL" },
  o365: { clientId: "O365_CLIENT_ID", clientSecret: "O365_CLIENT_SECRET" },
};

const EnvSchema = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string());

export function wireSandboxOAuth(connectorId: string, sandbox: RunningSandbox<unknown>): boolean {
  // A sandbox that knows its connector's variables says so itself (`oauthEnv()`); that wins over the table below.
  if ("oauthEnv" in sandbox && typeof sandbox.oauthEnv === "function") {
    const env = EnvSchema.safeParse(sandbox.oauthEnv());
    if (env.success) {
      Object.assign(process.env, env.data);
      return true;
    }
  }
  const names = OAUTH_ENV[connectorId];
  const client = OAuthClientSchema.safeParse(sandbox);
  if (names === undefined || !client.success) return false;
  process.env[names.clientId] = client.data.clientId;
  process.env[names.clientSecret] = client.data.clientSecret;
  if (names.baseUrl !== undefined) process.env[names.baseUrl] = sandbox.url;
  return true;
}
