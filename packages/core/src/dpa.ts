/**
 * The data-processing-agreement gate, in one place. A connector that declares `requiresDpa` calls it first in
 * `authenticate`, `sync` and `healthCheck`, so no request reaches the vendor for a tenant that has not accepted
 * (or has withdrawn) the agreement, whichever app calls it. The callers check the store as well; this is the
 * connector's own line of defence.
 */
import { DpaRequiredError } from "./errors.js";

export function assertDpaAccepted(connectorName: string, dpaAcceptedAt: Date | null | undefined): void {
  if (dpaAcceptedAt instanceof Date && !Number.isNaN(dpaAcceptedAt.getTime())) return;
  throw new DpaRequiredError(
    `${connectorName} needs the tenant's data processing agreement before it may contact the vendor`,
  );
}
