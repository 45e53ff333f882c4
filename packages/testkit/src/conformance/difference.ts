/**
 * Structural comparison that names the first place two values differ. Prototypes are ignored on purpose:
 * `structuredClone` turns class instances into plain objects, and a transform's input is data, not behaviour.
 */
export function firstDifference(a: unknown, b: unknown, path = "$", seen: WeakMap<object, object> = new WeakMap()): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    return `${path}: ${preview(a)} vs ${preview(b)}`;
  }
  if (seen.get(a) === b) return undefined;
  seen.set(a, b);
  if (a instanceof Date || b instanceof Date) {
    if (!(a instanceof Date) || !(b instanceof Date)) return `${path}: ${preview(a)} vs ${preview(b)}`;
    return Object.is(a.getTime(), b.getTime()) ? undefined : `${path}: ${preview(a)} vs ${preview(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: ${preview(a)} vs ${preview(b)}`;
  const entries = (value: object): [string, unknown][] => {
    if (value instanceof Map) return [...value.entries()].map(([key, inner], index) => [`<entry ${index}>`, [key, inner]]);
    if (value instanceof Set) return [...value.values()].map((inner, index) => [`<item ${index}>`, inner]);
    return Object.entries(value);
  };
  const left = entries(a);
  const right = new Map(entries(b));
  if (left.length !== right.size) {
    const extra = [...right.keys()].filter((key) => !left.some(([name]) => name === key));
    const missing = left.map(([name]) => name).filter((key) => !right.has(key));
    return `${path}: keys differ (only in first: ${missing.join(", ") || "none"}; only in second: ${extra.join(", ") || "none"})`;
  }
  for (const [key, inner] of left) {
    if (!right.has(key)) return `${path}.${key}: missing in second value`;
    const difference = firstDifference(inner, right.get(key), `${path}.${key}`, seen);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function preview(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}
