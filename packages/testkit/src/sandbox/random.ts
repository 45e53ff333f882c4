/**
 * Seeded, deterministic test data. `mulberry32` is a small 32-bit generator: fast, and good enough for test data
 * (not for anything secret). Same seed, same data, on every machine and Node version.
 */
import { COMPANY_STEMS, COMPANY_SUFFIXES, FIRST_NAMES, LAST_NAMES } from "./names.js";

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for item `index` of the data set seeded with `seed`: generating item by item from these makes item i
 * depend only on (seed, i), so a data set of 5,000 starts with the same 50 items as a data set of 50.
 */
export function itemSeed(seed: number, index: number): number {
  return (seed * 0x9e3779b1) ^ (index * 0x85ebca6b);
}

export interface PersonName {
  first: string;
  last: string;
  /** "First Last" */
  name: string;
}

export interface Company {
  name: string;
  /** `<slug>.example` */
  domain: string;
}

export interface TimestampOptions {
  /** Range, inclusive (ms since epoch or anything `Date` parses). */
  from: number | string | Date;
  to: number | string | Date;
  /** Chance that a timestamp repeats the one before it. Default 0. */
  duplicateShare?: number;
  /** Also one run of at least this many equal timestamps (a bulk update stamping many rows at once). */
  run?: number;
  /** "s" gives whole seconds (formatted without milliseconds), so duplicates survive second-precision APIs. Default "ms". */
  precision?: "ms" | "s";
}

const slug = (value: string) => value.normalize("NFD").replace(/[^A-Za-z0-9]+/g, "").toLowerCase();

function instant(value: number | string | Date): number {
  const ms = typeof value === "number" ? value : new Date(value).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${String(value)}`);
  return ms;
}

export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** The generator for item `index` of the data set seeded with `seed` (see `itemSeed`). */
  static forItem(seed: number, index: number): SeededRandom {
    return new SeededRandom(itemSeed(seed, index));
  }

  /** In [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) throw new RangeError(`bad int range ${min}..${max}`);
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.#next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.#next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.#next() * (i + 1));
      const swap = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = swap;
    }
    return copy;
  }

  hex(bytes: number): string {
    return Array.from({ length: bytes }, () => this.int(0, 255).toString(16).padStart(2, "0")).join("");
  }

  person(): PersonName {
    const first = this.pick(FIRST_NAMES);
    const last = this.pick(LAST_NAMES);
    return { first, last, name: `${first} ${last}` };
  }

  company(): Company {
    const stem = this.pick(COMPANY_STEMS);
    const suffix = this.pick(COMPANY_SUFFIXES);
    const name = suffix === "" ? stem : `${stem} ${suffix}`;
    return { name, domain: `${slug(name)}.example` };
  }

  /** `first.last@domain`, lower-case ASCII. */
  email(person: Pick<PersonName, "first" | "last">, domain: string): string {
    return `${slug(person.first)}.${slug(person.last)}@${domain.toLowerCase()}`;
  }

  /**
   * `count` ISO timestamps in ascending order within [from, to], some deliberately equal: APIs that page by a
   * modification stamp (Salesforce's SystemModstamp) must cope with many rows sharing one.
   */
  timestamps(count: number, options: TimestampOptions): string[] {
    const unit = options.precision === "s" ? 1000 : 1;
    const first = Math.ceil(instant(options.from) / unit);
    const last = Math.floor(instant(options.to) / unit);
    if (!(Number.isInteger(count) && count >= 0) || last < first) throw new RangeError("bad timestamp count or range");
    const run = Math.min(count, options.run ?? 0);
    const share = options.duplicateShare ?? 0;
    // Decide first which positions repeat their predecessor, then draw only the distinct instants.
    const runStart = run > 1 ? this.int(0, count - run) : -1;
    const repeats = Array.from({ length: count }, (_, i) =>
      i > 0 && ((runStart >= 0 && i > runStart && i < runStart + run) || this.bool(share)),
    );
    const distinct = repeats.filter((repeat) => !repeat).length;
    const values = Array.from({ length: distinct }, () => this.int(first, last) * unit).sort((a, b) => a - b);
    const out: string[] = [];
    let index = -1;
    for (const repeat of repeats) {
      if (!repeat) index += 1;
      const ms = values[index] ?? first * unit;
      out.push(unit === 1000 ? isoSeconds(ms) : new Date(ms).toISOString());
    }
    return out;
  }
}

/** An ISO-8601 UTC timestamp with whole seconds (`2025-01-06T09:00:00Z`), as Fathom and Graph write them. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
