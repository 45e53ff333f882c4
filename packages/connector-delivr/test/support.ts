import type { CanonicalRecord, QuarantinedRecord } from "@gtm-clarity/core";
import type { TransformResult } from "../src/sync/transform.js";

export function record(result: TransformResult): CanonicalRecord {
  if (!result.ok) throw new Error(`quarantined: ${JSON.stringify(result.quarantined.reasons)}`);
  return result.record;
}

export function quarantined(result: TransformResult): QuarantinedRecord {
  if (result.ok) throw new Error("expected the record to be quarantined");
  return result.quarantined;
}
