/**
 * A page's credentials: decrypted from the store, refreshed under the connection's row lock when an OAuth token has
 * expired, and refreshed-then-retried once when the source rejects the token mid-sync.
 *
 * Why the lock: a scheduled and a manual sync, or two page activities, can find one connection's token expired at
 * the same moment. Providers that rotate refresh tokens revoke the old one on first use, so a second, concurrent
 * refresh would present a revoked token and kill the grant. `store.refreshCredentials` queues the refreshers on the
 * connection row; each re-reads the credentials with the lock held and refreshes only if they are still stale, and
 * the new tokens are persisted before anyone uses them.
 *
 * Why the retry: some providers say nothing about expiry (Salesforce's token response has no `expires_in`), so a
 * 401 (core's AuthError) is the only sign. The retry refreshes only if the stored credentials are still the ones the
 * source just rejected: ten pages failing together cause one refresh, the others pick up its result. A second
 * AuthError is final (needs_reauth), and so is a refused refresh (`invalid_grant`): never a retry loop.
 */
import {
  AuthError,
  isAuthError,
  isHttpError,
  type CanonicalRecord,
  type Connector,
  type Credentials,
  type Logger,
  type OAuthCallOptions,
  type OAuthTokens,
} from "@gtm-clarity/core";
import type { ConnectionRef, SyncStore } from "./store-port.js";

/** Credentials key holding an OAuth access token's expiry (ISO 8601), written when tokens are stored. */
export const EXPIRES_AT_KEY = "expiresAt";
/** Refresh this long before the expiry, so a token does not lapse in the middle of a page. */
export const REFRESH_SKEW_MS = 60_000;

/** Whether stored credentials carry an expiry that has passed (or is about to). No expiry: not known to expire. */
export function tokenExpired(credentials: Credentials, now: number): boolean {
  const expiresAt = credentials[EXPIRES_AT_KEY];
  if (expiresAt === undefined) return false;
  const expiry = Date.parse(expiresAt);
  return !Number.isFinite(expiry) || expiry - REFRESH_SKEW_MS <= now;
}

function sameCredentials(a: Credentials, b: Credentials): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/**
 * What to store after a refresh. A refresh response replaces only what it carries: without rotation a provider
 * sends no new refresh token (Salesforce's default), and the one held stays valid, so it must not be dropped.
 */
export function mergeRefreshedTokens(current: Credentials, tokens: OAuthTokens): Credentials {
  const merged: Credentials = {};
  for (const source of [current, tokens.credentials]) {
    for (const [key, value] of Object.entries(source)) if (key !== EXPIRES_AT_KEY) merged[key] = value;
  }
  if (tokens.expiresAt) merged[EXPIRES_AT_KEY] = tokens.expiresAt.toISOString();
  return merged;
}

/** A refused refresh needs a human: the token endpoint's 400 (`invalid_grant`, `invalid_client`) or 401. */
function refreshFailure(connectorId: string, error: unknown): unknown {
  if (isAuthError(error)) return error;
  if (isHttpError(error) && (error.status === 400 || error.status === 401)) {
    return new AuthError(
      `${connectorId}: the token endpoint refused the refresh (HTTP ${error.status}); the connection must be re-authorised`,
    );
  }
  return error; // network faults, 5xx: the retry policy decides
}

export interface CredentialSourceDeps {
  store: SyncStore;
  logger: Logger;
  now: () => number;
  /** Longest a token refresh may hold the connection's lock. Default: the store's (30 s). */
  refreshTimeoutMs?: number;
}

export interface CredentialSource {
  /**
   * Decrypted credentials; an expired OAuth token is refreshed (under the lock) first. `refresh` carries what the
   * connector's refresh needs besides the tokens: the connection's settings and the tenant's DPA acceptance.
   */
  load(ref: ConnectionRef, connector: Connector<CanonicalRecord>, refresh?: OAuthCallOptions): Promise<Credentials>;
  /**
   * Runs `call` with `credentials`. When an OAuth connector's call fails with an AuthError, refreshes (under the
   * lock, only if the stored credentials are still the rejected ones), reports the new credentials through
   * `onRefreshed`, and runs `call` once more; whatever that second call throws is final.
   */
  withAuthRetry<T>(
    ref: ConnectionRef,
    connector: Connector<CanonicalRecord>,
    credentials: Credentials,
    call: (credentials: Credentials) => Promise<T>,
    onRefreshed?: (credentials: Credentials) => void,
    refresh?: OAuthCallOptions,
  ): Promise<T>;
}

export function createCredentialSource(deps: CredentialSourceDeps): CredentialSource {
  const { store, logger, now } = deps;

  async function refreshUnderLock(
    ref: ConnectionRef,
    connector: Connector<CanonicalRecord>,
    isStale: (current: Credentials) => boolean,
    reason: "expired" | "rejected",
    options: OAuthCallOptions = {},
  ): Promise<Credentials> {
    const { oauth } = connector;
    if (!oauth) throw new Error(`connector "${connector.id}" has no OAuth capability to refresh with`);
    let rotated = false;
    const result = await store.refreshCredentials({
      ...ref,
      isStale,
      refresh: async (current) => {
        let tokens: OAuthTokens;
        try {
          tokens = await oauth.refresh(current, options);
        } catch (error) {
          throw refreshFailure(connector.id, error);
        }
        rotated = tokens.rotated === true;
        return mergeRefreshedTokens(current, tokens);
      },
      ...(deps.refreshTimeoutMs === undefined ? {} : { timeoutMs: deps.refreshTimeoutMs }),
    });
    if (result.refreshed) logger.info("refreshed access token", { ...ref, connector: connector.id, reason, rotated });
    else logger.debug("token already refreshed by another page", { ...ref, connector: connector.id, reason });
    return result.credentials;
  }

  return {
    async load(ref, connector, refresh) {
      const credentials = await store.getCredentials(ref);
      if (!connector.oauth || !tokenExpired(credentials, now())) return credentials;
      return refreshUnderLock(ref, connector, (current) => tokenExpired(current, now()), "expired", refresh);
    },

    async withAuthRetry(ref, connector, credentials, call, onRefreshed, refresh) {
      try {
        return await call(credentials);
      } catch (error) {
        if (!isAuthError(error) || !connector.oauth) throw error;
        const fresh = await refreshUnderLock(ref, connector, (current) => sameCredentials(current, credentials), "rejected", refresh);
        onRefreshed?.(fresh);
        return call(fresh);
      }
    },
  };
}
