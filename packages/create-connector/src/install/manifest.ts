/**
 * package.json: the template package is private (it is never published) and describes all its options; a generated
 * package is publishable, says what it syncs, and, standalone, depends on published versions and its own tooling.
 */
import type { ConnectorOptions } from "../options.js";
import type { TemplateFiles } from "../template-source.js";
import { TemplateDriftError } from "./edit.js";
import { STANDALONE_VERSIONS } from "./versions.js";

interface Manifest {
  [field: string]: unknown;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && Object.values(value).every((item) => typeof item === "string");
}

function parseManifest(raw: string): Manifest {
  const value: unknown = JSON.parse(raw);
  if (typeof value !== "object" || value === null) throw new TemplateDriftError("package.json is not an object");
  const { dependencies, devDependencies, ...rest } = value as Record<string, unknown>;
  if (!isStringRecord(dependencies) || !isStringRecord(devDependencies)) {
    throw new TemplateDriftError("package.json has no dependencies and devDependencies");
  }
  // Field order as in the template: the other connectors' manifests have the same.
  return { ...rest, dependencies, devDependencies };
}

/** The monorepo's shared configs; a standalone package gets whole config files and these tools instead. */
const STANDALONE_TOOLS = [
  "@eslint/js",
  "@types/node",
  "eslint",
  "publint",
  "tsup",
  "tsx",
  "typescript",
  "typescript-eslint",
  "vitest",
] as const;

const KIND_WORDS = { person: "people", account: "accounts", activity: "activities" } as const;

function description(options: ConnectorOptions): string {
  const words = options.kinds.map((kind) => KIND_WORDS[kind]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1) ?? ""}` : (words[0] ?? "");
  // "Template" is the display-name token: replaced with the rest of the package.
  return `Template connector for GTM Clarity: ${list}${options.webhooks ? ", with webhooks" : ""}`;
}

function published(name: string): string {
  const version = (STANDALONE_VERSIONS as Record<string, string | undefined>)[name];
  if (version === undefined) throw new TemplateDriftError(`no published version is known for ${name}`);
  return version;
}

function standaloneDependencies(dependencies: Record<string, string>, tools: readonly string[]): Record<string, string> {
  const entries = Object.entries(dependencies)
    .filter(([name, range]) => !(name.startsWith("@gtm-clarity/") && range === "workspace:*"))
    .map(([name, range]) => [name, range.startsWith("workspace:") ? published(name) : range] as const);
  const all = [...entries, ...tools.map((name) => [name, published(name)] as const)];
  return Object.fromEntries(all.sort(([a], [b]) => (a < b ? -1 : 1)));
}

export function installManifest(files: TemplateFiles, options: ConnectorOptions, standalone: boolean): void {
  const raw = files.get("package.json");
  if (raw === undefined) throw new TemplateDriftError("package.json is missing");
  const { private: _private, ...manifest } = parseManifest(raw);
  manifest["description"] = description(options);
  if (standalone) {
    manifest.dependencies = standaloneDependencies(manifest.dependencies, []);
    manifest.devDependencies = standaloneDependencies(manifest.devDependencies, STANDALONE_TOOLS);
  }
  files.set("package.json", `${JSON.stringify(manifest, null, 2)}\n`);
}
