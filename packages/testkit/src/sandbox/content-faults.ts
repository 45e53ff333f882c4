/**
 * Helpers for page builders applying the content faults the kit hands them (`req.contentFaults`). The sandbox
 * knows what "malformed" means for its items; these know which items and when.
 */
import type { ContentFault } from "./faults.js";

export function hasContentFault(faults: readonly ContentFault[], kind: ContentFault["kind"]): boolean {
  return faults.some((fault) => fault.kind === kind);
}

/**
 * The page's items with every `malformed-item` fault applied: the item whose id is `itemId` (when it is on this
 * page), else the item at `position` (default 0). Items stay in place, so a client sees one bad row among good ones.
 */
export function malformItems<T>(
  items: readonly T[],
  faults: readonly ContentFault[],
  options: { idOf: (item: T) => string; malform: (item: T) => unknown },
): unknown[] {
  const targets = new Set<number>();
  for (const fault of faults) {
    if (fault.kind !== "malformed-item") continue;
    const index =
      fault.itemId === undefined ? (fault.position ?? 0) : items.findIndex((item) => options.idOf(item) === fault.itemId);
    if (index >= 0 && index < items.length) targets.add(index);
  }
  return items.map((item, index) => (targets.has(index) ? options.malform(item) : item));
}
