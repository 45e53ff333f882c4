import { describe, expect, it } from "vitest";
import { isoSeconds, itemSeed, mulberry32, SeededRandom } from "./random.js";
import { sandboxSecret } from "./secrets.js";

describe("mulberry32", () => {
  it("gives the same sequence for a seed, on every machine", () => {
    const next = mulberry32(1);
    // Fixed values: a change here changes every sandbox's data, which tests and demos rely on.
    expect([next(), next(), next()].map((value) => value.toFixed(10))).toEqual(["0.6270739406", "0.0027357212", "0.5274470400"]);
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect(Array.from({ length: 100 }, a)).toEqual(Array.from({ length: 100 }, b));
  });

  it("stays in [0, 1)", () => {
    const next = mulberry32(7);
    for (let i = 0; i < 10_000; i += 1) {
      const value = next();
      expect(value >= 0 && value < 1).toBe(true);
    }
  });
});

describe("SeededRandom", () => {
  it("item streams depend only on (seed, index)", () => {
    expect(SeededRandom.forItem(3, 10).next()).toBe(new SeededRandom(itemSeed(3, 10)).next());
    expect(SeededRandom.forItem(3, 10).next()).not.toBe(SeededRandom.forItem(3, 11).next());
    expect(SeededRandom.forItem(3, 10).next()).not.toBe(SeededRandom.forItem(4, 10).next());
  });

  it("int is inclusive at both ends; pick, shuffle and bool are deterministic", () => {
    const random = new SeededRandom(5);
    const seen = new Set(Array.from({ length: 2_000 }, () => random.int(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(() => random.int(3, 1)).toThrow(RangeError);
    const shuffled = new SeededRandom(9).shuffle([1, 2, 3, 4, 5, 6]);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(shuffled).toEqual(new SeededRandom(9).shuffle([1, 2, 3, 4, 5, 6]));
    expect(() => random.pick([])).toThrow();
    expect(new SeededRandom(2).bool(0)).toBe(false);
    expect(new SeededRandom(2).bool(1)).toBe(true);
    expect(new SeededRandom(1).hex(4)).toMatch(/^[0-9a-f]{8}$/);
  });

  it("makes people, companies on .example domains, and lower-case ASCII emails", () => {
    const random = new SeededRandom(11);
    for (let i = 0; i < 200; i += 1) {
      const person = random.person();
      const company = random.company();
      expect(person.name).toBe(`${person.first} ${person.last}`);
      expect(company.domain).toMatch(/^[a-z0-9]+\.example$/);
      expect(random.email(person, company.domain)).toMatch(/^[a-z]+\.[a-z]+@[a-z0-9]+\.example$/);
    }
  });

  it("makes ascending timestamps inside the range, with deliberate duplicates and one long run", () => {
    const from = "2025-01-01T00:00:00.000Z";
    const to = "2025-01-02T00:00:00.000Z";
    const stamps = new SeededRandom(3).timestamps(500, { from, to, duplicateShare: 0.2, run: 120 });
    expect(stamps).toHaveLength(500);
    expect([...stamps].sort()).toEqual(stamps);
    expect(stamps.every((stamp) => stamp >= from && stamp <= to)).toBe(true);
    const counts = new Map<string, number>();
    for (const stamp of stamps) counts.set(stamp, (counts.get(stamp) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(120);
    expect(500 - counts.size).toBeGreaterThan(120 + 50);
    expect(new SeededRandom(3).timestamps(500, { from, to, duplicateShare: 0.2, run: 120 })).toEqual(stamps);
  });

  it("gives whole seconds when asked, and none when there is no duplicate share", () => {
    const stamps = new SeededRandom(4).timestamps(50, { from: 0, to: 10_000_000, precision: "s" });
    expect(stamps.every((stamp) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(stamp))).toBe(true);
    expect(() => new SeededRandom(4).timestamps(1, { from: 10, to: 5 })).toThrow(RangeError);
    expect(isoSeconds(Date.UTC(2025, 0, 6, 9, 0, 0, 999))).toBe("2025-01-06T09:00:00Z");
  });
});

describe("sandboxSecret", () => {
  it("is random without a seed and the same for a seed, different per prefix", () => {
    expect(sandboxSecret("key_")).not.toBe(sandboxSecret("key_"));
    expect(sandboxSecret("key_", { seed: 7 })).toBe(sandboxSecret("key_", { seed: 7 }));
    expect(sandboxSecret("key_", { seed: 7 })).not.toBe(sandboxSecret("key_", { seed: 8 }));
    expect(sandboxSecret("key_", { seed: 7 }).slice(4)).not.toBe(sandboxSecret("abc_", { seed: 7 }).slice(4));
    expect(sandboxSecret("whsec_", { seed: 1, bytes: 24, encoding: "base64" })).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  });
});
