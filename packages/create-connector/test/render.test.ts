import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AUTH_VARIANT_FILES } from "../src/install/auth.js";
import { TemplateDriftError } from "../src/install/edit.js";
import { kindFiles } from "../src/install/kinds.js";
import { STANDALONE_VERSIONS } from "../src/install/versions.js";
import { WEBHOOK_FILES } from "../src/install/webhooks.js";
import { RECORD_KINDS, type ConnectorOptions, type RecordKind } from "../src/options.js";
import { renderChangeset, renderConnector } from "../src/render.js";
import { loadTemplate } from "../src/template-source.js";
import { currentRange } from "./support.js";

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(repo(path), "utf8"));

const base: ConnectorOptions = {
  name: "acme-crm",
  displayName: "Acme CRM",
  auth: "api-key",
  kinds: ["person", "account", "activity"],
  webhooks: false,
};

function files(options: Partial<ConnectorOptions> = {}, mode: "workspace" | "standalone" = "workspace") {
  return new Map(renderConnector({ ...base, ...options }, mode).map((file) => [file.path, file.content]));
}

function file(rendered: Map<string, string>, path: string): string {
  const content = rendered.get(path);
  if (content === undefined) throw new Error(`${path} was not rendered`);
  return content;
}

function manifest(rendered: Map<string, string>): Record<string, Record<string, string>> {
  return JSON.parse(file(rendered, "package.json"));
}

const templatePaths = [...loadTemplate().keys()];
const without = (...groups: (readonly string[])[]) => templatePaths.filter((path) => !groups.flat().includes(path));

/** Every non-empty subset of the record kinds. */
const KIND_SETS: RecordKind[][] = Array.from({ length: 2 ** RECORD_KINDS.length - 1 }, (_, index) =>
  RECORD_KINDS.filter((_, bit) => ((index + 1) >> bit) & 1),
);

describe("renderConnector", () => {
  it("copies the template package, keeping only the chosen auth variant and the optional files asked for", () => {
    expect([...files().keys()]).toEqual(without(AUTH_VARIANT_FILES.oauth, WEBHOOK_FILES));
    expect([...files({ auth: "oauth", webhooks: true }).keys()]).toEqual(without(AUTH_VARIANT_FILES["api-key"]));
    expect([...files({ kinds: ["person"] }).keys()]).toEqual(
      without(AUTH_VARIANT_FILES.oauth, WEBHOOK_FILES, kindFiles("account"), kindFiles("activity")),
    );
    expect([...files({}, "standalone").keys()]).toContain(".gitignore");
  });

  it("installs every combination of options, and leaves no trace of the name \"template\"", () => {
    for (const auth of ["api-key", "oauth"] as const) {
      for (const kinds of KIND_SETS) {
        for (const webhooks of [false, true]) {
          const rendered = files({ auth, kinds, webhooks });
          for (const [path, content] of rendered) {
            expect(`${path}\n${content}`, `${auth} ${kinds.join(",")} ${webhooks}: ${path}`).not.toMatch(/template/i);
          }
        }
      }
    }
  });

  it("is deterministic", () => {
    expect(renderConnector(base, "workspace")).toEqual(renderConnector(base, "workspace"));
  });

  it("names everything after the connector, in each case", () => {
    const rendered = files({ auth: "oauth" });
    expect(file(rendered, "src/index.ts")).toMatch(/connectorRegistry\.register\(new AcmeCrmConnector\(\)\);\n$/);
    const connector = file(rendered, "src/connector.ts");
    expect(connector).toContain('export const ACME_CRM_CONNECTOR_ID = "acme-crm";');
    expect(connector).toContain('readonly name = "Acme CRM";');
    expect(connector).toContain("readonly version: string = pkg.version;");
    expect(file(rendered, "src/schema.ts")).toContain("export const acmeCrmFieldMappings");
    expect(file(rendered, "src/client.ts")).toContain('"https://api.acme-crm.example"');
    expect(file(rendered, "src/auth/oauth-flow.ts")).toContain("ACME_CRM_CLIENT_ID");
    expect(file(rendered, "README.md")).toMatch(/^# @gtm-clarity\/connector-acme-crm\n\nAcme CRM connector for GTM Clarity/);
  });

  it("lands the display name verbatim in strings and docs", () => {
    const rendered = files({ displayName: "Acme (EU) & Co." });
    expect(file(rendered, "src/connector.ts")).toContain('readonly name = "Acme (EU) & Co.";');
    expect(file(rendered, "README.md")).toContain("Acme (EU) & Co. connector for GTM Clarity");
  });

  it("gives the package the same manifest shape as the other connectors, publishable", () => {
    const pkg = manifest(files());
    expect(pkg["name"]).toBe("@gtm-clarity/connector-acme-crm");
    expect(pkg["version"]).toBe("0.1.0");
    expect(pkg["private"]).toBeUndefined();
    expect(pkg["description"]).toBe("Acme CRM connector for GTM Clarity: people, accounts and activities");
    // testkit at run time: the published `./sandbox` entry is built on its sandbox kit, like Fathom's.
    expect(pkg["dependencies"]).toMatchObject({ "@gtm-clarity/core": "workspace:^", "@gtm-clarity/testkit": "workspace:^" });
    const fathom = readJson("packages/connector-fathom/package.json");
    for (const key of ["type", "sideEffects", "exports", "publishConfig", "files", "engines", "license"]) {
      expect(pkg[key], key).toEqual(fathom[key]);
    }
    expect(Object.keys(pkg)).toEqual(Object.keys(fathom));
    expect(manifest(files({ kinds: ["activity"], webhooks: true }))["description"]).toBe(
      "Acme CRM connector for GTM Clarity: activities, with webhooks",
    );
  });

  it("makes a standalone package depend on published versions, with its own whole config files", () => {
    const rendered = files({}, "standalone");
    const pkg = manifest(rendered);
    expect(pkg["dependencies"]).toEqual({
      "@gtm-clarity/core": currentRange("core"),
      "@gtm-clarity/testkit": currentRange("testkit"),
      zod: STANDALONE_VERSIONS.zod,
    });
    expect(JSON.stringify(pkg)).not.toContain("workspace:");
    expect(pkg["devDependencies"]).toMatchObject({ vitest: expect.any(String), eslint: expect.any(String) });
    const tsconfig = JSON.parse(file(rendered, "tsconfig.json"));
    expect(tsconfig.compilerOptions).toEqual(readJson("tooling/tsconfig/base.json")["compilerOptions"]);
    expect(file(rendered, "eslint.config.js")).toContain('from "typescript-eslint"');
    expect(file(rendered, "vitest.config.ts")).toContain('from "vitest/config"');
    expect(file(rendered, "tsup.config.ts")).toContain('from "tsup"');
    expect([...rendered.values()].join("\n")).not.toMatch(/@gtm-clarity\/(tsconfig|eslint-config|vitest-config|tsup-config)/);
    const readme = file(rendered, "README.md");
    expect(readme).toContain("pnpm typecheck\npnpm lint\npnpm test\n");
    expect(readme).not.toContain("pnpm turbo");
  });

  it("keeps the standalone versions in step with the monorepo", () => {
    const declared: Record<string, string> = {};
    for (const path of [
      "package.json",
      "packages/core/package.json",
      "packages/testkit/package.json",
      "tooling/eslint/package.json",
      "tooling/tsup/package.json",
    ]) {
      const pkg = readJson(path);
      for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
        Object.assign(declared, pkg[field] as Record<string, string> | undefined);
      }
    }
    for (const [name, range] of Object.entries(STANDALONE_VERSIONS)) {
      if (name.startsWith("@gtm-clarity/")) {
        const own = readJson(`packages/${name.slice("@gtm-clarity/".length)}/package.json`)["version"];
        expect(range, name).toBe(`^${String(own)}`);
      } else {
        expect(range, name).toBe(declared[name]);
      }
    }
  });

  it("uses core for crypto, signatures, OAuth state, PKCE and settings/secrets parsing instead of its own", () => {
    const all = [...files({ auth: "oauth", webhooks: true }).values()].join("\n");
    expect(all).not.toMatch(/createCipheriv|createDecipheriv|aes-256|timingSafeEqual/);
    expect(all).toContain("createOAuthState");
    expect(all).toContain("readStandardWebhook");
    // The store encrypts the credentials: an API key is parsed with core, never sealed into settings.
    const apiKey = [...files().values()].join("\n");
    expect(apiKey).toContain("parseConnectorSecrets(this, config.secrets)");
    expect(apiKey).toContain("parseConnectorSettings(this, options.settings)");
    expect(apiKey).not.toMatch(/encryptApiKey|encryptedApiKey|encryptedTokens/);
  });

  it("syncs exactly the chosen kinds", () => {
    const rendered = files({ kinds: ["activity", "person"] });
    expect(file(rendered, "src/streams.ts")).toMatch(/STREAMS = \[\n {2}personStream,\n {2}activityStream,\n\] as const;/);
    expect([...rendered.values()].join("\n")).not.toMatch(/accountStream|accountSandbox|\/account\.js"/);
  });

  it("wires the auth variant and the capabilities that were asked for, and no others", () => {
    const plain = files();
    expect(file(plain, "src/auth.ts")).toContain('export * from "./auth/api-key.js";');
    expect(file(plain, "src/sandbox/auth.ts")).toContain('export * from "./auth/api-key.js";');
    expect(file(plain, "src/connector.ts")).not.toMatch(/Webhooks/);
    const full = files({ auth: "oauth", webhooks: true });
    expect(file(full, "src/auth.ts")).toContain('export * from "./auth/oauth.js";');
    expect(file(full, "src/connector.ts")).toContain("readonly webhooks = new AcmeCrmWebhooks();");
  });

  it("keeps settings apart from secrets, and the README's settings-and-secrets rows of the chosen auth only", () => {
    const apiKey = files();
    expect(file(apiKey, "src/settings.ts")).toContain("export const AcmeCrmSettingsSchema = z.object({");
    expect(file(apiKey, "src/auth/api-key.ts")).toContain("export const AcmeCrmSecretsSchema = z.object({");
    const apiKeyReadme = file(apiKey, "README.md");
    expect(apiKeyReadme).toContain("| setting | `baseUrl` |");
    expect(apiKeyReadme).toContain("| secret (`--auth api-key`) | `apiKey` |");
    expect(apiKeyReadme).not.toContain("--auth oauth");
    const oauthReadme = file(files({ auth: "oauth" }), "README.md");
    expect(oauthReadme).toContain("| credentials (`--auth oauth`) | `accessToken`, `refreshToken` |");
    expect(oauthReadme).not.toContain("--auth api-key");
  });

  it("refuses a README without the other auth variant's rows as a drifted template", () => {
    const drifted = loadTemplate();
    const readme = drifted.get("README.md") ?? "";
    drifted.set("README.md", readme.replaceAll("(`--auth oauth`)", ""));
    expect(() => renderConnector(base, "workspace", drifted)).toThrow(/README\.md has no line matching/);
  });

  it("refuses a template its installers no longer fit, naming what is missing", () => {
    const drifted = loadTemplate();
    drifted.set("src/auth.ts", "export * from './auth/somewhere-else.js';\n");
    expect(() => renderConnector(base, "workspace", drifted)).toThrow(TemplateDriftError);
    expect(() => renderConnector(base, "workspace", drifted)).toThrow(/src\/auth\.ts has no line/);
  });
});

describe("renderChangeset", () => {
  it("announces the new package as a minor release", () => {
    expect(renderChangeset({ ...base, kinds: ["activity", "person"], auth: "oauth", webhooks: true })).toBe(
      '---\n"@gtm-clarity/connector-acme-crm": minor\n---\n\n' +
        "New Acme CRM connector: syncs person, activity records with OAuth and receives verified webhooks.\n",
    );
  });
});
