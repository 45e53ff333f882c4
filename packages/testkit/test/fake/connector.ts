/**
 * A small, correct connector over the fake source: one page per call, a cursor that remembers how far each stream
 * was read (so an incremental sync returns only what was added), malformed rows quarantined, AuthError for an
 * unknown key. testkit's checks must pass on it; `broken-connectors.ts` breaks it one way per check.
 */
import {
  AuthError,
  ConfigError,
  validateCanonicalRecord,
  type AnyCanonical,
  type AuthenticateResult,
  type CanonicalRecordInput,
  type Connector,
  type ConnectorConfig,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type QuarantinedRecord,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import { z } from "zod";
import packageJson from "../../package.json" with { type: "json" };
import { fakeFieldMappings } from "./schema.js";
import { FAKE_STREAMS, sourceFor, type FakeRows, type FakeSource } from "./source.js";
import { transformAccount, transformActivity, transformPerson } from "./transform.js";

export const FAKE_CONNECTOR_ID = "fake";
const PAGE_SIZE = 25;

const CursorSchema = z.object({
  /** Rows read per stream when the last run finished: an incremental run starts after them. */
  read: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
  /** The run in progress: stream index and offset; null when the last run finished. */
  run: z.object({ stream: z.number().int().min(0).max(2), offset: z.number().int().min(0) }).nullable(),
});
type Cursor = z.output<typeof CursorSchema>;

const encode = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decode(value: string | null): Cursor {
  if (value === null) return { read: [0, 0, 0], run: null };
  const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
  if (!parsed.success) throw new ConfigError("The fake connector cannot read this cursor; run a full sync");
  return parsed.data;
}

type Stream = (typeof FAKE_STREAMS)[number];

/** Rows `from`..`to` of a stream, each with its canonical input. */
function readRows(rows: FakeRows, stream: Stream, from: number, to: number): { raw: unknown; input: CanonicalRecordInput }[] {
  switch (stream) {
    case "accounts":
      return rows.accounts.slice(from, to).map((raw) => ({ raw, input: transformAccount(raw) }));
    case "people":
      return rows.people.slice(from, to).map((raw) => ({ raw, input: transformPerson(raw) }));
    case "activities":
      return rows.activities.slice(from, to).map((raw) => ({ raw, input: transformActivity(raw) }));
  }
}

export class FakeConnector implements Connector {
  readonly id: string = FAKE_CONNECTOR_ID;
  readonly name: string = "Fake Source";
  readonly version: string = packageJson.version;

  async authenticate(config: ConnectorConfig): Promise<AuthenticateResult> {
    const apiKey = config.settings["apiKey"];
    if (typeof apiKey !== "string" || apiKey === "") throw new ConfigError("Fake connection settings have no apiKey");
    const credentials = { apiKey };
    this.#source(credentials);
    return { credentials };
  }

  async sync(credentials: Credentials, lastSyncCursor: string | null, options: SyncOptions = {}): Promise<SyncResult<AnyCanonical>> {
    const source = this.#source(credentials);
    const cursor = decode(options.fullSync === true ? null : lastSyncCursor);
    const read: Cursor["read"] = [...cursor.read];
    let run = cursor.run ?? { stream: 0, offset: read[0] };
    const records: AnyCanonical[] = [];
    const quarantined: QuarantinedRecord[] = [];
    for (;;) {
      const stream = FAKE_STREAMS[run.stream] ?? "activities";
      const total = source.rows[stream].length;
      const page = readRows(source.rows, stream, run.offset, run.offset + PAGE_SIZE);
      options.logger?.debug("fake page fetched", { stream, rows: page.length });
      for (const { raw, input } of page) {
        const result = validateCanonicalRecord(input);
        if (result.ok) records.push(result.record);
        else quarantined.push({ raw, reasons: result.reasons });
      }
      const offset = run.offset + page.length;
      if (offset < total) {
        run = { stream: run.stream, offset };
        break;
      }
      read[run.stream] = total;
      const next = run.stream + 1;
      if (next >= FAKE_STREAMS.length) {
        return this.#page(records, quarantined, { read, run: null }, false, options);
      }
      run = { stream: next, offset: read[next] ?? 0 };
      if (page.length > 0) break;
    }
    return this.#page(records, quarantined, { read, run }, true, options);
  }

  getSchema(): FieldMapping[] {
    return fakeFieldMappings.map((mapping) => ({ ...mapping }));
  }

  async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    return sourceFor(credentials) === undefined
      ? { healthy: false, lastSync: null, latencyMs: 0, error: "The fake API rejected the API key (401)" }
      : { healthy: true, lastSync: null, latencyMs: 0 };
  }

  #source(credentials: Credentials): FakeSource {
    const source = sourceFor(credentials);
    if (source === undefined) throw new AuthError("The fake API rejected the API key (401): reconnect with a valid key");
    return source;
  }

  #page(
    records: AnyCanonical[],
    quarantined: QuarantinedRecord[],
    cursor: Cursor,
    hasMore: boolean,
    options: SyncOptions,
  ): SyncResult<AnyCanonical> {
    options.logger?.info("fake sync page done", { records: records.length, quarantined: quarantined.length, hasMore });
    return {
      records,
      cursor: encode(cursor),
      hasMore,
      syncedAt: new Date(),
      stats: { errors: quarantined.length },
      quarantined,
    };
  }
}
