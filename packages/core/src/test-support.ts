/**
 * Helpers shared by core's own tests (not exported from the package): what a call threw or a promise rejected
 * with, so a test can assert on the error's fields. Each fails the test when nothing was thrown.
 */

export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected a rejection");
}
