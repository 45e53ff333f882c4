/**
 * A versioned collection with Graph's delta semantics: every change bumps a version; a round reads a snapshot (the
 * first round: every live item; later rounds: the items changed since the token, removals as `@removed`) in pages,
 * then ends with a deltaLink carrying the snapshot's version. Expiring the collection's tokens bumps its
 * generation: older tokens then fail as Graph's expired tokens do.
 */
import type { Json } from "./data.js";

interface Entry {
  version: number;
  item: Json;
  removed?: "deleted" | "changed";
}

export interface RoundPage {
  items: Json[];
  /** The next offset, or undefined at the end of the round. */
  next?: number;
  version: number;
}

export class DeltaCollection {
  #version = 0;
  generation = 0;
  readonly #entries = new Map<string, Entry>();

  get version(): number {
    return this.#version;
  }

  put(item: Json): void {
    const id = String(item["id"]);
    this.#version += 1;
    // Re-inserted, so the map's order is the order of versions and a round needs no sort.
    this.#entries.delete(id);
    this.#entries.set(id, { version: this.#version, item });
  }

  remove(id: string, reason: "deleted" | "changed" = "deleted"): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.removed !== undefined) return false;
    this.#version += 1;
    this.#entries.delete(id);
    this.#entries.set(id, { version: this.#version, item: { id }, removed: reason });
    return true;
  }

  live(): Json[] {
    return [...this.#entries.values()].filter((entry) => entry.removed === undefined).map((entry) => entry.item);
  }

  /**
   * One page of the round from `since` (0: a first round) up to `snapshot`, `size` items from `offset`, filtered by
   * `keep`. With `replay`, a page after the first starts with the last item of the page before (Graph replays).
   */
  page(options: { since: number; snapshot: number; offset: number; size: number; replay: boolean; keep?: (item: Json) => boolean }): RoundPage {
    const { since, snapshot, offset, size } = options;
    const changes = [...this.#entries.values()]
      .filter((entry) => entry.version > since && entry.version <= snapshot)
      .filter((entry) => (since === 0 ? entry.removed === undefined : true))
      .filter((entry) => entry.removed !== undefined || options.keep === undefined || options.keep(entry.item));
    const start = options.replay && offset > 0 ? offset - 1 : offset;
    const items = changes.slice(start, offset + size).map((entry) =>
      entry.removed === undefined ? entry.item : { id: entry.item["id"], "@removed": { reason: entry.removed } },
    );
    const next = offset + size < changes.length ? offset + size : undefined;
    return { items, version: snapshot, ...(next === undefined ? {} : { next }) };
  }
}
