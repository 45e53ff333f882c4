/** Milliseconds since the epoch. Injected wherever time decides an outcome (rate windows, token expiry, logs), so
 * tests can move time instead of waiting for it. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
