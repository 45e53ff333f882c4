import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ConnectorOptions } from "../src/options.js";
import { renderChangeset, renderConnector } from "../src/render.js";
import { PRINT_WIDTH } from "../src/templates/context.js";
import { STANDALONE_VERSIONS } from "../src/templates/versions.js";

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

const CORE_FILES = [
  "package.json",
  "README.md",
  "tsconfig.json",
  "tsup.config.ts",
  "vitest.config.ts",
  "eslint.config.js",
  "src/index.ts",
  "src/connector.ts",
  "src/client.ts",
  "src/auth.ts",
  "src/api-schema.ts",
  "src/schema.ts",
  "src/streams.ts",
  "src/cursor.ts",
  "src/sync/pull.ts",
  "src/sync/transform.ts",
  "src/sandbox/index.ts",
  "src/sandbox/server.ts",
  "src/sandbox/data.ts",
  "src/sandbox/http.ts",
  "src/sandbox/rate-limit.ts",
  "test/auth.test.ts",
  "test/connector.test.ts",
  "test/transform.test.ts",
  "test/pull.test.ts",
  "test/conformance.test.ts",
  "bench/full-sync.bench.ts",
];

describe("renderConnector", () => {
  it("renders the connector layout, and only the optional files that were asked for", () => {
    expect([...files().keys()].sort()).toEqual([...CORE_FILES].sort());
    expect([...files({ auth: "oauth", webhooks: true }).keys()].sort()).toEqual(
      [
        ...CORE_FILES,
        "src/oauth.ts",
        "src/webhook.ts",
        "src/sandbox/oauth-server.ts",
        "src/sandbox/webhook-sender.ts",
        "test/oauth.test.ts",
        "test/webhook.test.ts",
      ].sort(),
    );
    expect([...files({}, "standalone").keys()]).toContain(".gitignore");
  });

  it("is deterministic", () => {
    expect(renderConnector(base, "workspace")).toEqual(renderConnector(base, "workspace"));
  });

  it("gives the package the same manifest shape as the other connectors", () => {
    const pkg = manifest(files());
    expect(pkg["name"]).toBe("@gtm-clarity/connector-acme-crm");
    expect(pkg["version"]).toBe("0.1.0");
    expect(pkg["dependencies"]).toMatchObject({ "@gtm-clarity/core": "workspace:^" });
    expect(pkg["devDependencies"]).toMatchObject({ "@gtm-clarity/testkit": "workspace:^" });
    const fathom = readJson("packages/connector-fathom/package.json");
    for (const key of ["type", "sideEffects", "exports", "publishConfig", "files", "engines", "scripts", "license"]) {
      expect(pkg[key], key).toEqual(fathom[key]);
    }
    expect(Object.keys(pkg)).toEqual(Object.keys(fathom));
  });

  it("makes a standalone package depend on published versions, with its own tooling", () => {
    const rendered = files({}, "standalone");
    const pkg = manifest(rendered);
    expect(pkg["dependencies"]).toEqual({ "@gtm-clarity/core": "^0.1.0", zod: STANDALONE_VERSIONS.zod });
    expect(JSON.stringify(pkg)).not.toContain("workspace:");
    expect(pkg["devDependencies"]).toMatchObject({ vitest: expect.any(String), eslint: expect.any(String) });
    const tsconfig = JSON.parse(file(rendered, "tsconfig.json"));
    const shared = readJson("tooling/tsconfig/base.json");
    expect(tsconfig.compilerOptions).toEqual(shared["compilerOptions"]);
    expect(file(rendered, "eslint.config.js")).toContain('from "typescript-eslint"');
    expect(file(rendered, "vitest.config.ts")).toContain('from "vitest/config"');
  });

  it("keeps the standalone versions in step with the monorepo", () => {
    const declared: Record<string, string> = {};
    for (const path of [
      "package.json",
      "packages/core/package.json",
      "packages/testkit/package.json",
      "tooling/eslint/package.json",
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

  it("uses core for crypto, signatures, OAuth state and PKCE instead of its own", () => {
    const rendered = files({ auth: "oauth", webhooks: true });
    const all = [...rendered.values()].join("\n");
    expect(all).not.toMatch(/createCipheriv|createDecipheriv|aes-256|timingSafeEqual/);
    expect(file(rendered, "src/auth.ts")).toMatch(/encryptCredentials,[\s\S]*decryptCredentials|decryptCredentials,/);
    expect(file(rendered, "src/oauth.ts")).toContain("createOAuthState");
    expect(file(rendered, "src/oauth.ts")).toContain("verifyOAuthState");
    expect(file(rendered, "src/oauth.ts")).toContain("createPkcePair");
    expect(file(rendered, "src/webhook.ts")).toContain("readStandardWebhook");
    expect(file(files(), "src/auth.ts")).toContain("decryptApiKey");
    expect(file(files(), "src/sync/pull.ts")).toContain("client.getJson");
    expect(file(files(), "src/client.ts")).toContain("createHttpClient");
  });

  it("syncs exactly the chosen kinds", () => {
    const rendered = files({ kinds: ["activity", "person"] });
    expect(file(rendered, "src/streams.ts")).toContain('export const STREAM_KINDS = ["person", "activity"] as const;');
    expect(file(rendered, "src/api-schema.ts")).not.toContain("AcmeCrmAccountSchema");
    expect(file(rendered, "src/schema.ts")).not.toContain('kind: "account"');
    expect(file(rendered, "test/transform.test.ts")).not.toContain("transformAccount");
  });

  it("registers the connector in the entry module, with the version from package.json", () => {
    const rendered = files();
    expect(file(rendered, "src/index.ts")).toMatch(/connectorRegistry\.register\(new AcmeCrmConnector\(\)\);\n$/);
    expect(file(rendered, "src/connector.ts")).toContain('import pkg from "../package.json" with { type: "json" };');
    expect(file(rendered, "src/connector.ts")).toContain("readonly version: string = pkg.version;");
    expect(file(rendered, "src/connector.ts")).toContain('readonly name = "Acme CRM";');
  });

  it("wires the capabilities that were asked for, and no others", () => {
    const plain = file(files(), "src/connector.ts");
    expect(plain).not.toMatch(/oauth|webhooks/);
    const full = file(files({ auth: "oauth", webhooks: true }), "src/connector.ts");
    expect(full).toContain("readonly oauth: AcmeCrmOAuth;");
    expect(full).toContain("readonly webhooks = new AcmeCrmWebhooks();");
  });

  it("writes formatted code: 2-space indents, double quotes, no tabs or trailing spaces, a final newline", () => {
    for (const options of [{}, { auth: "oauth" as const, webhooks: true }, { kinds: ["account" as const] }]) {
      for (const [path, content] of files(options)) {
        expect(content.endsWith("\n"), path).toBe(true);
        expect(content, path).not.toMatch(/\t|[ \t]+\n|\n\n\n/);
        if (!path.endsWith(".ts")) continue;
        for (const line of content.split("\n")) {
          expect(line.length, `${path}: ${line}`).toBeLessThanOrEqual(PRINT_WIDTH);
          expect(/^( {2})*(\S| \*)/.test(line) || line === "", `${path}: odd indent: ${line}`).toBe(true);
        }
        expect(content, path).not.toMatch(/^import .* from '/m);
      }
    }
  });

  it("escapes nothing it should not: the display name lands verbatim in strings and docs", () => {
    const rendered = files({ displayName: "Acme (EU) & Co." });
    expect(file(rendered, "src/connector.ts")).toContain('readonly name = "Acme (EU) & Co.";');
    expect(file(rendered, "README.md")).toContain("Acme (EU) & Co. connector for GTM Clarity");
  });
});

describe("renderChangeset", () => {
  it("announces the new package as a minor release", () => {
    expect(renderChangeset({ ...base, auth: "oauth", webhooks: true })).toBe(
      '---\n"@gtm-clarity/connector-acme-crm": minor\n---\n\n' +
        "New Acme CRM connector: syncs person, account, activity records with OAuth and receives verified webhooks.\n",
    );
  });
});
