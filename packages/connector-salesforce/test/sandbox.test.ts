/**
 * The sandbox's replication API (vendor-apis.md §1.3, §1.8): getUpdated and getDeleted with their windows, which
 * the connector does not use (it reads with queryAll) but a sandbox of Salesforce must answer as Salesforce does.
 */
import { describe, expect, it } from "vitest";
import { SANDBOX_EPOCH, sfDateTime } from "../src/sandbox/index.js";
import { start } from "./support.js";

const DAY_MS = 86_400_000;

async function replication(kind: "updated" | "deleted", startMs: number, endMs: number) {
  const now = SANDBOX_EPOCH + 2 * DAY_MS;
  const { sandbox } = await start({ clock: () => now });
  const url = new URL(`${sandbox.url}/services/data/v66.0/sobjects/Contact/${kind}/`);
  url.searchParams.set("start", new Date(startMs).toISOString());
  url.searchParams.set("end", new Date(endMs).toISOString());
  const response = await fetch(url, { headers: { Authorization: `Bearer ${sandbox.credentials.accessToken}` } });
  return { sandbox, status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("getUpdated and getDeleted", () => {
  it("lists the ids changed in the window, latestDateCovered on a whole minute and never after end", async () => {
    const end = SANDBOX_EPOCH + 30 * 60_000 + 30_000;
    const { sandbox, status, body } = await replication("updated", SANDBOX_EPOCH - DAY_MS, end);
    expect(status).toBe(200);
    expect(body["latestDateCovered"]).toBe(sfDateTime(SANDBOX_EPOCH + 30 * 60_000));
    const expected = sandbox
      .records("Contact")
      .filter((row) => row["IsDeleted"] !== true && Date.parse(row.SystemModstamp.replace("+0000", "Z")) < SANDBOX_EPOCH + 30 * 60_000)
      .map((row) => row.Id);
    expect(body["ids"]).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it("lists deleted records with their dates and the earliest date available", async () => {
    const { status, body } = await replication("deleted", SANDBOX_EPOCH - DAY_MS, SANDBOX_EPOCH + DAY_MS);
    expect(status).toBe(200);
    expect(body["deletedRecords"]).toEqual(expect.arrayContaining([expect.objectContaining({ id: expect.stringMatching(/^003/) })]));
    expect(body["earliestDateAvailable"]).toBe(sfDateTime(SANDBOX_EPOCH + 2 * DAY_MS - 15 * DAY_MS));
  });

  it("refuses a start older than 30 days (updated) or 15 days (deleted)", async () => {
    const now = SANDBOX_EPOCH + 2 * DAY_MS;
    const updated = await replication("updated", now - 31 * DAY_MS, now);
    expect(updated.status).toBe(400);
    expect(updated.body).toEqual([expect.objectContaining({ errorCode: "INVALID_REPLICATION_DATE" })]);
    const deleted = await replication("deleted", now - 16 * DAY_MS, now);
    expect(deleted.status).toBe(400);
  });
});
