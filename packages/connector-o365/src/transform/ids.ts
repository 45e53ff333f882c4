/**
 * External ids. Directory users keep their object id; messages and events are keyed by a hash of Graph's immutable
 * id (short enough to keep every id of a mailbox in the cursor for reconciliation, and it carries nothing readable);
 * people met in mail and meetings by their address, companies by their domain.
 */
import { createHash } from "node:crypto";

export function hashId(graphId: string): string {
  return createHash("sha256").update(graphId, "utf8").digest("base64url").slice(0, 22);
}

export const userExternalId = (id: string): string => `user:${id}`;
export const messageExternalId = (graphId: string): string => `msg:${hashId(graphId)}`;
export const eventExternalId = (graphId: string): string => `evt:${hashId(graphId)}`;
export const personExternalId = (address: string): string => `email:${address}`;
export const accountExternalId = (domain: string): string => `domain:${domain}`;
