/** tsconfig, vitest, eslint and tsup configs: shared tooling in the monorepo, inlined when standalone. */
import type { TemplateContext } from "./context.js";

/** The monorepo's strict compiler options (tooling/tsconfig/base.json), for a standalone package. */
const STRICT_COMPILER_OPTIONS = {
  target: "ES2022",
  lib: ["ES2023"],
  module: "ESNext",
  moduleResolution: "Bundler",
  moduleDetection: "force",
  resolveJsonModule: true,
  types: ["node"],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  noPropertyAccessFromIndexSignature: false,
  useUnknownInCatchVariables: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  esModuleInterop: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
  noEmit: true,
};

const INCLUDE = ["src", "test", "bench", "*.ts"];

export function tsconfigJson(ctx: TemplateContext): string {
  if (ctx.mode === "workspace") {
    return `{\n  "extends": "@gtm-clarity/tsconfig/base.json",\n  "include": ["src", "test", "bench", "*.ts"]\n}\n`;
  }
  const config = {
    $schema: "https://json.schemastore.org/tsconfig",
    compilerOptions: STRICT_COMPILER_OPTIONS,
    include: INCLUDE,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function vitestConfig(ctx: TemplateContext): string {
  if (ctx.mode === "workspace") {
    return `import { definePackageConfig } from "@gtm-clarity/vitest-config";\n\nexport default definePackageConfig();\n`;
  }
  return `import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    // Generous: the sandbox is a real HTTP server and the conformance suite runs several full syncs.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
`;
}

export function eslintConfig(ctx: TemplateContext): string {
  if (ctx.mode === "workspace") return `export { default } from "@gtm-clarity/eslint-config";\n`;
  return `// The GTM Clarity monorepo's lint rules. Type-aware rules are left out: \`tsc --noEmit\` already runs.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "coverage/**", "node_modules/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "error",
      "no-console": ["error", { allow: ["warn", "error"] }],
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**", "**/bench/**"],
    rules: { "no-console": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
`;
}

export function tsupConfig(): string {
  return `import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/sandbox/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
`;
}

export function gitignore(): string {
  return ["node_modules/", "dist/", "coverage/", "*.log", ".env", ".env.*", "*.tsbuildinfo", ""].join("\n");
}
