import { describe, expect, it } from "vitest";
import { connectorNames, replaceTokens } from "../src/tokens.js";

describe("replaceTokens", () => {
  const names = connectorNames({ name: "acme-crm", displayName: "Acme CRM" });

  it("spells the name in the case each placeholder has", () => {
    expect(names).toEqual({ kebab: "acme-crm", pascal: "AcmeCrm", camel: "acmeCrm", upper: "ACME_CRM", display: "Acme CRM" });
    expect(replaceTokens("class TemplateConnector; startTemplateSandbox(); templateFieldMappings", names)).toBe(
      "class AcmeCrmConnector; startAcmeCrmSandbox(); acmeCrmFieldMappings",
    );
    expect(replaceTokens('TEMPLATE_BASE_URL = "https://api.template.example"', names)).toBe(
      'ACME_CRM_BASE_URL = "https://api.acme-crm.example"',
    );
    expect(replaceTokens('"@gtm-clarity/connector-template"; id = "template"; name = "Template";', names)).toBe(
      '"@gtm-clarity/connector-acme-crm"; id = "acme-crm"; name = "Acme CRM";',
    );
    expect(replaceTokens("The Template API's records. template: synced", names)).toBe(
      "The Acme CRM API's records. acme-crm: synced",
    );
  });

  it("takes a display name literally, even one with replacement patterns", () => {
    const odd = connectorNames({ name: "odd", displayName: "Odd $& Co" });
    expect(replaceTokens('name = "Template"', odd)).toBe('name = "Odd $& Co"');
  });
});
