/**
 * A page prepared ahead (`prepareCommit`, maybe in another thread) and written with `commitPrepared`: the same
 * result and the same stored rows as `commitPage` of the raw page, and a prepared page that does not fit this store
 * (other limits, a forged shape, JSON the database cannot parse) refused whole.
 */
import { createHash } from "node:crypto";
import { isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, prepareCommit } from "../src/index.js";
import { activity, engines, person, reportSkip, setupConnection, useStore } from "./helpers.js";

const text = "We agreed on a pilot.";
const transcript = {
  externalId: "t1",
  activityExternalId: "a1",
  type: "transcript",
  text,
  byteSize: Buffer.byteLength(text),
  contentHash: createHash("sha256").update(text).digest("hex"),
};

/** A page with a bit of everything: valid records, a repeat, an invalid record, a document and a connector quarantine. */
const mixedPage = () => ({
  records: [activity("a1"), person("p1"), activity("a1", { subject: "renamed" }), { kind: "activity", externalId: "bad" }],
  documents: [transcript],
  quarantined: [{ externalId: "raw-1", raw: { id: "raw-1" }, reasons: [{ path: "id", message: "unexpected shape" }] }],
});

describe.each(engines)("commitPrepared on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("writes what commitPage writes, counts included, after a structured clone", async () => {
    const raw = await setupConnection(h.store);
    const ahead = await setupConnection(h.store);
    const page = mixedPage();
    const direct = await h.store.commitPage({ ...raw, ...page, cursor: "c1" });
    const prepared = structuredClone(prepareCommit(page, h.store.limits));
    const viaPrepared = await h.store.commitPrepared({ ...ahead, prepared, cursor: "c1" });
    expect(viaPrepared).toEqual(direct);
    expect(direct).toMatchObject({ created: 2, duplicates: 1, quarantined: 2, documents: 1 });

    const shape = async (ref: { tenantId: string; connectionId: string }) => ({
      records: (await h.store.listRecords(ref)).map((r) => ({ kind: r.kind, externalId: r.externalId, data: r.data, hash: r.contentHash })),
      quarantine: (await h.store.listQuarantine(ref))
        .map((q) => ({ externalId: q.externalId, reasons: q.reasons, raw: q.raw }))
        .sort((a, b) => String(a.externalId).localeCompare(String(b.externalId))),
      cursor: await h.store.getCursor(ref),
    });
    expect(await shape(ahead)).toEqual(await shape(raw));
  });

  it("refuses a page prepared under other limits, before anything is written", async () => {
    const ref = await setupConnection(h.store);
    const prepared = prepareCommit(mixedPage(), { ...DEFAULT_LIMITS, maxPropertiesBytes: h.store.limits.maxPropertiesBytes * 2 });
    const error = await h.store.commitPrepared({ ...ref, prepared, cursor: "c1" }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(/other limits \(maxPropertiesBytes\)/);
    expect(await h.store.listRecords(ref)).toEqual([]);
    expect(await h.store.getCursor(ref)).toBeNull();
  });

  it("refuses a forged shape with a ValidationError", async () => {
    const ref = await setupConnection(h.store);
    const prepared = prepareCommit(mixedPage(), h.store.limits);
    const forged = { ...prepared, records: [{ kind: "robot", externalId: "r1", isDeleted: false, json: "{}" }] };
    const error = await h.store.commitPrepared({ ...ref, prepared: forged as never, cursor: "c1" }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(String(error)).toMatch(/prepared\.records\.0\.kind/);
  });

  it("a record whose JSON the database cannot parse fails the whole page: nothing of it lands", async () => {
    const ref = await setupConnection(h.store);
    const prepared = prepareCommit(mixedPage(), h.store.limits);
    const [first] = prepared.records;
    if (!first) throw new Error("the page has records");
    prepared.records.push({ ...first, externalId: "broken", json: '{"kind":"activity",' });
    await expect(h.store.commitPrepared({ ...ref, prepared, cursor: "c1" })).rejects.toThrow();
    expect(await h.store.listRecords(ref)).toEqual([]);
    expect(await h.store.listQuarantine(ref)).toEqual([]);
    expect(await h.store.getCursor(ref)).toBeNull();
  });
});
