/**
 * How a Customer.io person is named in the canonical model, from whatever a payload carries: the workspace `id`
 * when there is one, else `cio_<cio_id>` (the form the App API itself takes for a cio_id), else nothing. A reporting
 * webhook often carries only `id` (the published example does), the App API always carries both, so `id` first is
 * what lets a webhook and a pull name the same person alike. Email-first workspaces have no `id`: `cio_id` then.
 */
import type { Identifiers } from "../vendor/payloads.js";

function present(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

export function personExternalId(customerId: unknown, identifiers: Identifiers | null | undefined): string | undefined {
  const id = present(identifiers?.id) ?? present(customerId);
  if (id !== undefined) return id;
  const cioId = present(identifiers?.cio_id);
  return cioId === undefined ? undefined : `cio_${cioId}`;
}
