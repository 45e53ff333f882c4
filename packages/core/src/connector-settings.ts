/**
 * Parsing a connection's settings and secrets with the schemas its connector declares. Both come from people
 * (a connect form, a CLI flag, a stored row edited by hand), so a bad one must say WHICH fields are wrong and how,
 * and must never repeat what was typed: a secret pasted into the wrong field would otherwise land in an error, a log
 * and a sync run record. Messages are therefore built from the issue's kind and the schema's own constraints, never
 * from zod's message or the input.
 */
import type { z } from "zod";
import type { Credentials } from "./connector.js";
import { ConfigError } from "./errors.js";

/** One field that did not parse: its path and what it should have been. */
export interface SettingProblem {
  path: string;
  problem: string;
}

interface SchemaHolder<T> {
  readonly id: string;
  readonly settingsSchema?: z.ZodType<T>;
  readonly secretsSchema?: z.ZodType<Credentials>;
}

/**
 * The connection's settings, typed. Missing settings (`undefined`/`null`) parse as `{}`, so every default applies.
 * A connector without a `settingsSchema` gets the object back as it is (its settings are untyped). Anything else that
 * does not parse is a ConfigError listing the bad fields.
 */
export function parseConnectorSettings<S>(connector: SchemaHolder<S>, raw: unknown): S {
  const input = raw ?? {};
  const schema = connector.settingsSchema;
  if (schema === undefined) {
    if (typeof input !== "object" || Array.isArray(input)) {
      throw new ConfigError(`${connector.id} settings must be an object`, { details: { connectorId: connector.id } });
    }
    // Without a schema the connector declared no type either: S is its default, Record<string, unknown>.
    return input as S;
  }
  return parseOrThrow(connector.id, "settings", schema, input);
}

/** What a person provided to connect with a key, checked with the connector's `secretsSchema`. */
export function parseConnectorSecrets(connector: SchemaHolder<unknown>, raw: unknown): Credentials {
  const schema = connector.secretsSchema;
  if (schema === undefined) {
    throw new ConfigError(`${connector.id} takes no secrets to connect (it declares no secretsSchema)`, {
      details: { connectorId: connector.id },
    });
  }
  return parseOrThrow(connector.id, "secrets", schema, raw ?? {});
}

function parseOrThrow<T>(connectorId: string, what: "settings" | "secrets", schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({
    path: issue.path.length === 0 ? "(root)" : issue.path.map(String).join("."),
    problem: describeIssue(issue),
  }));
  const list = problems.map(({ path, problem }) => `${path} (${problem})`).join("; ");
  throw new ConfigError(`${connectorId} ${what} are invalid: ${list}`, {
    details: { connectorId, [what === "settings" ? "settingsErrors" : "secretsErrors"]: problems },
  });
}

/** What the field should have been, from the schema's side of the issue only. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "undefined" ? "not allowed" : `expected ${issue.expected}`;
    case "invalid_format":
      return `expected a valid ${issue.format}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "too_small":
      return `too small: at least ${String(issue.minimum)}${unitOf(issue.origin)}`;
    case "too_big":
      return `too big: at most ${String(issue.maximum)}${unitOf(issue.origin)}`;
    case "not_multiple_of":
      return `expected a multiple of ${String(issue.divisor)}`;
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    case "invalid_union":
      return "matches none of the allowed forms";
    case "invalid_key":
    case "invalid_element":
      return "has an invalid entry";
    case "custom":
      // Written by the connector's author for a rule of theirs (e.g. "must be a *.salesforce.com host"), which is
      // where a value would have to be interpolated on purpose.
      return issue.message;
  }
}

function unitOf(origin: string): string {
  switch (origin) {
    case "string":
      return " characters";
    case "array":
    case "set":
      return " items";
    default:
      return "";
  }
}
