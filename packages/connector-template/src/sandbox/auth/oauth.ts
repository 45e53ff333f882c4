/** The sandbox's OAuth: its own authorization server, and `Authorization: Bearer` with a token it issued. */
import { randomBytes } from "node:crypto";
import { SandboxAuthorizationServer, type AuthorizationServerOptions, type IssuedTokens } from "./oauth-server.js";
import type { SandboxAuth } from "./types.js";

export interface OAuthSandboxAuth extends SandboxAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  /** A token pair issued at start, as if a user had connected. */
  readonly initial: IssuedTokens;
}

export function createSandboxAuth(options: AuthorizationServerOptions = {}): OAuthSandboxAuth {
  const server = new SandboxAuthorizationServer(options);
  const initial = server.issue();
  let tokenRequests = 0;
  return {
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    initial,
    authorized: (req) => server.isValidAccessToken(/^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? ""),
    async handle(req, res, url) {
      if (!url.pathname.startsWith("/oauth/")) return false;
      if (url.pathname === "/oauth/token") tokenRequests += 1;
      await server.handle(req, res, url);
      return true;
    },
    credentials: (baseUrl) => ({ accessToken: initial.accessToken, refreshToken: initial.refreshToken, baseUrl }),
    badCredentials: (baseUrl) => ({
      accessToken: `revoked_${randomBytes(16).toString("hex")}`,
      refreshToken: `revoked_${randomBytes(16).toString("hex")}`,
      baseUrl,
    }),
    authRequests: () => tokenRequests,
  };
}

export { SandboxAuthorizationServer, type AuthorizationServerOptions, type IssuedTokens } from "./oauth-server.js";
