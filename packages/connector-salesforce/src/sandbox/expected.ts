/**
 * What a full sync of sandbox data must see (emitted plus quarantined, distinct): every record, and one account per
 * distinct company of the Leads that have none (made from Company and Website, as the connector documents).
 */
import { leadAccountId } from "../sync/transform.js";
import { cleanText, normaliseEmail, websiteToDomain } from "../quality/normalise.js";
import type { SandboxData } from "./data.js";

export function expectedRecordsOf(data: SandboxData): number {
  const records = Object.values(data).reduce((total, rows) => total + rows.length, 0);
  const derived = new Set<string>();
  for (const lead of data.Lead) {
    if (lead["IsDeleted"] === true) continue;
    if (lead["IsConverted"] === true && typeof lead["ConvertedAccountId"] === "string") continue;
    if (normaliseEmail(typeof lead["Email"] === "string" ? lead["Email"] : undefined).invalid !== undefined) continue;
    const website = typeof lead["Website"] === "string" ? lead["Website"] : undefined;
    const company = typeof lead["Company"] === "string" ? lead["Company"] : undefined;
    const id = leadAccountId(websiteToDomain(website), cleanText(company));
    if (id !== undefined) derived.add(id);
  }
  return records + derived.size;
}
