/**
 * One Graph delta page. An expired or invalid token (410 Gone, or `syncStateNotFound` / `resyncRequired` in the error
 * envelope, which directory objects send with 400) is told apart from other failures, so the caller can start that
 * stream over; everything else (401 → AuthError, 429/503 → waits on Retry-After in core's client) is core's.
 */
import { isHttpError, isConnectorError, SchemaError, type HttpClient } from "@gtm-clarity/core";
import { graphPreferHeader } from "../graph/client.js";
import { DeltaPageSchema } from "../graph/schemas.js";

export type DeltaResult =
  | { kind: "page"; items: unknown[]; nextLink?: string; deltaLink?: string }
  | { kind: "expired"; reason: string }
  /** The user has no Exchange Online mailbox (inactive, soft-deleted or on-premises): nothing to read. */
  | { kind: "no-mailbox" };

const RESYNC_CODES = new Set(["syncstatenotfound", "resyncrequired", "syncstateinvalid"]);

export function isExpiredToken(error: unknown): string | undefined {
  if (!isConnectorError(error)) return undefined;
  const code = error.vendorCode?.toLowerCase();
  if (code !== undefined && RESYNC_CODES.has(code)) return error.vendorCode;
  if (isHttpError(error) && error.status === 410) return "410 Gone";
  return undefined;
}

export async function fetchDeltaPage(
  client: HttpClient,
  url: string,
  accessToken: string,
  pageSize: number,
  signal?: AbortSignal,
): Promise<DeltaResult> {
  let page;
  try {
    page = await client.getJson(url, DeltaPageSchema, {
      headers: { Authorization: `Bearer ${accessToken}`, Prefer: graphPreferHeader(pageSize) },
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    const reason = isExpiredToken(error);
    if (reason !== undefined) return { kind: "expired", reason };
    if (isConnectorError(error) && error.vendorCode === "MailboxNotEnabledForRESTAPI") return { kind: "no-mailbox" };
    throw error;
  }
  const nextLink = page["@odata.nextLink"];
  if (nextLink !== undefined && sameLink(nextLink, url)) {
    throw new SchemaError("Graph returned the link it was given as @odata.nextLink: paging would loop", [
      { path: "@odata.nextLink", message: "repeats the request's link" },
    ]);
  }
  const deltaLink = page["@odata.deltaLink"];
  return {
    kind: "page",
    items: page.value,
    ...(nextLink === undefined ? {} : { nextLink }),
    ...(deltaLink === undefined ? {} : { deltaLink }),
  };
}

function sameLink(a: string, b: string): boolean {
  const strip = (link: string) => link.replace(/^https?:\/\/[^/]+/i, "").replace(/^\/v1\.0/i, "");
  return strip(a) === strip(b);
}
