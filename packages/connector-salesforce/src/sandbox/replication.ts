/**
 * The replication API in the sandbox (vendor-apis.md §1.3): `GET …/sobjects/{Object}/updated/?start=&end=` and
 * `…/deleted/?start=&end=`. `start` must lie within the last 30 days (updated) or 15 days (deleted, the Recycle Bin's
 * reach); `latestDateCovered` is never after `end` and falls on a whole minute; more than 600,000 ids is
 * `EXCEEDED_ID_LIMIT`. The connector reads with `queryAll` instead; these are here so the sandbox is the whole §1.8.
 */
import { json, type Clock, type Reply, type SandboxRequest } from "@gtm-clarity/testkit/sandbox";
import type { SandboxRecord } from "./data.js";
import { sfError } from "./errors.js";
import { sfDateTime } from "./data.js";

const DAY_MS = 86_400_000;
const MAX_IDS = 600_000;


function instant(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isNaN(ms) ? undefined : ms;
}

function modstampMs(record: SandboxRecord): number {
  return Date.parse(record.SystemModstamp.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
}

export function replicationReply(
  req: SandboxRequest,
  rows: readonly SandboxRecord[],
  kind: "updated" | "deleted",
  clock: Clock,
): Reply {
  const start = instant(req.query.get("start"));
  const end = instant(req.query.get("end"));
  if (start === undefined || end === undefined || end < start) {
    return sfError(400, "INVALID_REPLICATION_DATE", "start and end must be datetimes with start before end");
  }
  const now = clock();
  const reach = kind === "updated" ? 30 * DAY_MS : 15 * DAY_MS;
  if (start < now - reach) {
    return sfError(400, "INVALID_REPLICATION_DATE", `start date must be within the last ${reach / DAY_MS} days`);
  }
  const covered = Math.floor(Math.min(end, now) / 60_000) * 60_000;
  const inWindow = rows.filter((row) => {
    const at = modstampMs(row);
    return at >= start && at < covered && (row["IsDeleted"] === true) === (kind === "deleted");
  });
  if (inWindow.length > MAX_IDS) return sfError(400, "EXCEEDED_ID_LIMIT", "too many ids: use a shorter window");
  if (kind === "updated") return json(200, { ids: inWindow.map((row) => row.Id), latestDateCovered: sfDateTime(covered) });
  return json(200, {
    deletedRecords: inWindow.map((row) => ({ id: row.Id, deletedDate: row.SystemModstamp })),
    earliestDateAvailable: sfDateTime(now - reach),
    latestDateCovered: sfDateTime(covered),
  });
}
