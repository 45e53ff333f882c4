/**
 * The CPU half of a page commit, done before the transaction opens so no lock is held while it runs: canonical
 * validation, in-page dedupe (last wins), serialisation, size limits and content hashes.
 */
import { createHash } from "node:crypto";
import {
  CANONICAL_KINDS,
  type CanonicalKind,
  stableStringify,
  validateCanonicalRecord,
} from "@gtm-clarity/core";
import { hasUnstorableEscape, toStorableJson, utf8Bytes } from "./json.js";
import { DocumentSchema } from "./schemas.js";
import type { StoreLimits } from "./types.js";

export interface PreparedRecord {
  kind: CanonicalKind;
  externalId: string;
  contentHash: string;
  remoteCreatedAt: string | null;
  remoteUpdatedAt: string | null;
  occurredAt: string | null;
  isDeleted: boolean;
  /** JSON text of the canonical record without `properties`. */
  data: string;
  /** JSON text of `properties`, keys sorted. */
  properties: string;
}

export interface PreparedQuarantine {
  kind: string | null;
  externalId: string | null;
  /** Storable JSON text. */
  raw: string;
  /** JSON text of `{path, message}[]`. */
  reasons: string;
}

export interface PreparedDocument {
  externalId: string;
  activityExternalId: string;
  type: string;
  mediaType: string | null;
  text: string;
  byteSize: number;
  contentHash: string;
}

export interface PreparedPage {
  records: PreparedRecord[];
  documents: PreparedDocument[];
  quarantine: PreparedQuarantine[];
  duplicates: number;
}

type Reason = { path: string; message: string };

/** core's QuarantinedRecord, as zod hands it over. */
export interface QuarantinedInput {
  externalId?: string | undefined;
  raw: unknown;
  reasons: readonly Reason[];
}

const kinds = new Set<string>(CANONICAL_KINDS);

function field(raw: unknown, name: string): unknown {
  return typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[name] : undefined;
}

function guessKind(raw: unknown): string | null {
  const kind = field(raw, "kind");
  return typeof kind === "string" && kinds.has(kind) ? kind : null;
}

function guessExternalId(raw: unknown): string | null {
  const id = field(raw, "externalId");
  if (typeof id !== "string" && typeof id !== "number") return null;
  const text = String(id).replace(/\u0000/g, "");
  return text === "" ? null : text.slice(0, 512);
}

function iso(value: Date | undefined): string | null {
  return value === undefined ? null : value.toISOString();
}

/** JSON of a flat object with its keys sorted (canonical records hold only scalars and Dates). */
function sortedJson(value: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = value[key];
  return JSON.stringify(sorted);
}

export function prepareRecords(
  input: readonly unknown[],
  limits: StoreLimits,
  quarantine: PreparedQuarantine[],
): { records: PreparedRecord[]; duplicates: number } {
  const byKey = new Map<string, PreparedRecord>();
  let duplicates = 0;
  const reject = (raw: unknown, reasons: Reason[], kind = guessKind(raw), externalId = guessExternalId(raw)) => {
    quarantine.push({
      kind,
      externalId,
      raw: toStorableJson(raw, limits.maxQuarantineRawBytes),
      reasons: JSON.stringify(reasons),
    });
  };

  for (const raw of input) {
    const validation = validateCanonicalRecord(raw);
    if (!validation.ok) {
      reject(raw, validation.reasons);
      continue;
    }
    const record = validation.record;
    const { properties, ...canonical } = record;
    let propertiesJson: string;
    try {
      propertiesJson = stableStringify(properties);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      reject(raw, [{ path: "properties", message: `not JSON-serialisable: ${message}` }], record.kind, record.externalId);
      continue;
    }
    const propertiesBytes = propertiesJson.length > limits.maxPropertiesBytes / 3 ? utf8Bytes(propertiesJson) : 0;
    if (propertiesBytes > limits.maxPropertiesBytes) {
      reject(
        raw,
        [
          {
            path: "properties",
            message: `properties are ${propertiesBytes} bytes serialised, over the ${limits.maxPropertiesBytes}-byte limit`,
          },
        ],
        record.kind,
        record.externalId,
      );
      continue;
    }
    const data = sortedJson(canonical);
    if (hasUnstorableEscape(data) || hasUnstorableEscape(propertiesJson)) {
      reject(
        raw,
        [{ path: "", message: "contains a NUL character or an unpaired surrogate, which Postgres cannot store" }],
        record.kind,
        record.externalId,
      );
      continue;
    }
    const key = `${record.kind}\u0000${record.externalId}`;
    if (byKey.has(key)) {
      duplicates += 1;
      // Last one wins, in the position of the last occurrence.
      byKey.delete(key);
    }
    byKey.set(key, {
      kind: record.kind,
      externalId: record.externalId,
      contentHash: createHash("sha256").update(data).update("\n").update(propertiesJson).digest("hex"),
      remoteCreatedAt: iso(record.remoteCreatedAt),
      remoteUpdatedAt: iso(record.remoteUpdatedAt),
      occurredAt: record.kind === "activity" ? record.occurredAt.toISOString() : null,
      isDeleted: record.isDeleted,
      data,
      properties: propertiesJson,
    });
  }
  return { records: [...byKey.values()], duplicates };
}

export function prepareDocuments(
  input: readonly unknown[],
  limits: StoreLimits,
  quarantine: PreparedQuarantine[],
): { documents: PreparedDocument[]; duplicates: number } {
  const byId = new Map<string, PreparedDocument>();
  let duplicates = 0;
  for (const raw of input) {
    const reject = (reasons: Reason[]) =>
      quarantine.push({
        kind: "document",
        externalId: guessExternalId(raw),
        raw: toStorableJson(raw, limits.maxQuarantineRawBytes),
        reasons: JSON.stringify(reasons),
      });
    const parsed = DocumentSchema.safeParse(raw);
    if (!parsed.success) {
      reject(
        parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
      );
      continue;
    }
    const document = parsed.data;
    const byteSize = utf8Bytes(document.text);
    if (byteSize > limits.maxDocumentBytes) {
      reject([{ path: "text", message: `document is ${byteSize} bytes, over the ${limits.maxDocumentBytes}-byte limit` }]);
      continue;
    }
    const hash = createHash("sha256").update(document.text).digest("hex");
    const reasons: Reason[] = [];
    if (hash !== document.contentHash) reasons.push({ path: "contentHash", message: "is not the sha256 of text" });
    if (byteSize !== document.byteSize) {
      reasons.push({ path: "byteSize", message: `is ${document.byteSize} but text is ${byteSize} bytes` });
    }
    if (reasons.length > 0) {
      reject(reasons);
      continue;
    }
    if (byId.has(document.externalId)) {
      duplicates += 1;
      byId.delete(document.externalId);
    }
    byId.set(document.externalId, {
      externalId: document.externalId,
      activityExternalId: document.activityExternalId,
      type: document.type,
      mediaType: document.mediaType ?? null,
      text: document.text,
      byteSize,
      contentHash: hash,
    });
  }
  return { documents: [...byId.values()], duplicates };
}

export function prepareQuarantined(
  input: readonly QuarantinedInput[],
  limits: StoreLimits,
  quarantine: PreparedQuarantine[],
): void {
  for (const entry of input) {
    quarantine.push({
      kind: guessKind(entry.raw),
      externalId: entry.externalId?.replace(/\u0000/g, "").slice(0, 512) || guessExternalId(entry.raw),
      raw: toStorableJson(entry.raw, limits.maxQuarantineRawBytes),
      reasons: toStorableJson(entry.reasons, limits.maxQuarantineRawBytes),
    });
  }
}

export function preparePage(
  page: { records: readonly unknown[]; documents: readonly unknown[]; quarantined: readonly QuarantinedInput[] },
  limits: StoreLimits,
): PreparedPage {
  const quarantine: PreparedQuarantine[] = [];
  prepareQuarantined(page.quarantined, limits, quarantine);
  const records = prepareRecords(page.records, limits, quarantine);
  const documents = prepareDocuments(page.documents, limits, quarantine);
  return {
    records: records.records,
    documents: documents.documents,
    quarantine,
    duplicates: records.duplicates + documents.duplicates,
  };
}
