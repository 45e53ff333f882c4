/** A FIFO semaphore capping requests in flight (Graph allows 4 concurrent requests per mailbox). */
import { waitForSignal } from "./clock.js";

export class Semaphore {
  readonly #max: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts while queued. */
  async acquire(signal: AbortSignal | undefined): Promise<() => void> {
    if (this.#active < this.#max && this.#queue.length === 0) {
      this.#active += 1;
    } else {
      // A releasing holder hands its slot straight to the head of the queue, so `#active` stays put and no
      // newcomer can overtake a waiter.
      await waitForSignal((wake) => {
        this.#queue.push(wake);
        return () => {
          const index = this.#queue.indexOf(wake);
          if (index >= 0) this.#queue.splice(index, 1);
        };
      }, signal);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue[0];
      if (next === undefined) this.#active -= 1;
      else next();
    };
  }
}
