/** The error every conformance check throws: which check failed and why, phrased for the connector's author. */
export class ConformanceError extends Error {
  override readonly name = "ConformanceError";
  /** Stable name of the failed check, e.g. `sync-pages-to-completion`. */
  readonly check: string;

  constructor(check: string, message: string) {
    super(`[${check}] ${message}`);
    this.check = check;
  }
}

export function fail(check: string, message: string): never {
  throw new ConformanceError(check, message);
}

/** A short, non-revealing description of a secret for failure messages: never print the secret itself. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 2)}…(${value.length} chars)`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
