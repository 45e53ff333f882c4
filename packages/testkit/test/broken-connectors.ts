/**
 * Deliberately broken variants of the fake connector, one per conformance check. Each is correct except for
 * the one flaw its check exists to catch.
 */
import http from "node:http";
import {
  AuthError,
  type AnyCanonical,
  type ConnectorHealthStatus,
  type Credentials,
  type FieldMapping,
  type SyncOptions,
  type SyncResult,
} from "@gtm-clarity/core";
import { transformFixture, type TransformFixture } from "../src/index.js";
import { FakeConnector } from "./fake/connector.js";
import { rawPerson } from "./fake/fixtures.js";
import type { FakePerson } from "./fake/rows.js";
import { transformPerson } from "./fake/transform.js";

type Sync = SyncResult<AnyCanonical>;

// ---- shape / registration / version / mappings -----------------------------------------------------------------

/** An object with everything but healthCheck. */
export function connectorWithoutHealthCheck(): Record<string, unknown> {
  const base = new FakeConnector();
  return {
    id: base.id,
    name: base.name,
    version: base.version,
    authenticate: base.authenticate.bind(base),
    sync: base.sync.bind(base),
    getSchema: base.getSchema.bind(base),
  };
}

export class UnregisteredConnector extends FakeConnector {
  override readonly id = "example-unregistered";
}

export class VersionMismatchConnector extends FakeConnector {
  override readonly version = "9.9.9";
}

export class BadMappingConnector extends FakeConnector {
  override getSchema(): FieldMapping[] {
    return [
      ...super.getSchema(),
      { kind: "person", sourceField: "favourite_colour", targetField: "favouriteColour", transform: "none", required: false },
    ];
  }
}

export class NoMappingsConnector extends FakeConnector {
  override getSchema(): FieldMapping[] {
    return [];
  }
}

// ---- transforms --------------------------------------------------------------------------------------------------

export const randomTransform: TransformFixture = transformFixture(
  "uses Math.random",
  (raw: FakePerson) => ({ ...transformPerson(raw), properties: { nonce: Math.random() } }),
  rawPerson,
);

let calls = 0;
export const counterTransform: TransformFixture = transformFixture(
  "uses a module-level counter",
  (raw: FakePerson) => ({ ...transformPerson(raw), properties: { sequence: (calls += 1) } }),
  rawPerson,
);

export const clockTransform: TransformFixture = transformFixture(
  "reads the clock",
  (raw: FakePerson) => ({ ...transformPerson(raw), remoteUpdatedAt: new Date() }),
  rawPerson,
);

export const mutatingTransform: TransformFixture = transformFixture(
  "trims its input in place",
  (raw: FakePerson) => {
    raw.email = raw.email?.trim() ?? null;
    return transformPerson(raw);
  },
  { ...rawPerson },
);

export const fetchingTransform: TransformFixture = transformFixture(
  "enriches with fetch",
  (raw: FakePerson) => {
    void fetch("https://enrichment.example.com/people/" + raw.id);
    return transformPerson(raw);
  },
  rawPerson,
);

export const swallowedFetchTransform: TransformFixture = transformFixture(
  "calls fetch and swallows the error",
  (raw: FakePerson) => {
    try {
      void fetch("https://enrichment.example.com/people/" + raw.id);
    } catch {
      // pretend nothing happened
    }
    return transformPerson(raw);
  },
  rawPerson,
);

export const httpTransform: TransformFixture = transformFixture(
  "calls node:http",
  (raw: FakePerson) => {
    try {
      http.get("http://127.0.0.1:9/people/" + raw.id).on("error", () => undefined);
    } catch {
      // pretend nothing happened
    }
    return transformPerson(raw);
  },
  rawPerson,
);

export const asyncTransform: TransformFixture = transformFixture(
  "is async",
  async (raw: FakePerson) => transformPerson(raw),
  rawPerson,
);

export const throwingTransform: TransformFixture = transformFixture(
  "throws on its fixture",
  (raw: FakePerson): unknown => {
    throw new Error(`cannot transform ${raw.id}`);
  },
  rawPerson,
);

// ---- sync --------------------------------------------------------------------------------------------------------

/** Always returns the same cursor, so the caller would fetch the same page forever. */
export class StuckCursorConnector extends FakeConnector {
  override async sync(credentials: Credentials, _cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, null, options);
    return { ...page, cursor: "stuck", hasMore: true };
  }
}

/** A fresh cursor every time but never `hasMore: false`. */
export class EndlessConnector extends FakeConnector {
  #page = 0;
  override async sync(credentials: Credentials, _cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, null, options);
    this.#page += 1;
    return { ...page, cursor: `page-${this.#page}`, hasMore: true };
  }
}

/** Alternates between two cursors: each page's cursor differs from its input, but paging loops. */
export class CyclingCursorConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, null, options);
    return { ...page, cursor: cursor === "a" ? "b" : "a", hasMore: true };
  }
}

/** Finishes with a null cursor: the next "incremental" sync would start from scratch. */
export class ForgetfulCursorConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, cursor, options);
    return page.hasMore ? page : { ...page, cursor: null };
  }
}

/** Puts a record with a malformed email in `records` instead of quarantining it. */
export class InvalidRecordConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, cursor, options);
    const broken = { kind: "person", externalId: "per_broken", email: "definitely not an email", properties: {}, isDeleted: false };
    return { ...page, records: [...page.records, broken as AnyCanonical] };
  }
}

/** Returns `syncedAt` as an ISO string instead of a Date. */
export class StringSyncedAtConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, cursor, options);
    return { ...page, syncedAt: page.syncedAt.toISOString() as unknown as Date };
  }
}

/** Emits a brand-new record whenever it is called again with a cursor it returned as final. */
export class PhantomRecordConnector extends FakeConnector {
  readonly #finalCursors = new Set<string>();
  #phantoms = 0;
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, cursor, options);
    if (cursor !== null && this.#finalCursors.has(cursor)) {
      this.#phantoms += 1;
      const phantom: AnyCanonical = {
        kind: "activity",
        externalId: `act_phantom_${this.#phantoms}`,
        type: "meeting",
        channel: "video",
        occurredAt: new Date("2024-01-01T00:00:00Z"),
        properties: {},
        isDeleted: false,
      };
      return { ...page, records: [...page.records, phantom] };
    }
    if (!page.hasMore && page.cursor !== null) this.#finalCursors.add(page.cursor);
    return page;
  }
}

/** Re-emits an already-synced record with changed content on the second sync. */
export class ChangedOverlapConnector extends FakeConnector {
  #first: AnyCanonical | undefined;
  readonly #finalCursors = new Set<string>();
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, cursor, options);
    this.#first ??= page.records[0];
    if (cursor !== null && this.#finalCursors.has(cursor) && this.#first) {
      return { ...page, records: [{ ...this.#first, properties: { touched: true } }] };
    }
    if (!page.hasMore && page.cursor !== null) this.#finalCursors.add(page.cursor);
    return page;
  }
}

/** Says hasMore: true on the second sync although nothing changed (and then stops). */
export class MoreAfterFinalConnector extends FakeConnector {
  readonly #finalCursors = new Set<string>();
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    const page = await super.sync(credentials, cursor, options);
    if (cursor !== null && this.#finalCursors.has(cursor)) return { ...page, hasMore: true };
    if (!page.hasMore && page.cursor !== null) this.#finalCursors.add(page.cursor);
    return page;
  }
}

// ---- health and auth ---------------------------------------------------------------------------------------------

export class ThrowingHealthCheckConnector extends FakeConnector {
  override async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    const status = await super.healthCheck(credentials);
    if (!status.healthy) throw new AuthError("health check failed");
    return status;
  }
}

export class AlwaysHealthyConnector extends FakeConnector {
  override async healthCheck(): Promise<ConnectorHealthStatus> {
    return { healthy: true, lastSync: null };
  }
}

export class SilentUnhealthyConnector extends FakeConnector {
  override async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    const status = await super.healthCheck(credentials);
    return { healthy: status.healthy, lastSync: null };
  }
}

export class NeverHealthyConnector extends FakeConnector {
  override async healthCheck(): Promise<ConnectorHealthStatus> {
    return { healthy: false, lastSync: null, error: "not implemented" };
  }
}

/** Wraps every sync failure in a plain Error, losing the AuthError the worker needs. */
export class PlainErrorConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    try {
      return await super.sync(credentials, cursor, options);
    } catch {
      throw new Error("sync failed");
    }
  }
}

/** Swallows auth failures and returns an empty page. */
export class SwallowingAuthConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    try {
      return await super.sync(credentials, cursor, options);
    } catch {
      return { records: [], cursor: "empty", hasMore: false, syncedAt: new Date(), stats: { created: 0, updated: 0, errors: 0 } };
    }
  }
}

// ---- secrets -----------------------------------------------------------------------------------------------------

export class KeyLoggingConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    options?.logger?.info(`calling the example API with key ${credentials["apiKey"] ?? ""}`);
    return super.sync(credentials, cursor, options);
  }
}

export class HeaderLoggingConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    options?.logger?.debug("request", { headers: { authorization: `Bearer ${credentials["apiKey"] ?? ""}` } });
    return super.sync(credentials, cursor, options);
  }
}

export class ConsoleLoggingConnector extends FakeConnector {
  override async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    console.log("health check with", credentials);
    return super.healthCheck(credentials);
  }
}

export class KeyInErrorConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options?: SyncOptions): Promise<Sync> {
    try {
      return await super.sync(credentials, cursor, options);
    } catch (error) {
      throw new AuthError(`key ${credentials["apiKey"] ?? ""} was rejected`, { cause: error });
    }
  }
}

export class KeyInHealthErrorConnector extends FakeConnector {
  override async healthCheck(credentials: Credentials): Promise<ConnectorHealthStatus> {
    const status = await super.healthCheck(credentials);
    return status.healthy ? status : { ...status, error: `key ${encodeURIComponent(credentials["apiKey"] ?? "")} rejected` };
  }
}

// ---- settings ----------------------------------------------------------------------------------------------------

/** A connector that can only reach its source with the connection's settings (`{ region: "eu" }`), as real ones. */
export class SettingsBoundConnector extends FakeConnector {
  override async sync(credentials: Credentials, cursor: string | null, options: SyncOptions = {}): Promise<Sync> {
    if (options.settings?.["region"] !== "eu") throw new AuthError("no region in the connection's settings");
    return super.sync(credentials, cursor, options);
  }

  override async healthCheck(credentials: Credentials, options: { settings?: Record<string, unknown> } = {}): Promise<ConnectorHealthStatus> {
    if (options.settings?.["region"] !== "eu") return { healthy: false, lastSync: null, error: "no region in settings" };
    return super.healthCheck(credentials);
  }
}
