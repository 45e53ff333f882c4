/**
 * The template's placeholders are ordinary identifiers of one connector named "template": the package
 * `connector-template`, `TemplateConnector`, `templateFieldMappings`, `TEMPLATE_BASE_URL`, the display name
 * `Template`. Generation replaces each spelling with the new name in the same case.
 */
import type { ConnectorOptions } from "./options.js";

export interface ConnectorNames {
  /** `acme-crm`: the id, the package folder, URLs. */
  kebab: string;
  /** `AcmeCrm` */
  pascal: string;
  /** `acmeCrm` */
  camel: string;
  /** `ACME_CRM`, for constants and environment variables. */
  upper: string;
  /** `Acme CRM`, in prose and user-facing strings. */
  display: string;
}

export function connectorNames(options: Pick<ConnectorOptions, "name" | "displayName">): ConnectorNames {
  const pascal = options.name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return {
    kebab: options.name,
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    upper: options.name.toUpperCase().replace(/-/g, "_"),
    display: options.displayName,
  };
}

/**
 * A whole word is prose or a string (`"Template"`, `template:`), so it takes the display name or the kebab name;
 * glued to other identifier characters it is part of an identifier and takes Pascal or camel case.
 */
export function replaceTokens(text: string, names: ConnectorNames): string {
  // Replacer functions, so that nothing in a display name is read as a `$` pattern.
  return text
    .replace(/connector-template/g, () => `connector-${names.kebab}`)
    .replace(/TEMPLATE/g, () => names.upper)
    .replace(/(?<![\w$])Template(?![\w$])/g, () => names.display)
    .replace(/Template/g, () => names.pascal)
    .replace(/(?<![\w$])template(?![\w$])/g, () => names.kebab)
    .replace(/template/g, () => names.camel);
}
