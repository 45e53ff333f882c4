/**
 * Delivr's `filter` grammar as the sandbox reads it: `<field>:<op>:<value>`, `,` joins conditions with AND, `|` with
 * OR (AND binds tighter). Operators: eq, ne, gt, gte, lt, lte, contains; the value `null` means "no value".
 */
export type Row = Record<string, unknown>;
export type RowFilter = (row: Row) => boolean;

const OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains"] as const;
type Op = (typeof OPS)[number];

function isOp(value: string): value is Op {
  return (OPS as readonly string[]).includes(value);
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return typeof value === "string" ? value : String(value);
}

function condition(text: string): RowFilter {
  const first = text.indexOf(":");
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  if (first <= 0 || second < 0) throw new RangeError(`filter "${text}" is not <field>:<op>:<value>`);
  const field = text.slice(0, first);
  const op = text.slice(first + 1, second);
  const value = text.slice(second + 1);
  if (!isOp(op)) throw new RangeError(`filter operator "${op}" is not one of ${OPS.join(", ")}`);
  const wanted = value === "null" ? null : value;
  return (row) => {
    const actual = asText(row[field]);
    switch (op) {
      case "eq":
        return actual === wanted;
      case "ne":
        return actual !== wanted;
      case "contains":
        return actual !== null && wanted !== null && actual.toLowerCase().includes(wanted.toLowerCase());
      default: {
        if (actual === null || wanted === null) return false;
        const [a, b] = [Number(actual), Number(wanted)];
        const cmp = Number.isFinite(a) && Number.isFinite(b) ? a - b : actual.localeCompare(wanted);
        return op === "gt" ? cmp > 0 : op === "gte" ? cmp >= 0 : op === "lt" ? cmp < 0 : cmp <= 0;
      }
    }
  };
}

/** Throws RangeError (the server answers 400) on a malformed expression. */
export function parseFilter(expression: string): RowFilter {
  if (expression.length > 2000) throw new RangeError("filter is longer than 2000 characters");
  const alternatives = expression.split("|").map((part) => part.split(",").map(condition));
  return (row) => alternatives.some((all) => all.every((test) => test(row)));
}
