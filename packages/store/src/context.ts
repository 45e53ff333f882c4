import type { KeyRing, Logger } from "@gtm-clarity/core";
import type { BatchHook } from "./commit-page.js";
import type { SqlDriver } from "./driver.js";
import type { StoreLimits } from "./types.js";

/** What every store operation needs; built once by `openStore`. */
export interface StoreContext {
  driver: SqlDriver;
  /** Resolved lazily: a store that never touches credentials needs no encryption key. */
  keyRing(): KeyRing;
  logger: Logger;
  limits: StoreLimits;
  onBatch: BatchHook | undefined;
}
