import { initial } from "./0001_initial.js";
import type { Migration } from "./types.js";

export type { Migration } from "./types.js";

/** Every migration, in order. Append only. */
export const migrations: readonly Migration[] = [initial];
