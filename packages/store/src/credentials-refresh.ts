/**
 * refreshCredentials: an OAuth token refresh under a row lock on the connection. Two syncs of one connection (a
 * scheduled and a manual one, or two page activities) may find the token expired at the same moment; with refresh
 * token rotation the provider revokes the old refresh token on first use, so the second refresher would present a
 * revoked token and the grant would die. Here the refreshers queue on the connection row; each re-reads the
 * credentials once it holds the lock and refreshes only if they are still stale, so the first one refreshes and
 * persists, and the others get its tokens.
 *
 * The trade-off: the transaction stays open across the provider's HTTP call. It is bounded: the refresh gets
 * `timeoutMs` (then it is aborted and the transaction rolls back), waiters give up after the same time plus a
 * margin (`lock_timeout`), and on a real server a session stuck idle in the transaction (a frozen process) is ended
 * by the server (`idle_in_transaction_session_timeout`), which releases the lock. Page commits of the same
 * connection also wait for it, since they lock the same row.
 */
import {
  AuthError,
  ciphertextKeyId,
  decryptCredentials,
  encryptCredentials,
  isAuthError,
  NotFoundError,
  redactString,
  TransientError,
  type Credentials,
} from "@gtm-clarity/core";
import type { StoreContext } from "./context.js";
import { sqlState } from "./driver.js";
import { CredentialsSchema, parseInput, RefreshCredentialsSchema } from "./schemas.js";
import { withTenantTransaction } from "./tenancy.js";

export const DEFAULT_REFRESH_TIMEOUT_MS = 30_000;
/** How much longer than the refresh a waiter or an idle session is given before the server gives up on it. */
const LOCK_MARGIN_MS = 10_000;

export interface RefreshCredentialsInput {
  tenantId: string;
  connectionId: string;
  /** Decides, with the lock held and the credentials freshly read, whether a refresh is still needed. */
  isStale(credentials: Credentials): boolean;
  /**
   * Calls the provider and returns the credentials to store. Runs inside the transaction: it must not use the
   * store (on PGlite that would wait for itself). An AuthError from it (e.g. `invalid_grant`) marks the connection
   * `needs_reauth` before it is rethrown, so queued refreshers stop instead of presenting the same dead grant.
   */
  refresh(credentials: Credentials, signal: AbortSignal): Promise<Credentials>;
  /** Longest the provider call may take. Default 30 s. */
  timeoutMs?: number;
}

export interface RefreshCredentialsResult {
  credentials: Credentials;
  /** True when this call refreshed; false when the stored credentials were not stale (someone else refreshed). */
  refreshed: boolean;
}

function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TransientError(`token refresh took longer than ${timeoutMs} ms; aborted`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  return Promise.race([work(controller.signal), timeout]).finally(() => clearTimeout(timer));
}

type Outcome = { kind: "done"; result: RefreshCredentialsResult } | { kind: "refused"; error: AuthError };

export async function refreshCredentials(ctx: StoreContext, input: RefreshCredentialsInput): Promise<RefreshCredentialsResult> {
  const ref = parseInput(RefreshCredentialsSchema, input, "refreshCredentials input");
  if (typeof input.isStale !== "function" || typeof input.refresh !== "function") {
    throw new TypeError("refreshCredentials needs isStale and refresh functions");
  }
  const timeoutMs = ref.timeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
  const binding = { tenantId: ref.tenantId, connectionId: ref.connectionId };

  let outcome: Outcome;
  try {
    outcome = await withTenantTransaction(ctx.driver, ref.tenantId, async (tx): Promise<Outcome> => {
      if (ctx.driver.engine === "pg") {
        // PGlite has one backend and serialises transactions anyway; these only make sense on a server.
        const bound = String(timeoutMs + LOCK_MARGIN_MS);
        await tx.query(
          "SELECT set_config('lock_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $1, true)",
          [bound],
        );
      }
      const { rows } = await tx.query<{ credentials_ciphertext: string; status: string; last_error: string | null }>(
        "SELECT credentials_ciphertext, status, last_error FROM connections WHERE id = $1 FOR NO KEY UPDATE",
        [ref.connectionId],
      );
      const row = rows[0];
      if (!row) throw new NotFoundError(`connection ${ref.connectionId} not found for tenant ${ref.tenantId}`);
      if (row.status === "needs_reauth") {
        // A refresher before us was refused by the provider: presenting the same grant again cannot help.
        throw new AuthError(`connection needs re-authentication${row.last_error ? ` (${row.last_error})` : ""}`);
      }
      const current = decryptCredentials(row.credentials_ciphertext, binding, ctx.keyRing());
      if (!input.isStale(current)) return { kind: "done", result: { credentials: current, refreshed: false } };

      let fresh: Credentials;
      try {
        fresh = parseInput(CredentialsSchema, await withTimeout((signal) => input.refresh(current, signal), timeoutMs), "refreshed credentials");
      } catch (error) {
        if (!isAuthError(error)) throw error;
        const message = redactString(error.message);
        await tx.query("UPDATE connections SET status = 'needs_reauth', last_error = $2, updated_at = now() WHERE id = $1", [
          ref.connectionId,
          `token refresh refused: ${message}`,
        ]);
        return { kind: "refused", error };
      }
      const ciphertext = encryptCredentials(fresh, binding, ctx.keyRing());
      await tx.query(
        `UPDATE connections SET credentials_ciphertext = $2, credentials_key_id = $3, updated_at = now() WHERE id = $1`,
        [ref.connectionId, ciphertext, ciphertextKeyId(ciphertext)],
      );
      return { kind: "done", result: { credentials: fresh, refreshed: true } };
    });
  } catch (error) {
    if (sqlState(error) === "55P03") {
      throw new TransientError("another process is refreshing this connection's token and did not finish in time; retry");
    }
    throw error;
  }
  // The needs_reauth mark is committed; now the refusal reaches the caller.
  if (outcome.kind === "refused") throw outcome.error;
  return outcome.result;
}
