import type { StoreLimits } from "./types.js";

/** What a store accepts unless opened with other `limits`. */
export const DEFAULT_LIMITS: StoreLimits = {
  batchSize: 500,
  maxPropertiesBytes: 256 * 1024,
  maxDocumentBytes: 16 * 1024 * 1024,
  maxQuarantineRawBytes: 1024 * 1024,
};
