/**
 * The SOQL the connector sends. Incremental reads are keyset queries on (`SystemModstamp`, `Id`):
 *
 *   WHERE SystemModstamp >= W AND (SystemModstamp > W OR Id > 'I') ORDER BY SystemModstamp, Id
 *
 * The `>=` keeps every record stamped exactly W that the last run did not reach (a bulk update stamps thousands
 * with one instant), and the Id tiebreak skips the ones it did, so they are not read again run after run.
 */
import type { WatermarkMark } from "@gtm-clarity/core";
import { SOBJECTS, type SObjectName } from "./objects/index.js";

/** A SOQL string literal: backslashes and single quotes escaped (SOQL reference, "Quoted String Escape Sequences"). */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n").replace(/\r/g, "\\r")}'`;
}

/** SOQL datetime literals are unquoted ISO-8601 (vendor-apis.md §1.2). */
export function soqlDateTime(iso: string): string {
  return new Date(iso).toISOString();
}

export function buildIncrementalQuery(object: SObjectName, from: WatermarkMark | null): string {
  const select = `SELECT ${SOBJECTS[object].fields.join(", ")} FROM ${object}`;
  const order = "ORDER BY SystemModstamp, Id";
  if (from === null) return `${select} ${order}`;
  const at = soqlDateTime(from.at);
  const where =
    from.id === null
      ? `SystemModstamp >= ${at}`
      : `SystemModstamp >= ${at} AND (SystemModstamp > ${at} OR Id > ${soqlString(from.id)})`;
  return `${select} WHERE ${where} ${order}`;
}

/** Contacts holding any of `emails` (already normalised, lower case). */
export function buildContactEmailQuery(emails: readonly string[]): string {
  return `SELECT Id, Email FROM Contact WHERE Email IN (${emails.map(soqlString).join(", ")}) ORDER BY Id`;
}
