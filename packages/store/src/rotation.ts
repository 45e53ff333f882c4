/**
 * Credential key rotation: re-encrypt every connection's credentials under the key ring's current key.
 *
 * This is the one operation that crosses tenants, so it deliberately runs on the OWNER path (the migration role,
 * no `SET ROLE gtm_app`, no `app.tenant_id`): under row-level security a tenant-scoped transaction sees one
 * tenant only, and rotating tenant by tenant would need a cross-tenant list of tenants anyway. Nothing leaves
 * this function: each ciphertext is decrypted and re-encrypted in memory with the SAME binding (its own tenant
 * and connection), so the owner path never hands plaintext or another tenant's row to a caller.
 *
 * Resumable: each batch is its own transaction and only rows whose key id differs from the current one are
 * selected, so a crash or a stop loses at most one uncommitted batch and the next call continues.
 */
import { type KeyRing, reencryptSecret } from "@gtm-clarity/core";
import type { StoreContext } from "./context.js";
import { parseInput, RotateOptionsSchema } from "./schemas.js";
import type { RotationResult } from "./types.js";

export interface RotateOptions {
  /** Connections per transaction; default 100. */
  batchSize?: number;
  /** Stop after this many batches (bounded work per call; call again to continue). Default: until done. */
  maxBatches?: number;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export async function rotateCredentials(
  ctx: StoreContext,
  keyRing: KeyRing,
  options: RotateOptions = {},
): Promise<RotationResult> {
  const { batchSize, maxBatches } = parseInput(RotateOptionsSchema, options, "rotateCredentials options");
  const currentKeyId = keyRing.current.id;
  const counted = await ctx.driver.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM connections WHERE credentials_key_id = $1",
    [currentKeyId],
  );
  const result: RotationResult = {
    rotated: 0,
    alreadyCurrent: counted.rows[0]?.n ?? 0,
    failed: 0,
    failedConnectionIds: [],
    complete: false,
  };
  // Keyset paging by id: rows that fail stay behind us instead of being selected again forever.
  let after = NIL_UUID;
  for (let batches = 0; ; batches += 1) {
    if (maxBatches !== undefined && batches >= maxBatches) return result;
    const batch = await ctx.driver.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; tenant_id: string; credentials_ciphertext: string }>(
        `SELECT id, tenant_id, credentials_ciphertext FROM connections
         WHERE credentials_key_id <> $1 AND id > $2
         ORDER BY id
         LIMIT $3
         FOR NO KEY UPDATE`,
        [currentKeyId, after, batchSize],
      );
      const ids: string[] = [];
      const ciphertexts: string[] = [];
      const failed: string[] = [];
      for (const row of rows) {
        try {
          ciphertexts.push(
            reencryptSecret(row.credentials_ciphertext, { tenantId: row.tenant_id, connectionId: row.id }, keyRing),
          );
          ids.push(row.id);
        } catch (error) {
          failed.push(row.id);
          ctx.logger.warn("credential rotation failed for a connection", {
            connectionId: row.id,
            tenantId: row.tenant_id,
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (ids.length > 0) {
        await tx.query(
          `UPDATE connections AS c
           SET credentials_ciphertext = t.ciphertext, credentials_key_id = $3, updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS t(id, ciphertext)
           WHERE c.id = t.id`,
          [ids, ciphertexts, currentKeyId],
        );
      }
      return { last: rows.at(-1)?.id, rotated: ids.length, failed };
    });
    result.rotated += batch.rotated;
    result.failed += batch.failed.length;
    result.failedConnectionIds.push(...batch.failed);
    if (batch.last === undefined) {
      result.complete = true;
      return result;
    }
    after = batch.last;
    ctx.logger.info("credential rotation batch committed", { rotated: result.rotated, failed: result.failed });
  }
}
