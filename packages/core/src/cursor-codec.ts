/**
 * A typed, versioned sync cursor serialised to a string. The caller stores it opaquely and hands it back; the
 * connector reads every cursor version it knows, migrates it to the current one, and rejects anything else with a
 * SchemaError (never a silent full resync).
 *
 *   const codec = defineCursorCodec({ name: "Acme", version: 2, schema: V1OrV2, initial, migrate });
 *   const state = codec.parse(lastSyncCursor); // null gives `initial`
 *   const cursor = codec.serialize(nextState);
 */
import type { z } from "zod";
import { SchemaError, toSchemaIssues } from "./errors.js";

/** Every cursor version carries its version number in `v`. */
export interface VersionedCursorState {
  v: number;
}

/** A schema that accepts every cursor version the connector can read (a union of the versions, usually). */
export type CursorSchema = z.ZodType<VersionedCursorState>;

export interface CursorCodec<Current> {
  /** `null` (never synced) gives `initial`; a string that is not a cursor this code wrote is a SchemaError. */
  parse(raw: string | null): Current;
  /** The state as a string; a state the schema rejects is a SchemaError. */
  serialize(state: Current): string;
  /** The state of a connection that has never synced. */
  readonly initial: Current;
}

interface CursorCodecBaseOptions<S extends CursorSchema> {
  /** Who the cursor belongs to, for messages: "Fathom" gives "Fathom sync cursor is malformed". */
  name: string;
  /** The current version: a cursor whose `v` is higher was written by newer code and is refused. */
  version: number;
  /** Accepts every version this code can read, the current one included. */
  schema: S;
}

export interface CursorCodecOptions<S extends CursorSchema> extends CursorCodecBaseOptions<S> {
  initial: z.output<S>;
}

export interface MigratingCursorCodecOptions<S extends CursorSchema, Current extends z.output<S>>
  extends CursorCodecBaseOptions<S> {
  initial: NoInfer<Current>;
  /** Upgrades any readable version to the current one. */
  migrate: (state: z.output<S>) => Current;
}

/** A codec that reads older versions too and upgrades them with `migrate`. */
export function defineCursorCodec<S extends CursorSchema, Current extends z.output<S>>(
  options: MigratingCursorCodecOptions<S, Current>,
): CursorCodec<Current>;
/** A codec whose schema describes the current version only (nothing to migrate yet). */
export function defineCursorCodec<S extends CursorSchema>(options: CursorCodecOptions<S>): CursorCodec<z.output<S>>;
// (The migrating overload comes first: tried second, its `migrate` would lose its contextual parameter type.)
export function defineCursorCodec(
  options: CursorCodecBaseOptions<CursorSchema> & {
    initial: VersionedCursorState;
    migrate?: (state: VersionedCursorState) => VersionedCursorState;
  },
): CursorCodec<VersionedCursorState> {
  const { name, version, schema, initial } = options;
  const migrate = options.migrate ?? ((state: VersionedCursorState) => state);

  const validate = (json: unknown): VersionedCursorState => {
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new SchemaError(`${name} sync cursor is malformed`, toSchemaIssues(parsed.error.issues));
    return parsed.data;
  };

  return {
    initial,
    parse(raw) {
      if (raw === null) return initial;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (error) {
        throw new SchemaError(`${name} sync cursor is not valid JSON`, [{ path: "", message: "invalid JSON" }], {
          cause: error,
        });
      }
      const v = json !== null && typeof json === "object" ? (json as Record<string, unknown>)["v"] : undefined;
      if (typeof v === "number" && v > version) {
        throw new SchemaError(`${name} sync cursor version ${v} is newer than this connector understands`, [
          { path: "v", message: `unsupported version ${v}` },
        ]);
      }
      return migrate(validate(json));
    },
    serialize(state) {
      return JSON.stringify(validate(state));
    },
  };
}
