/**
 * Stable ids for what Delivr gives no id (vendor-apis.md §6: "no documented event id"). Each is a hash of the fields
 * that identify the thing, read after normalisation, so the same event read through v1 or v2, in any window or page,
 * under a pixel, project or organisation scope, gets the same id, and the store's upsert keeps it once.
 *
 *   event:   pixel (the row's, else the configured scope), time in ms, event type, visitor key, page URL
 *   visitor key: visitor_id, else session_id, else HEM, else email, else IP + user agent
 *   person:  HEM (Delivr's hashed email), else SHA-256 of the lower-cased email (the usual HEM recipe, so both meet),
 *            else the visitor id of a resolved visitor
 *   account: the company domain (normalised), else its name
 */
import { createHash } from "node:crypto";
import type { VisitorEvent, VisitorCompany } from "./visitor.js";

function sha256(parts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

export function visitorKey(event: VisitorEvent): string {
  if (event.visitorId !== undefined) return `visitor:${event.visitorId}`;
  if (event.sessionId !== undefined) return `session:${event.sessionId}`;
  if (event.person.hem !== undefined) return `hem:${event.person.hem}`;
  if (event.person.email !== undefined) return `email:${event.person.email}`;
  return `device:${event.ip ?? ""}|${event.userAgent ?? ""}`;
}

/** `dlvr_evt_` + 40 hex characters (160 bits of SHA-256). */
export function eventExternalId(event: VisitorEvent, scopeId: string): string {
  const pixel = event.pixelId ?? scopeId;
  return `dlvr_evt_${sha256([pixel, event.occurredAtMs, event.eventType, visitorKey(event), event.url ?? ""]).slice(0, 40)}`;
}

export function personExternalId(event: Pick<VisitorEvent, "person" | "visitorId" | "resolved">): string | undefined {
  const { hem, email } = event.person;
  if (hem !== undefined && /^[0-9a-f]{64}$/.test(hem)) return `hem:${hem}`;
  if (email !== undefined) return `hem:${createHash("sha256").update(email).digest("hex")}`;
  if (hem !== undefined) return `hem:${hem}`;
  if (event.resolved && event.visitorId !== undefined) return `visitor:${event.visitorId}`;
  return undefined;
}

export function accountExternalId(company: VisitorCompany): string | undefined {
  if (company.domain !== undefined) return company.domain;
  if (company.name !== undefined) return `name:${company.name.toLowerCase().replace(/\s+/g, " ")}`;
  return undefined;
}
