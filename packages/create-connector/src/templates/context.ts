/**
 * Everything a template needs, derived once from the options: the names in every case the generated code uses,
 * and which optional parts are on.
 */
import { RECORD_KINDS, type AuthMode, type ConnectorOptions, type RecordKind } from "../options.js";
import { packageName } from "../workspace.js";

export type TargetMode = "workspace" | "standalone";

export interface TemplateContext {
  /** kebab-case, also the connector id. */
  name: string;
  displayName: string;
  auth: AuthMode;
  oauth: boolean;
  kinds: readonly RecordKind[];
  webhooks: boolean;
  mode: TargetMode;
  packageName: string;
  /** `AcmeCrm` */
  pascal: string;
  /** `acmeCrm` */
  camel: string;
  /** `ACME_CRM`, for constants and environment variables. */
  constant: string;
  has(kind: RecordKind): boolean;
}

export function toPascalCase(name: string): string {
  return name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

export function createContext(options: ConnectorOptions, mode: TargetMode): TemplateContext {
  const pascal = toPascalCase(options.name);
  // Canonical order and no duplicates, whatever order the caller listed them in.
  const kinds = RECORD_KINDS.filter((kind) => options.kinds.includes(kind));
  return {
    name: options.name,
    displayName: options.displayName,
    auth: options.auth,
    oauth: options.auth === "oauth",
    kinds,
    webhooks: options.webhooks,
    mode,
    packageName: packageName(options.name),
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    constant: options.name.toUpperCase().replace(/-/g, "_"),
    has: (kind) => kinds.includes(kind),
  };
}

/** A TypeScript string literal (double quotes, escaped). */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** Joins the parts that are not `false`/`undefined` with newlines; nested arrays are flattened. */
export function lines(
  ...parts: readonly (string | false | undefined | readonly (string | false | undefined)[])[]
): string {
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === "string") out.push(part);
    else if (typeof part === "object") for (const inner of part) if (typeof inner === "string") out.push(inner);
  }
  return out.join("\n");
}

/** The line width the repo's code is formatted to. */
export const PRINT_WIDTH = 120;

/**
 * `import { a, b } from "x";` (or `export`) on one line when it fits, else one name per line, as a formatter would
 * print it. Names depend on the connector's name, so the layout cannot be fixed in the template.
 */
export function specifiers(
  keyword: "import" | "export" | "import type",
  names: readonly string[],
  from: string,
): string {
  const single = `${keyword} { ${names.join(", ")} } from ${str(from)};`;
  if (single.length <= PRINT_WIDTH) return single;
  return [`${keyword} {`, ...names.map((name) => `  ${name},`), `} from ${str(from)};`].join("\n");
}

/**
 * `head(a, b)tail` on one line when it fits at `indent`, else one parameter per line with trailing commas.
 * For function signatures: `signature("export function f", ["a: string"], ": void {")`.
 */
export function signature(head: string, params: readonly string[], tail: string, indent = ""): string {
  const single = `${indent}${head}(${params.join(", ")})${tail}`;
  if (single.length <= PRINT_WIDTH) return single;
  return [`${indent}${head}(`, ...params.map((param) => `${indent}  ${param},`), `${indent})${tail}`].join("\n");
}
