/**
 * Writeback through sObject Collections against the sandbox: updates by Id and upserts by an external-id field, 200
 * records per call, per-record results from the HTTP 200 body (`statusCode`), UNABLE_TO_LOCK_ROW retried, a write
 * repeated after a dropped connection changing nothing, allOrNone rollback, and the documented payloads.
 */
import {
  RateLimitError,
  type CanonicalAccount,
  type CanonicalPerson,
  type CanonicalRecord,
  type RequestOptions,
} from "@gtm-clarity/core";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { SaveResultsSchema } from "../src/api-schema.js";
import { pushRecords } from "../src/writeback/push.js";
import { start } from "./support.js";

function person(externalId: string, fields: Partial<CanonicalPerson> = {}): CanonicalPerson {
  return { kind: "person", externalId, properties: {}, isDeleted: false, ...fields };
}

function contactIds(sandbox: Awaited<ReturnType<typeof start>>["sandbox"], count: number): string[] {
  return sandbox.records("Contact").filter((row) => row["IsDeleted"] !== true).slice(0, count).map((row) => row.Id);
}

describe("updates by Id", () => {
  it("writes the fields that hold values and reports each record in order", async () => {
    const { connector, sandbox, settings } = await start();
    const [a, b] = contactIds(sandbox, 2);
    const results = await connector.writeback.push(
      sandbox.credentials,
      [person(a ?? "", { title: "VP Sales", phone: "+14155550100" }), person(b ?? "", { firstName: "Zed" })],
      { settings },
    );
    expect(results).toEqual([
      { externalId: a, ok: true },
      { externalId: b, ok: true },
    ]);
    const row = sandbox.records("Contact").find((record) => record.Id === a);
    expect(row).toMatchObject({ Title: "VP Sales", Phone: "+14155550100" });
    // Fields the canonical record lacks are left alone, never blanked.
    expect(row?.["LastName"]).toBeTruthy();
  });

  it("splits into calls of at most 200 records of one object and reports partial failures per record (statusCode)", async () => {
    const { connector, sandbox, settings } = await start();
    const ids = contactIds(sandbox, 50);
    const accounts = sandbox.records("Account").filter((row) => row["IsDeleted"] !== true).slice(0, 3);
    const records: CanonicalRecord[] = [
      ...ids.map((id, index) => person(id, index === 7 ? { email: "bad@@example" } : { title: `T${index}` })),
      ...accounts.map((row): CanonicalAccount => ({ kind: "account", externalId: row.Id, name: "Renamed", properties: {}, isDeleted: false })),
      person("003RO0000000000AAA", { title: "nobody" }),
    ];
    const callsBefore = sandbox.stats()["collections"] ?? 0;
    const results = await connector.writeback.push(sandbox.credentials, records, { settings });
    expect((sandbox.stats()["collections"] ?? 0) - callsBefore).toBe(2);
    expect(results).toHaveLength(records.length);
    expect(results[7]).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining("INVALID_EMAIL_ADDRESS") });
    expect(results.at(-1)).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining("INVALID_CROSS_REFERENCE_KEY") });
    expect(results.filter((result) => result.ok)).toHaveLength(records.length - 2);
  });

  it("sends 450 records as 3 calls", async () => {
    const { connector, sandbox, settings } = await start({ data: { Contact: [] } });
    const data = Array.from({ length: 450 }, (_, index) => {
      const id = `003RO${String(index).padStart(10, "0")}AAA`;
      return { Id: id, SystemModstamp: "2024-05-02T09:30:00.000+0000", LastName: "X" };
    });
    for (const row of data) sandbox.put("Contact", row);
    const before = sandbox.stats()["collections"] ?? 0;
    const results = await connector.writeback.push(sandbox.credentials, data.map((row) => person(row.Id, { title: "t" })), { settings });
    expect(results.every((result) => result.ok)).toBe(true);
    expect((sandbox.stats()["collections"] ?? 0) - before).toBe(3);
  });
});

describe("upserts by external id", () => {
  it("creates, then updates in place on a second push: no duplicates", async () => {
    const { connector, sandbox, settings } = await start({}, { externalIdField: "GTM_Id__c" });
    const records = [person("gtm-person-1", { lastName: "New", email: "new@acme.io" })];
    const countBefore = sandbox.records("Contact").length;
    expect(await connector.writeback.push(sandbox.credentials, records, { settings })).toEqual([{ externalId: "gtm-person-1", ok: true }]);
    expect(await connector.writeback.push(sandbox.credentials, records, { settings })).toEqual([{ externalId: "gtm-person-1", ok: true }]);
    const created = sandbox.records("Contact").filter((row) => row["GTM_Id__c"] === "gtm-person-1");
    expect(created).toHaveLength(1);
    expect(sandbox.records("Contact")).toHaveLength(countBefore + 1);
  });

  it("refuses a record born elsewhere when no external-id field is configured, without a call", async () => {
    const { connector, sandbox, settings } = await start();
    const before = sandbox.stats()["collections"] ?? 0;
    const [result] = await connector.writeback.push(sandbox.credentials, [person("gtm-person-1")], { settings });
    expect(result).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining("externalIdField") });
    expect(sandbox.stats()["collections"] ?? 0).toBe(before);
  });
});

describe("retries", () => {
  it("sends a record whose row was locked again, alone, until it goes through", async () => {
    const { connector, sandbox, settings } = await start();
    const [a, b] = contactIds(sandbox, 2);
    sandbox.lockRow(a ?? "", 2);
    const before = sandbox.stats()["collections"] ?? 0;
    const results = await connector.writeback.push(sandbox.credentials, [person(a ?? "", { title: "x" }), person(b ?? "", { title: "y" })], { settings });
    expect(results.every((result) => result.ok)).toBe(true);
    expect((sandbox.stats()["collections"] ?? 0) - before).toBe(3);
  });

  it("reports a row still locked after three sends as retryable", async () => {
    const { connector, sandbox, settings } = await start();
    const [a] = contactIds(sandbox, 1);
    sandbox.lockRow(a ?? "", 5);
    const [result] = await connector.writeback.push(sandbox.credentials, [person(a ?? "", { title: "x" })], { settings });
    expect(result).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining("UNABLE_TO_LOCK_ROW") });
  });

  it("a write whose answer was lost is sent again (it is idempotent) and changes nothing the first did not", async () => {
    const { connector, sandbox, settings } = await start({}, { externalIdField: "GTM_Id__c" });
    sandbox.faults.once({ kind: "drop", afterBytes: 5 }, { method: "PATCH" });
    const before = sandbox.records("Contact").length;
    const results = await connector.writeback.push(sandbox.credentials, [person("gtm-9", { lastName: "Once" })], { settings });
    expect(results).toEqual([{ externalId: "gtm-9", ok: true }]);
    expect(sandbox.stats()["collections"]).toBe(2);
    expect(sandbox.records("Contact").filter((row) => row["GTM_Id__c"] === "gtm-9")).toHaveLength(1);
    expect(sandbox.records("Contact")).toHaveLength(before + 1);
  });

  it("reports every record as retryable when the org's API share is used up, without a call", async () => {
    const { connector, sandbox, settings } = await start({ apiLimit: { max: 100, used: 60 } });
    await connector.healthCheck(sandbox.credentials, { settings }); // learns the usage (61/100)
    const [a] = contactIds(sandbox, 1);
    const before = sandbox.stats()["collections"] ?? 0;
    const [result] = await connector.writeback.push(sandbox.credentials, [person(a ?? "", { title: "x" })], { settings });
    expect(result).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining(RateLimitError.name) });
    expect(sandbox.stats()["collections"] ?? 0).toBe(before);
  });
});

describe("Collections as Salesforce documents them", () => {
  it("reads the documented partial-failure body: HTTP 200, errors with statusCode", async () => {
    const body = [
      { id: "001RO000001aBcDYAU", success: true, errors: [] },
      { success: false, errors: [{ statusCode: "MALFORMED_ID", message: "malformed id 001RO000001aBcD", fields: [] }] },
    ];
    expect(SaveResultsSchema.parse(body)[1]?.errors[0]?.statusCode).toBe("MALFORMED_ID");
    const fetch: typeof globalThis.fetch = async () => Response.json(body);
    const { connector, sandbox, settings } = await start({}, {}, { fetch });
    const results = await connector.writeback.push(
      sandbox.credentials,
      [person("003RO000001aBcDYAU", { title: "a" }), person("003RO000001aBcEYAU", { title: "b" })],
      { settings },
    );
    expect(results).toEqual([
      { externalId: "003RO000001aBcDYAU", ok: true },
      { externalId: "003RO000001aBcEYAU", ok: false, retryable: false, error: "MALFORMED_ID: malformed id 001RO000001aBcD" },
    ]);
  });

  it("the sandbox rolls back an allOrNone request with ALL_OR_NONE_OPERATION_ROLLED_BACK, and refuses 201 records", async () => {
    const { sandbox } = await start();
    const [a] = contactIds(sandbox, 1);
    const send = (body: unknown) =>
      fetch(`${sandbox.url}/services/data/v66.0/composite/sobjects`, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${sandbox.credentials.accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const answer = await send({
      allOrNone: true,
      records: [
        { attributes: { type: "Contact" }, id: a, Title: "Rolled back" },
        { attributes: { type: "Contact" }, id: a, Email: "nope" },
      ],
    });
    expect(answer.status).toBe(200);
    const results = SaveResultsSchema.parse(await answer.json());
    expect(results.map((result) => result.errors[0]?.statusCode)).toEqual(["ALL_OR_NONE_OPERATION_ROLLED_BACK", "INVALID_EMAIL_ADDRESS"]);
    expect(sandbox.records("Contact").find((row) => row.Id === a)?.["Title"]).not.toBe("Rolled back");
    const tooMany = await send({ records: Array.from({ length: 201 }, () => ({ attributes: { type: "Contact" }, id: a })) });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual([expect.objectContaining({ errorCode: "EXCEEDED_ID_LIMIT" })]);
  });

  it("pushRecords marks Collections calls idempotent, so core may repeat them and repeats no other write", async () => {
    const calls: { method: string; idempotent: boolean | undefined }[] = [];
    const client = {
      getJson: () => Promise.reject(new Error("unused")),
      request: () => Promise.reject(new Error("unused")),
      stats: () => ({ requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 }),
      requestJson: async <S extends z.ZodType>(method: string, _path: string, schema: S, options?: RequestOptions) => {
        calls.push({ method, idempotent: options?.idempotent });
        return schema.parse([{ id: "003RO000001aBcDYAU", success: true, errors: [] }]);
      },
    };
    await pushRecords(client, [person("003RO000001aBcDYAU", { title: "a" })], {});
    expect(calls).toEqual([{ method: "PATCH", idempotent: true }]);
  });
});
