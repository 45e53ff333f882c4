/**
 * A settings (or secrets) schema as a list of form fields, so a CLI prompt or a web form is generated from the
 * connector's own schema instead of being written again beside it and drifting.
 *
 * It reads zod's JSON Schema output (`z.toJSONSchema`, input side), zod's documented way to introspect a schema,
 * rather than zod's internal definitions: descriptions and titles come from `.describe()` / `.meta()`, defaults,
 * enums and formats from the schema itself.
 */
import { z } from "zod";
import { ConfigError } from "./errors.js";

export type SettingFieldType =
  | "string"
  | "url"
  | "email"
  | "datetime"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "list"
  | "other";

export interface SettingField {
  name: string;
  type: SettingFieldType;
  /** May be left out (it has a default, is optional or accepts null). */
  optional: boolean;
  /** The default applied when the field is left out, when the schema has one. */
  default?: unknown;
  /** From `.meta({ title })`: a label for the field. */
  label?: string;
  /** From `.describe()` or `.meta({ description })`. */
  description?: string;
  /** The allowed values of an `enum` field, or of a `list` field's items. */
  enumValues?: readonly (string | number | boolean | null)[];
  /** For a `list`: the type of its items. */
  itemType?: SettingFieldType;
}

interface JsonSchemaNode {
  type?: string | string[] | undefined;
  format?: string | undefined;
  enum?: (string | number | boolean | null)[] | undefined;
  const?: unknown;
  default?: unknown;
  title?: string | undefined;
  description?: string | undefined;
  items?: JsonSchemaNode | undefined;
  anyOf?: JsonSchemaNode[] | undefined;
  properties?: Record<string, JsonSchemaNode> | undefined;
  required?: string[] | undefined;
}

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Only the keywords read here; anything else zod writes (patterns, bounds) passes through unread. */
const JsonSchemaNodeSchema: z.ZodType<JsonSchemaNode> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    format: z.string().optional(),
    enum: z.array(Scalar).optional(),
    const: z.unknown().optional(),
    default: z.unknown().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    items: JsonSchemaNodeSchema.optional(),
    anyOf: z.array(JsonSchemaNodeSchema).optional(),
    properties: z.record(z.string(), JsonSchemaNodeSchema).optional(),
    required: z.array(z.string()).optional(),
  }),
);

/** The fields of an object schema, in declaration order. Anything but an object schema is a ConfigError. */
export function describeSettings(schema: z.ZodType): SettingField[] {
  let json: unknown;
  try {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  } catch (error) {
    throw new ConfigError("settings schema cannot be described as form fields", { cause: error });
  }
  const root = JsonSchemaNodeSchema.parse(json);
  if (root.type !== "object" || root.properties === undefined) {
    throw new ConfigError("settings schema must be an object schema (z.object) to be described as form fields");
  }
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties).map(([name, node]) => {
    const { inner, nullable } = withoutNull(node);
    const type = fieldType(inner);
    const field: SettingField = { name, type, optional: !required.has(name) || nullable };
    if (node.default !== undefined) field.default = node.default;
    const label = node.title ?? inner.title;
    if (label !== undefined) field.label = label;
    const description = node.description ?? inner.description;
    if (description !== undefined) field.description = description;
    const items = type === "list" && inner.items !== undefined ? withoutNull(inner.items).inner : undefined;
    const values = enumValues(items ?? inner);
    if (values !== undefined) field.enumValues = values;
    if (items !== undefined) field.itemType = fieldType(items);
    return field;
  });
}

/** `x.nullable()` comes out as `type: [x, "null"]` or `anyOf: [x, {type: "null"}]`: the field is x, left empty-able. */
function withoutNull(node: JsonSchemaNode): { inner: JsonSchemaNode; nullable: boolean } {
  if (Array.isArray(node.type) && node.type.includes("null")) {
    const rest = node.type.filter((type) => type !== "null");
    return { inner: { ...node, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  const branches = node.anyOf;
  if (branches !== undefined) {
    const rest = branches.filter((branch) => branch.type !== "null");
    const only = rest[0];
    if (rest.length === 1 && only !== undefined) {
      const description = node.description ?? only.description;
      return { inner: { ...only, description }, nullable: rest.length < branches.length };
    }
  }
  return { inner: node, nullable: false };
}

function enumValues(node: JsonSchemaNode): SettingField["enumValues"] {
  if (node.enum !== undefined) return node.enum;
  const constant = Scalar.safeParse(node.const);
  return node.const !== undefined && constant.success ? [constant.data] : undefined;
}

const STRING_FORMATS: Partial<Record<string, SettingFieldType>> = { uri: "url", email: "email", "date-time": "datetime" };

function fieldType(node: JsonSchemaNode): SettingFieldType {
  if (enumValues(node) !== undefined) return "enum";
  switch (node.type) {
    case "string":
      return STRING_FORMATS[node.format ?? ""] ?? "string";
    case "number":
    case "integer":
    case "boolean":
      return node.type;
    case "array":
      return "list";
    default:
      return "other";
  }
}
