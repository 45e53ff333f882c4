/**
 * The paging loop guard's page cap, on the worker's side. The repeated-cursor half lives in the store (commitPage
 * remembers every cursor of a run, durably, whichever process or retry commits the page); the cap is checked here,
 * against the page number the loop carries across retries and continue-as-new, before the source is asked again.
 */
import { DEFAULT_MAX_PAGES_PER_SYNC, PagingLoopError } from "@gtm-clarity/core";

export { DEFAULT_MAX_PAGES_PER_SYNC };

export function assertWithinPageLimit(
  connectorId: string,
  input: { runId: string; page: number },
  maxPages: number,
): void {
  if (input.page <= maxPages) return;
  throw new PagingLoopError(
    connectorId,
    `connector "${connectorId}" still had more pages after ${maxPages} in sync run ${input.runId}; ` +
      "treating it as a paging loop",
    { details: { connectorId, runId: input.runId, page: input.page, maxPages, reason: "max_pages" } },
  );
}
