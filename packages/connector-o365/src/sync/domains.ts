/**
 * The tenant's verified domains (`GET /organization?$select=verifiedDomains`), which tell an internal colleague from
 * an external contact. Learned at the start of a run and kept in the cursor for a day, so an incremental run with
 * nothing to do costs one request per stream.
 */
import type { HttpClient } from "@gtm-clarity/core";
import { graphPreferHeader } from "../graph/client.js";
import { OrganizationSchema } from "../graph/schemas.js";

export const DOMAINS_TTL_MS = 86_400_000;

export function domainsStale(checkedAt: string | undefined, now: Date): boolean {
  if (checkedAt === undefined) return true;
  const at = Date.parse(checkedAt);
  return !Number.isFinite(at) || now.getTime() - at >= DOMAINS_TTL_MS;
}

export async function fetchVerifiedDomains(client: HttpClient, accessToken: string, signal?: AbortSignal): Promise<string[]> {
  const org = await client.getJson("/organization?$select=verifiedDomains", OrganizationSchema, {
    headers: { Authorization: `Bearer ${accessToken}`, Prefer: graphPreferHeader() },
    ...(signal === undefined ? {} : { signal }),
  });
  const names = org.value.flatMap((entry) => entry.verifiedDomains.map((domain) => domain.name.trim().toLowerCase()));
  return [...new Set(names)].sort();
}
