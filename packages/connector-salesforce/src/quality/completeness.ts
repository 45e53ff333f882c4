/** How complete a record is: the share of the fields that matter for its kind that hold a value, 0 to 1. */
export function completeness(values: readonly unknown[]): number {
  if (values.length === 0) return 0;
  const present = values.filter((value) => value !== undefined && value !== null && value !== "").length;
  return Math.round((present / values.length) * 100) / 100;
}
