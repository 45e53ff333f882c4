/** The sandbox's OAuth: its own authorization server, and `Authorization: Bearer` with a token it issued. */
import { randomBytes } from "node:crypto";
import { json, requireBearer } from "@gtm-clarity/testkit/sandbox";
import { SandboxAuthorizationServer, type AuthorizationServerOptions, type IssuedTokens } from "./oauth-server.js";
import { UNAUTHORIZED, type SandboxAuth } from "./types.js";

export interface OAuthSandboxAuth extends SandboxAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  /** A token pair issued at start, as if a user had connected. */
  readonly initial: IssuedTokens;
}

export function createSandboxAuth(options: AuthorizationServerOptions = {}): OAuthSandboxAuth {
  const server = new SandboxAuthorizationServer(options);
  const initial = server.issue();
  const tokens = { accessToken: initial.accessToken, refreshToken: initial.refreshToken };
  return {
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    initial,
    guard: requireBearer(server.accessTokens, () => json(401, UNAUTHORIZED)),
    routes: server.routes(),
    credentials: () => ({ ...tokens }),
    badCredentials: () => ({
      accessToken: `revoked_${randomBytes(16).toString("hex")}`,
      refreshToken: `revoked_${randomBytes(16).toString("hex")}`,
    }),
    authRequests: () => server.tokenRequests,
  };
}

export { SandboxAuthorizationServer, type AuthorizationServerOptions, type IssuedTokens } from "./oauth-server.js";
