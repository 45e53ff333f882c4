/**
 * What a connector is generated from, and the rules every value has to follow before anything is written.
 * Pure: no file system, no prompts; the CLI, the prompts and the programmatic API all funnel through here.
 */

export const AUTH_MODES = ["api-key", "oauth"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** In the order the canonical model lists them; generated code always follows this order. */
export const RECORD_KINDS = ["person", "account", "activity"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface ConnectorOptions {
  /** kebab-case; the package becomes `@gtm-clarity/connector-<name>`. */
  name: string;
  /** Human-readable name, e.g. "Acme CRM". */
  displayName: string;
  auth: AuthMode;
  kinds: readonly RecordKind[];
  webhooks: boolean;
}

export const DEFAULT_AUTH: AuthMode = "api-key";
export const DEFAULT_KINDS: readonly RecordKind[] = RECORD_KINDS;
export const DEFAULT_WEBHOOKS = false;

/**
 * Names that would collide with a package, a folder or a word the platform already uses. `fathom` and other
 * existing connectors are not listed: they are rejected as "already a package" by the workspace check.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "core",
  "testkit",
  "store",
  "worker",
  "web",
  "app",
  "apps",
  "create",
  "create-connector",
  "connector",
  "connectors",
  "tooling",
  "example",
  "test",
  "tests",
  "sandbox",
  "template",
  "templates",
  "node-modules",
  "node_modules",
  "src",
  "dist",
  "lib",
]);

const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 40;

/** Why `name` cannot be a connector name, or undefined when it can. Workspace collisions are checked elsewhere. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "A connector name is required, e.g. `acme` or `acme-crm`.";
  if (name.startsWith("connector-")) {
    const bare = name.slice("connector-".length);
    return `Leave out the "connector-" prefix: the package is named @gtm-clarity/connector-<name>, so use "${bare}".`;
  }
  if (!KEBAB_CASE.test(name)) {
    return (
      `"${name}" is not kebab-case: use lower-case letters, digits and single hyphens, ` +
      `starting with a letter (e.g. "acme-crm").`
    );
  }
  if (name.length > MAX_NAME_LENGTH) return `"${name}" is longer than ${MAX_NAME_LENGTH} characters.`;
  if (RESERVED_NAMES.has(name)) return `"${name}" is reserved: it names a package, folder or concept of the platform.`;
  return undefined;
}

/** Printable, single line, short: it lands in string literals, a README title and a changeset. */
export function displayNameProblem(displayName: string): string | undefined {
  if (displayName.trim() === "") return "The display name must not be empty.";
  if (displayName.length > 60) return "The display name must be at most 60 characters.";
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001f\u007f"`$\\]/.test(displayName)) {
    return "The display name must be a single line without quotes, backticks, dollar signs or backslashes.";
  }
  return undefined;
}

/** `acme-crm` -> `Acme Crm`. */
export function defaultDisplayName(name: string): string {
  return name
    .split("-")
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(" ");
}

export function isAuthMode(value: string): value is AuthMode {
  return (AUTH_MODES as readonly string[]).includes(value);
}

export function isRecordKind(value: string): value is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(value);
}

export type KindsParse = { ok: true; kinds: RecordKind[] } | { ok: false; problem: string };

/** `"activity, person"` -> `["person", "activity"]` (canonical order, deduplicated). */
export function parseKinds(value: string | readonly string[]): KindsParse {
  const parts = (typeof value === "string" ? value.split(",") : value).map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) return { ok: false, problem: `Pick at least one record kind: ${RECORD_KINDS.join(", ")}.` };
  const unknown = parts.filter((part) => !isRecordKind(part));
  if (unknown.length > 0) {
    return {
      ok: false,
      problem: `Unknown record kind ${unknown.map((part) => `"${part}"`).join(", ")}: use ${RECORD_KINDS.join(", ")}.`,
    };
  }
  return { ok: true, kinds: RECORD_KINDS.filter((kind) => parts.includes(kind)) };
}

export type OptionsCheck = { ok: true; options: ConnectorOptions } | { ok: false; problems: string[] };

/** Checks a complete set of options (the shape the programmatic API receives). */
export function checkOptions(input: {
  name: string;
  displayName?: string | undefined;
  auth?: string | undefined;
  kinds?: string | readonly string[] | undefined;
  webhooks?: boolean | undefined;
}): OptionsCheck {
  const problems: string[] = [];
  const nameIssue = nameProblem(input.name);
  if (nameIssue) problems.push(nameIssue);
  const displayName = input.displayName ?? defaultDisplayName(input.name);
  const displayIssue = displayNameProblem(displayName);
  if (displayIssue) problems.push(displayIssue);
  const auth = input.auth ?? DEFAULT_AUTH;
  if (!isAuthMode(auth)) problems.push(`Unknown auth "${auth}": use ${AUTH_MODES.join(" or ")}.`);
  const kinds = parseKinds(input.kinds ?? DEFAULT_KINDS);
  if (!kinds.ok) problems.push(kinds.problem);
  if (problems.length > 0 || !isAuthMode(auth) || !kinds.ok) return { ok: false, problems };
  return {
    ok: true,
    options: { name: input.name, displayName, auth, kinds: kinds.kinds, webhooks: input.webhooks ?? DEFAULT_WEBHOOKS },
  };
}
