/**
 * The CPU half of a page commit, in two stages:
 * 1. `dedupeRecords` (before the transaction, cheap): in-page dedupe by (kind, externalId), last one wins.
 * 2. `serializeRecords` (per batch, while the previous batch runs on the server): canonical validation, JSON, size
 *    limits and storability.
 * The content hash is computed by the database from the record's jsonb form (see commit-page.ts): jsonb already
 * sorts keys at every depth, so its text is canonical without a hand-sorted serialisation here.
 * Every record that fails stage 2 becomes a quarantine row with its reasons; nothing is silently dropped.
 *
 * `prepareCommit` runs both stages at once and hands back plain data (strings, numbers, booleans) that survives a
 * structured clone: a worker prepares a page in the thread that fetched it, and the store's `commitPrepared` only
 * writes it. This module needs no database driver, so such a thread loads it alone (`@gtm-clarity/store/prepare`).
 */
import { createHash } from "node:crypto";
import {
  CANONICAL_KINDS,
  type CanonicalKind,
  validateCanonicalRecord,
} from "@gtm-clarity/core";
import { hasUnstorableEscape, toStorableJson, utf8Bytes } from "./json.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { DocumentSchema } from "./schemas.js";
import type { StoreLimits } from "./types.js";

export interface PreparedRecord {
  kind: CanonicalKind;
  externalId: string;
  isDeleted: boolean;
  /** JSON of the validated canonical record (dates as ISO strings): one element of the upsert's jsonb batch. */
  json: string;
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
  /** Raw records, deduplicated, not yet validated (see serializeRecords). */
  records: unknown[];
  /** Instead of `records`: records already validated and serialised (`prepareCommit`), written as they are. */
  serialized?: PreparedRecord[];
  documents: PreparedDocument[];
  /** Grows while the page is written: serialisation may still quarantine records. */
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
  const text = String(id).replaceAll("\u0000", "");
  return text === "" ? null : text.slice(0, 512);
}

function quarantineEntry(
  raw: unknown,
  reasons: readonly Reason[],
  limits: StoreLimits,
  kind: string | null = guessKind(raw),
  externalId: string | null = guessExternalId(raw),
): PreparedQuarantine {
  return {
    kind,
    externalId,
    raw: toStorableJson(raw, limits.maxQuarantineRawBytes),
    reasons: toStorableJson(reasons, limits.maxQuarantineRawBytes),
  };
}

/**
 * The dedupe key the canonical schema would give the record: kind plus trimmed externalId. Records without a string
 * kind and externalId have none: they cannot be valid and are left for validation to quarantine.
 */
function rawKey(raw: unknown): string | undefined {
  const kind = field(raw, "kind");
  const externalId = field(raw, "externalId");
  return typeof kind === "string" && typeof externalId === "string" ? `${kind}\u0000${externalId.trim()}` : undefined;
}

/**
 * Stage 1: dedupe by (kind, externalId) before any validation; the last occurrence wins, in its position. When the
 * last occurrence is invalid it is quarantined and the earlier ones still count as duplicates: the source's latest
 * word on that record is what gets recorded.
 *
 * Partial records (`partial: true`, a webhook's thin update) are not lost to a later one: each lands over what came
 * before it in the page the way it lands over the stored record (its fields win, properties merge key by key), so
 * two thin updates of one record in one page keep both. The result stays partial unless a whole record came first.
 */
export function dedupeRecords(input: readonly unknown[]): { records: unknown[]; duplicates: number } {
  const last = new Map<string, number>();
  const folded = new Map<string, unknown>();
  input.forEach((raw, index) => {
    const key = rawKey(raw);
    if (key === undefined) return;
    const before = folded.get(key);
    folded.set(key, before === undefined ? raw : landOver(before, raw));
    last.set(key, index);
  });
  if (last.size === input.length) return { records: [...input], duplicates: 0 };
  const records: unknown[] = [];
  input.forEach((raw, index) => {
    const key = rawKey(raw);
    if (key === undefined) records.push(raw);
    else if (last.get(key) === index) records.push(folded.get(key));
  });
  return { records, duplicates: input.length - records.length };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `next` over `before`, as the upsert lands a partial record over the stored one; a whole `next` replaces it. */
function landOver(before: unknown, next: unknown): unknown {
  if (!isPlainObject(next) || next["partial"] !== true || !isPlainObject(before)) return next;
  const properties = {
    ...(isPlainObject(before["properties"]) ? before["properties"] : {}),
    ...(isPlainObject(next["properties"]) ? next["properties"] : {}),
  };
  const merged: Record<string, unknown> = { ...before, ...next, properties };
  if (before["partial"] === true) merged["partial"] = true;
  else delete merged["partial"];
  return merged;
}

/**
 * Stage 2: validation, serialisation and limits. Records that are invalid or cannot be stored go to
 * `quarantine`. `seen` carries the validated keys across a page's batches, so a normalisation the raw key missed
 * can never put one record twice into a statement.
 */
export function serializeRecords(
  batch: readonly unknown[],
  limits: StoreLimits,
  quarantine: PreparedQuarantine[],
  seen: Set<string> = new Set(),
): { records: PreparedRecord[]; duplicates: number } {
  const out: PreparedRecord[] = [];
  let duplicates = 0;
  for (const raw of batch) {
    const validation = validateCanonicalRecord(raw);
    if (!validation.ok) {
      quarantine.push(quarantineEntry(raw, validation.reasons, limits));
      continue;
    }
    const record = validation.record;
    const key = `${record.kind}\u0000${record.externalId}`;
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    const reject = (reasons: Reason[]) =>
      quarantine.push(quarantineEntry(raw, reasons, limits, record.kind, record.externalId));

    let json: string;
    try {
      json = JSON.stringify(record);
    } catch (error) {
      reject([{ path: "properties", message: `not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}` }]);
      continue;
    }
    // The whole record bounds its properties: only a long record needs its properties measured. A UTF-16 unit is
    // at most 3 UTF-8 bytes.
    if (json.length * 3 > limits.maxPropertiesBytes) {
      const bytes = utf8Bytes(JSON.stringify(record.properties));
      if (bytes > limits.maxPropertiesBytes) {
        reject([
          {
            path: "properties",
            message: `properties are ${bytes} bytes serialised, over the ${limits.maxPropertiesBytes}-byte limit`,
          },
        ]);
        continue;
      }
    }
    if (hasUnstorableEscape(json)) {
      reject([{ path: "", message: "contains a NUL character or an unpaired surrogate, which Postgres cannot store" }]);
      continue;
    }
    out.push({ kind: record.kind, externalId: record.externalId, isDeleted: record.isDeleted, json });
    seen.add(key);
  }
  return { records: out, duplicates };
}


/** Both stages at once (tools and the benchmark's COPY baseline). */
export function prepareRecords(
  input: readonly unknown[],
  limits: StoreLimits,
  quarantine: PreparedQuarantine[] = [],
): { records: PreparedRecord[]; duplicates: number } {
  const deduped = dedupeRecords(input);
  const serialized = serializeRecords(deduped.records, limits, quarantine);
  return { records: serialized.records, duplicates: deduped.duplicates + serialized.duplicates };
}

export function prepareDocuments(
  input: readonly unknown[],
  limits: StoreLimits,
  quarantine: PreparedQuarantine[],
): { documents: PreparedDocument[]; duplicates: number } {
  const byId = new Map<string, PreparedDocument>();
  let duplicates = 0;
  for (const raw of input) {
    const reject = (reasons: Reason[]) => quarantine.push(quarantineEntry(raw, reasons, limits, "document"));
    const parsed = DocumentSchema.safeParse(raw);
    if (!parsed.success) {
      reject(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })));
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

/** Everything that can happen before the transaction: dedupe records, check documents, take quarantined input. */
export function preparePage(
  page: { records: readonly unknown[]; documents: readonly unknown[]; quarantined: readonly QuarantinedInput[] },
  limits: StoreLimits,
): PreparedPage {
  const quarantine: PreparedQuarantine[] = [];
  for (const entry of page.quarantined) {
    const externalId = entry.externalId?.replaceAll("\u0000", "").slice(0, 512);
    quarantine.push(
      quarantineEntry(entry.raw, entry.reasons, limits, guessKind(entry.raw), externalId || guessExternalId(entry.raw)),
    );
  }
  const records = dedupeRecords(page.records);
  const documents = prepareDocuments(page.documents, limits, quarantine);
  return {
    records: records.records,
    documents: documents.documents,
    quarantine,
    duplicates: records.duplicates + documents.duplicates,
  };
}

/** A page ready to commit, as plain data: `prepareCommit` makes it, `Store.commitPrepared` writes it. */
export interface PreparedCommit {
  records: PreparedRecord[];
  documents: PreparedDocument[];
  /** The connector's own quarantine plus every record or document that failed here, with reasons. */
  quarantine: PreparedQuarantine[];
  /** Records and documents dropped as repeats of a later one in the page. */
  duplicates: number;
  /** The limits it was prepared under: a store opened with other limits refuses it. */
  limits: StoreLimits;
}

/**
 * Everything `commitPage` does to a page before its transaction, done here and now: dedupe, canonical validation,
 * serialisation, size limits, document checks. Pass the limits of the store that will commit it (`store.limits`).
 */
export function prepareCommit(
  page: { records: readonly unknown[]; documents?: readonly unknown[]; quarantined?: readonly QuarantinedInput[] },
  limits: StoreLimits = DEFAULT_LIMITS,
): PreparedCommit {
  const prepared = preparePage({ records: page.records, documents: page.documents ?? [], quarantined: page.quarantined ?? [] }, limits);
  const serialized = serializeRecords(prepared.records, limits, prepared.quarantine);
  return {
    records: serialized.records,
    documents: prepared.documents,
    quarantine: prepared.quarantine,
    duplicates: prepared.duplicates + serialized.duplicates,
    limits: { ...limits },
  };
}
