import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isPagingLoopError, isRetryable, PagingLoopError } from "./errors.js";
import { createPagingGuard, DEFAULT_MAX_PAGES_PER_SYNC, pagingCursorHash } from "./paging-guard.js";
import { thrown } from "./test-support.js";

describe("createPagingGuard", () => {
  it("stops A -> B -> A on the third page with a non-retryable PagingLoopError naming the connector", () => {
    const guard = createPagingGuard({ connectorId: "loopy" });
    guard.observe("A");
    guard.observe("B");
    const error = thrown(() => guard.observe("A"));
    expect(error).toBeInstanceOf(PagingLoopError);
    expect(isPagingLoopError(error)).toBe(true);
    expect(isRetryable(error)).toBe(false);
    expect(error).toMatchObject({
      code: "PAGING_LOOP",
      connectorId: "loopy",
      retryable: false,
      details: { page: 3, firstSeenPage: 1, reason: "repeated_cursor" },
    });
    expect((error as Error).message).toMatch(/"loopy" is paging in a loop: page 3 returned the cursor of page 1/);
  });

  it("counts returning to the run's starting cursor as a loop, null included", () => {
    const fromA = createPagingGuard({ connectorId: "c", startCursor: "A" });
    fromA.observe("B");
    expect(thrown(() => fromA.observe("A"))).toMatchObject({ details: { page: 2, firstSeenPage: 0 } });
    const fromStart = createPagingGuard({ connectorId: "c", startCursor: null });
    expect((thrown(() => fromStart.observe(null)) as Error).message).toMatch(/the cursor the run started from/);
  });

  it("accepts a repeated cursor on the last page: an incremental sync with nothing new ends where it started", () => {
    const guard = createPagingGuard({ connectorId: "c", startCursor: "watermark-7" });
    expect(() => guard.observe("watermark-7", false)).not.toThrow();
    expect(guard.pages).toBe(1);
  });

  it("stops after maxPages pages even when every cursor is new", () => {
    const guard = createPagingGuard({ connectorId: "endless", maxPages: 3 });
    for (const cursor of ["1", "2", "3"]) guard.observe(cursor);
    expect(thrown(() => guard.observe("4"))).toMatchObject({
      connectorId: "endless",
      details: { page: 4, maxPages: 3, reason: "max_pages" },
    });
    expect(DEFAULT_MAX_PAGES_PER_SYNC).toBe(100_000);
    expect(() => createPagingGuard({ connectorId: "c", maxPages: 0 })).toThrow(RangeError);
  });

  it("keeps hashes, never cursors, and never puts a cursor in the error", () => {
    const secretish = `opaque-${"x".repeat(10_000)}`;
    const guard = createPagingGuard({ connectorId: "c", startCursor: secretish });
    const error = thrown(() => guard.observe(secretish)) as PagingLoopError;
    expect(error.message).not.toContain("opaque-");
    expect(JSON.stringify(error.details)).not.toContain("opaque-");
  });
});

describe("pagingCursorHash", () => {
  it("is sha256 of 'c:' + cursor, and of 'null' for null (the store computes the same in SQL)", () => {
    expect(pagingCursorHash("A")).toBe(createHash("sha256").update("c:A").digest("hex"));
    expect(pagingCursorHash(null)).toBe(createHash("sha256").update("null").digest("hex"));
    expect(pagingCursorHash("")).not.toBe(pagingCursorHash(null));
    expect(pagingCursorHash("null")).not.toBe(pagingCursorHash(null));
  });
});
