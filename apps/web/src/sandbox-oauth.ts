/**
 * In the embedded default, the OAuth connectors' app registration is the sandbox's: its client id and secret, and
 * its authorization server. The connectors read these from their documented environment variables; a sandbox names
 * them for its connector (`RunningSandbox.oauthEnv()`), and this sets them for this process. Nothing here runs
 * unless the sandboxes are on.
 */
import type { RunningSandbox } from "@gtm-clarity/testkit/sandbox";
import { z } from "zod";

const EnvSchema = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), z.string());

/** Whether the sandbox named an app registration (an OAuth connector's sandbox does). */
export function wireSandboxOAuth(sandbox: RunningSandbox<unknown>): boolean {
  if (sandbox.oauthEnv === undefined) return false;
  Object.assign(process.env, EnvSchema.parse(sandbox.oauthEnv()));
  return true;
}
