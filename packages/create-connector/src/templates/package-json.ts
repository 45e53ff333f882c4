import type { TemplateContext } from "./context.js";
import { NODE_ENGINES, STANDALONE_VERSIONS as V } from "./versions.js";

const KIND_WORDS = { person: "people", account: "accounts", activity: "activities" } as const;

function describe(ctx: TemplateContext): string {
  const words = ctx.kinds.map((kind) => KIND_WORDS[kind]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1) ?? ""}` : words[0] ?? "";
  return `${ctx.displayName} connector for GTM Clarity: ${list}${ctx.webhooks ? ", with webhooks" : ""}`;
}

/** The same shape as the other connector packages: source exports in the repo, dist on publish. */
export function packageJson(ctx: TemplateContext): string {
  const workspace = ctx.mode === "workspace";
  const manifest = {
    name: ctx.packageName,
    version: "0.1.0",
    description: describe(ctx),
    license: "MIT",
    type: "module",
    sideEffects: ["./src/index.ts", "./dist/index.js"],
    exports: {
      ".": "./src/index.ts",
      "./sandbox": "./src/sandbox/index.ts",
      "./package.json": "./package.json",
    },
    publishConfig: {
      access: "public",
      exports: {
        ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
        "./sandbox": { types: "./dist/sandbox/index.d.ts", default: "./dist/sandbox/index.js" },
        "./package.json": "./package.json",
      },
    },
    files: ["dist", "README.md", "CHANGELOG.md"],
    engines: { node: NODE_ENGINES },
    scripts: {
      build: "tsup",
      typecheck: "tsc --noEmit",
      lint: "eslint .",
      test: "vitest run",
      publint: "publint --strict",
      bench: "tsx bench/full-sync.bench.ts",
    },
    dependencies: {
      "@gtm-clarity/core": workspace ? "workspace:^" : V["@gtm-clarity/core"],
      zod: V.zod,
    },
    devDependencies: workspace
      ? {
          "@gtm-clarity/eslint-config": "workspace:*",
          "@gtm-clarity/tsconfig": "workspace:*",
          "@gtm-clarity/vitest-config": "workspace:*",
          "@gtm-clarity/testkit": "workspace:^",
        }
      : {
          "@eslint/js": V["@eslint/js"],
          "@gtm-clarity/testkit": V["@gtm-clarity/testkit"],
          "@types/node": V["@types/node"],
          eslint: V.eslint,
          publint: V.publint,
          tsup: V.tsup,
          tsx: V.tsx,
          typescript: V.typescript,
          "typescript-eslint": V["typescript-eslint"],
          vitest: V.vitest,
        },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
