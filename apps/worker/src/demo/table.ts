/** Counts, decimals, "a/b/c" tuples, blanks: right-aligned. A version such as 0.1.0 is text. */
const NUMERIC = /^$|^(-|[\d,]+(\.\d+)?)(\/[\d,]+)*$/;

/** A plain text table: left-aligned first columns, numbers right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const numeric = header.map((_, i) => rows.every((row) => NUMERIC.test(row[i] ?? "")));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
