/**
 * What `worker connections add` reads from its flags for one connector: the connector's settings (from its
 * `settingsSchema`, as flags of their own or `--setting name=value`, coerced to each field's type; the schema then
 * checks them) and its secrets (from environment variables, standard input, a hidden prompt, or argv as a last
 * resort). Values are never echoed: errors name fields and flags only.
 */
import {
  describeSettings,
  type CanonicalRecord,
  type Connector,
  type Credentials,
  type SettingField,
} from "@gtm-clarity/core";
import { z } from "zod";
import type { OptionDef } from "./cli-options.js";

export class InputError extends Error {
  override readonly name = "InputError";
}

const SETTINGS_GROUP = (connectorId: string) => `Settings of ${connectorId} (or --setting name=value)`;

/** `includeTranscript` -> `include-transcript` */
export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/_/g, "-").toLowerCase();
}

export function settingFields(connector: Connector<CanonicalRecord>): SettingField[] | undefined {
  return connector.settingsSchema === undefined ? undefined : describeSettings(connector.settingsSchema);
}

export function secretFields(connector: Connector<CanonicalRecord>): SettingField[] | undefined {
  return connector.secretsSchema === undefined ? undefined : describeSettings(connector.secretsSchema);
}

function placeholder(field: SettingField): string {
  if (field.enumValues !== undefined && field.type === "enum") return field.enumValues.map(String).join("|");
  switch (field.type) {
    case "url":
      return "<url>";
    case "number":
    case "integer":
      return "N";
    case "list":
      return "a,b,...";
    default:
      return "<value>";
  }
}

/** One flag per setting of the connector, except those whose name a fixed option already takes. */
export function settingOptions(connector: Connector<CanonicalRecord>, taken: ReadonlySet<string>): OptionDef[] {
  return (settingFields(connector) ?? [])
    .filter((field) => !taken.has(kebab(field.name)))
    .map((field) => ({
      name: kebab(field.name),
      type: field.type === "boolean" ? "boolean" : "string",
      ...(field.type === "boolean" ? {} : { value: placeholder(field) }),
      description: [
        field.description ?? field.label ?? field.name,
        field.default === undefined ? "" : `(default ${JSON.stringify(field.default)})`,
      ]
        .filter((part) => part !== "")
        .join(" "),
      group: SETTINGS_GROUP(connector.id),
    }));
}

/** The connector's secrets, for help: names and whether each is required (never a value). */
export function secretsNote(connector: Connector<CanonicalRecord>): string[] {
  const fields = secretFields(connector);
  if (fields === undefined) {
    return connector.oauth === undefined
      ? []
      : [`${connector.id} connects through its OAuth flow in the web app (apps/web); it takes no secrets here.`];
  }
  const list = fields.map((field) => `${field.name}${field.optional ? "" : " (required)"}`).join(", ");
  return [`Secrets of ${connector.id}: ${list}. Give them with --secret-env name=VAR or --secret-stdin name.`];
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** A flag's text as the field's type, when it reads as one; anything else stays text and the schema says why. */
export function coerceSetting(field: Pick<SettingField, "type" | "enumValues" | "itemType">, raw: string): unknown {
  switch (field.type) {
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "number":
    case "integer":
      return NUMERIC.test(raw) ? Number(raw) : raw;
    case "list": {
      if (raw.trim() === "") return [];
      const item = { type: field.itemType ?? "string", ...(field.enumValues === undefined ? {} : { enumValues: field.enumValues }) };
      return raw.split(",").map((part) => coerceSetting(item, part.trim()));
    }
    case "enum": {
      const match = field.enumValues?.find((value) => String(value) === raw);
      return match ?? raw;
    }
    default:
      return raw;
  }
}

const WHOLE_NUMBER = /^\d+$/;

/** For a connector with no settings schema: true/false and whole numbers are typed, anything else stays text. */
function untypedSetting(raw: string): unknown {
  if (raw === "true") return true;
  if (raw === "false") return false;
  return WHOLE_NUMBER.test(raw) ? Number(raw) : raw;
}

/** `name=value` (the value may contain `=`). */
export function splitPair(flagName: string, pair: string): [string, string] {
  const at = pair.indexOf("=");
  // The pair may hold a secret: name the flag, never repeat the text.
  if (at < 1) throw new InputError(`--${flagName} expects name=value`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

const JsonObject = z.record(z.string(), z.unknown());

export interface SettingsFlags {
  json: string | undefined;
  pairs: readonly string[];
  /** Values of the per-setting flags, by flag name. */
  flags: Readonly<Record<string, string | boolean | undefined>>;
}

/** The settings the flags give, typed per field; unknown names are refused (the schema would drop them silently). */
export function settingsFromFlags(connector: Connector<CanonicalRecord>, input: SettingsFlags): Record<string, unknown> {
  const fields = settingFields(connector);
  const settings: Record<string, unknown> = {};
  if (input.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.json);
    } catch {
      throw new InputError("--settings-json is not valid JSON");
    }
    const object = JsonObject.safeParse(parsed);
    if (!object.success) throw new InputError("--settings-json must be a JSON object");
    Object.assign(settings, object.data);
  }
  for (const pair of input.pairs) {
    const [name, raw] = splitPair("setting", pair);
    if (fields === undefined) {
      settings[name] = untypedSetting(raw);
      continue;
    }
    const field = fields.find((f) => f.name === name);
    if (!field) {
      throw new InputError(`${connector.id} has no setting "${name}" (settings: ${fields.map((f) => f.name).join(", ")})`);
    }
    settings[name] = coerceSetting(field, raw);
  }
  for (const field of fields ?? []) {
    const value = input.flags[kebab(field.name)];
    if (value === undefined) continue;
    settings[field.name] = typeof value === "boolean" ? value : coerceSetting(field, value);
  }
  return settings;
}

export interface SecretsFlags {
  env: readonly string[];
  argv: readonly string[];
  stdin: string | undefined;
  environment: Readonly<Record<string, string | undefined>>;
  readStdin(): Promise<string>;
  /** Asks for a value without echoing it; undefined when there is no terminal to ask on. */
  prompt?: (name: string) => Promise<string>;
}

/** Secrets from the flags; required ones still missing are asked for when there is a terminal. */
export async function secretsFromFlags(connector: Connector<CanonicalRecord>, input: SecretsFlags): Promise<Credentials> {
  const secrets: Credentials = {};
  for (const pair of input.env) {
    const [name, variable] = splitPair("secret-env", pair);
    const value = input.environment[variable];
    if (value === undefined || value === "") throw new InputError(`environment variable ${variable} (secret ${name}) is not set or empty`);
    secrets[name] = value;
  }
  for (const pair of input.argv) {
    const [name, value] = splitPair("secret", pair);
    secrets[name] = value;
  }
  if (input.stdin !== undefined) {
    const value = (await input.readStdin()).replace(/\r?\n$/, "");
    if (value === "") throw new InputError(`standard input was empty (secret ${input.stdin})`);
    secrets[input.stdin] = value;
  }
  const prompt = input.prompt;
  if (prompt) {
    for (const field of secretFields(connector) ?? []) {
      if (!field.optional && secrets[field.name] === undefined) secrets[field.name] = await prompt(field.name);
    }
  }
  return secrets;
}
