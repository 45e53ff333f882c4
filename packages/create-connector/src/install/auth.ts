/**
 * The template carries every auth variant as whole files (connector side, sandbox side, tests) and wires one in
 * `src/auth.ts` and `src/sandbox/auth.ts`. Installing a variant keeps its files, drops the others' and points the
 * two wiring lines at it. The README's settings-and-secrets table has a row per variant, tagged "(`--auth <mode>`)":
 * the other variants' rows go.
 */
import { AUTH_MODES, type AuthMode } from "../options.js";
import type { TemplateFiles } from "../template-source.js";
import { removeFiles, removeLines, replaceLine } from "./edit.js";

/** The variant `src/auth.ts` re-exports in the template package. */
export const WIRED_AUTH: AuthMode = "oauth";

export const AUTH_VARIANT_FILES: Record<AuthMode, readonly string[]> = {
  "api-key": ["src/auth/api-key.ts", "src/sandbox/auth/api-key.ts", "test/auth/api-key.test.ts"],
  oauth: [
    "src/auth/oauth.ts",
    "src/auth/oauth-flow.ts",
    "src/sandbox/auth/oauth.ts",
    "src/sandbox/auth/oauth-server.ts",
    "test/auth/oauth.test.ts",
    "test/auth/oauth-flow.test.ts",
  ],
};

const WIRING = ["src/auth.ts", "src/sandbox/auth.ts"];

export function installAuth(files: TemplateFiles, auth: AuthMode): void {
  for (const other of AUTH_MODES) {
    if (other === auth) continue;
    removeFiles(files, AUTH_VARIANT_FILES[other]);
    removeLines(files, "README.md", readmeRowsOf(other));
  }
  if (auth === WIRED_AUTH) return;
  for (const path of WIRING) {
    replaceLine(files, path, `export * from "./auth/${WIRED_AUTH}.js";`, `export * from "./auth/${auth}.js";`);
  }
}

/** README lines that only concern `mode`: the settings-and-secrets table's rows for it. */
export function readmeRowsOf(mode: AuthMode): RegExp {
  return new RegExp(`\\(\`--auth ${mode}\`\\)`);
}
