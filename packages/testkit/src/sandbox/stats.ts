/**
 * What a sandbox counts. The kit counts what every sandbox has (requests, refusals, injected faults); a sandbox adds
 * its own counters by name (`req.count("meetingsRequests")`), and `stats()` reports them all as one flat object.
 */

export interface SandboxStats {
  /** Every request received, whatever its outcome. */
  readonly requests: number;
  /** Replies with outcome "unauthorized" (a 401 unless the sandbox says otherwise). */
  readonly unauthorized: number;
  /** Replies with outcome "rate-limited" (a 429 unless the sandbox says otherwise). */
  readonly rateLimited: number;
  /** 5xx replies sent, injected or not. */
  readonly serverErrors: number;
  /** Faults applied from the plan. */
  readonly faultsInjected: number;
  readonly [counter: string]: number;
}

export const KIT_COUNTERS = ["requests", "unauthorized", "rateLimited", "serverErrors", "faultsInjected"] as const;

export class Counters {
  readonly #values = new Map<string, number>();

  constructor(readonly names: readonly string[] = []) {
    this.reset();
  }

  add(name: string, by = 1): void {
    this.#values.set(name, (this.#values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.#values.get(name) ?? 0;
  }

  /** Back to zero; declared names stay listed (at 0) so a report always has the same keys. */
  reset(): void {
    this.#values.clear();
    for (const name of [...KIT_COUNTERS, ...this.names]) this.#values.set(name, 0);
  }

  snapshot(): SandboxStats {
    return {
      requests: 0,
      unauthorized: 0,
      rateLimited: 0,
      serverErrors: 0,
      faultsInjected: 0,
      ...Object.fromEntries(this.#values),
    };
  }
}
