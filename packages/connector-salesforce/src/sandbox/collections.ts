/**
 * sObject Collections in the sandbox (vendor-apis.md §1.7): `PATCH /composite/sobjects` updates by Id and
 * `PATCH /composite/sobjects/{Object}/{ExternalIdField}` upserts, at most 200 records, one result per record in
 * request order, HTTP 200 even when records fail (errors with `statusCode`). `allOrNone: true` rolls everything back
 * when one record fails (`ALL_OR_NONE_OPERATION_ROLLED_BACK` for the others). Locked rows (a test arms them) fail
 * with `UNABLE_TO_LOCK_ROW`.
 */
import { z } from "zod";
import { SOBJECT_NAMES, SOBJECTS, type SObjectName } from "../objects/index.js";
import type { SandboxRecord } from "./data.js";
import { sandboxId, KEY_PREFIX } from "./ids.js";

export const CollectionBodySchema = z.object({
  allOrNone: z.boolean().default(false),
  records: z.array(z.record(z.string(), z.unknown())),
});

export interface SaveResultBody {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

export interface CollectionStore {
  find(object: SObjectName, id: string): SandboxRecord | undefined;
  findBy(object: SObjectName, field: string, value: unknown): SandboxRecord[];
  save(object: SObjectName, record: SandboxRecord): void;
  count(object: SObjectName): number;
  /** Rows a test locked: each lock fails that many writes of the row with UNABLE_TO_LOCK_ROW. */
  takeLock(key: string): boolean;
  now(): string;
}

const failure = (statusCode: string, message: string, fields: string[] = []): SaveResultBody => ({
  success: false,
  errors: [{ statusCode, message, fields }],
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isObject(name: unknown): name is SObjectName {
  return typeof name === "string" && (SOBJECT_NAMES as readonly string[]).includes(name);
}

/** Writable fields: what the connector reads, minus system fields. */
function writable(object: SObjectName, field: string, externalIdField?: string): boolean {
  if (field === externalIdField) return true;
  return SOBJECTS[object].fields.includes(field) && !["Id", "IsDeleted", "CreatedDate", "SystemModstamp"].includes(field);
}

/** Applies one record (or says why not); returns the new row without saving it, so allOrNone can roll back. */
function apply(
  store: CollectionStore,
  input: Record<string, unknown>,
  mode: { kind: "update" } | { kind: "upsert"; object: SObjectName; field: string },
  created: Map<SObjectName, number>,
): { result: SaveResultBody; row?: { object: SObjectName; record: SandboxRecord } } {
  const attributes = input["attributes"];
  const type = attributes !== null && typeof attributes === "object" ? (attributes as Record<string, unknown>)["type"] : undefined;
  if (!isObject(type)) return { result: failure("INVALID_TYPE", "sObject type is missing or not supported", ["attributes"]) };
  if (mode.kind === "upsert" && type !== mode.object) {
    return { result: failure("INVALID_TYPE", `record type ${type} does not match ${mode.object}`, ["attributes"]) };
  }
  const fields = Object.entries(input).filter(([key]) => key !== "attributes" && key !== "id");
  for (const [field, value] of fields) {
    if (!writable(type, field, mode.kind === "upsert" ? mode.field : undefined)) {
      return { result: failure("INVALID_FIELD_FOR_INSERT_UPDATE", `Unable to create/update fields: ${field}.`, [field]) };
    }
    if (field === "Email" && value !== null && (typeof value !== "string" || !EMAIL.test(value))) {
      return { result: failure("INVALID_EMAIL_ADDRESS", `Email: invalid email address: ${String(value)}`, ["Email"]) };
    }
  }
  let existing: SandboxRecord | undefined;
  if (mode.kind === "update") {
    const id = input["id"];
    if (typeof id !== "string" || id === "") return { result: failure("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"]) };
    existing = store.find(type, id);
    if (existing === undefined) return { result: failure("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["Id"]) };
  } else {
    const key = input[mode.field];
    if (typeof key !== "string" || key === "") {
      return { result: failure("REQUIRED_FIELD_MISSING", `Required fields are missing: [${mode.field}]`, [mode.field]) };
    }
    const found = store.findBy(type, mode.field, key);
    if (found.length > 1) return { result: failure("DUPLICATE_EXTERNAL_ID", `more than one record has ${mode.field} ${key}`, [mode.field]) };
    existing = found[0];
  }
  if (existing?.["IsDeleted"] === true) return { result: failure("ENTITY_IS_DELETED", "entity is deleted", []) };
  if (existing !== undefined && store.takeLock(existing.Id)) {
    return { result: failure("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", []) };
  }
  const values = Object.fromEntries(fields);
  const now = store.now();
  if (existing !== undefined) {
    const changed = Object.entries(values).some(([field, value]) => existing[field] !== value);
    // An update that changes nothing leaves the record (and its SystemModstamp) as it was.
    const record = changed ? { ...existing, ...values, SystemModstamp: now } : existing;
    return { result: { id: existing.Id, success: true, errors: [], ...(mode.kind === "upsert" ? { created: false } : {}) }, row: { object: type, record } };
  }
  const index = store.count(type) + (created.get(type) ?? 0);
  created.set(type, (created.get(type) ?? 0) + 1);
  const record: SandboxRecord = { Id: sandboxId(KEY_PREFIX[type], index), IsDeleted: false, CreatedDate: now, SystemModstamp: now, ...values };
  return { result: { id: record.Id, success: true, errors: [], created: true }, row: { object: type, record } };
}

export function saveCollection(
  store: CollectionStore,
  body: z.output<typeof CollectionBodySchema>,
  mode: { kind: "update" } | { kind: "upsert"; object: SObjectName; field: string },
): SaveResultBody[] {
  const created = new Map<SObjectName, number>();
  const outcomes = body.records.map((input) => apply(store, input, mode, created));
  const anyFailed = outcomes.some((outcome) => !outcome.result.success);
  if (body.allOrNone && anyFailed) {
    return outcomes.map((outcome) =>
      outcome.result.success
        ? failure(
            "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "Record rolled back because not all records were valid and the request was using AllOrNone header",
          )
        : { success: false, errors: outcome.result.errors },
    );
  }
  for (const outcome of outcomes) if (outcome.row !== undefined) store.save(outcome.row.object, outcome.row.record);
  return outcomes.map((outcome) => outcome.result);
}

export { isObject as isSandboxObject };
